import { ConflictException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { isForeignKeyViolation } from '../common/errors/postgres-errors.js';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import { Page, type PaginationQuery } from '../common/pagination/pagination.js';
import { sentFields } from '../common/validation/presence.js';
import { capitalizeWords } from '../common/validation/transforms.js';
import { MenuItemChanged } from '../events/domain-events.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import type { RecordedEvent } from '../events/invalidation-outbox.js';
import {
  type CreateMenuItemDto,
  DIETARY_TYPES,
  type DietaryType,
  type MenuItemResponse,
  type MenuItemSearchQuery,
  toMenuItemResponse,
  type UpdateMenuItemDto,
} from './dto/menu-item.dto.js';
import { type MenuItemFilter, MenuItemsRepository } from './menu-items.repository.js';

const MENU_ITEM = 'Menu item';
const RESTAURANT_FOREIGN_KEY = 'fk_menu_items_restaurant';
const MAX_CATEGORY_LENGTH = 50;

const DIETARY_FILTERS: Record<DietaryType, MenuItemFilter> = {
  vegetarian: { vegetarian: true },
  vegan: { vegan: true },
  'gluten-free': { gluten_free: true },
};

@Injectable()
export class MenuItemsService {
  constructor(
    private readonly items: MenuItemsRepository,
    private readonly events: DomainEventBus,
    private readonly outbox: InvalidationOutboxRepository,
  ) {}

  /** Writes run in a transaction with their cache invalidation outbox row; the event is published after the commit. */
  async create(restaurantId: number, dto: CreateMenuItemDto): Promise<MenuItemResponse> {
    let written: { item: MenuItemResponse; recorded: RecordedEvent[] };
    try {
      written = await this.outbox.transaction(async (manager) => {
        const item = await this.get(await this.items.insert({ ...sentFields(dto), restaurant_id: restaurantId }, manager), manager);
        return { item, recorded: await this.outbox.record(manager, [new MenuItemChanged(item.id, item.restaurant_id, 'created', item)]) };
      });
    } catch (error) {
      if (isForeignKeyViolation(error, RESTAURANT_FOREIGN_KEY)) throw new ResourceNotFoundException('Restaurant', restaurantId);
      throw error;
    }
    await this.events.publish(...written.recorded);
    return written.item;
  }

  async list(page: PaginationQuery): Promise<Page<MenuItemResponse>> {
    return this.findPage({}, page);
  }

  async get(id: number, manager?: EntityManager): Promise<MenuItemResponse> {
    const item = await this.items.findById(id, manager);
    if (!item) throw new ResourceNotFoundException(MENU_ITEM, id);
    return toMenuItemResponse(item);
  }

  /** Only the fields sent change; an empty body changes nothing and returns the item as it is. */
  async update(id: number, dto: UpdateMenuItemDto): Promise<MenuItemResponse> {
    const changes = sentFields(dto);
    if (Object.keys(changes).length === 0) return this.get(id);
    const { item, recorded } = await this.outbox.transaction(async (manager) => {
      if (!(await this.items.update(id, changes, manager))) throw new ResourceNotFoundException(MENU_ITEM, id);
      const item = await this.get(id, manager);
      return { item, recorded: await this.outbox.record(manager, [new MenuItemChanged(item.id, item.restaurant_id, 'updated', item)]) };
    });
    await this.events.publish(...recorded);
    return item;
  }

  /** Order history keeps referring to the item, so an ordered item can only be made unavailable. */
  async delete(id: number): Promise<void> {
    let recorded: RecordedEvent[];
    try {
      recorded = await this.outbox.transaction(async (manager) => {
        const restaurantId = await this.items.deleteById(id, manager);
        if (restaurantId === undefined) throw new ResourceNotFoundException(MENU_ITEM, id);
        return this.outbox.record(manager, [new MenuItemChanged(id, restaurantId, 'deleted')]);
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new ConflictException(
          `Menu item ${id} appears in orders and cannot be deleted; set is_available=false to take it off the menu instead`,
        );
      }
      throw error;
    }
    await this.events.publish(...recorded);
  }

  async search(query: MenuItemSearchQuery): Promise<Page<MenuItemResponse>> {
    if (query.min_price !== undefined && query.max_price !== undefined && query.min_price > query.max_price) {
      throw ValidationFailedException.single('min_price', 'notAboveMaxPrice', 'min_price must not be greater than max_price');
    }
    return this.findPage(query, query);
  }

  async listByDietaryType(dietaryType: string, page: PaginationQuery): Promise<Page<MenuItemResponse>> {
    if (!(DIETARY_TYPES as readonly string[]).includes(dietaryType)) {
      throw ValidationFailedException.single('dietary_type', 'isIn', `dietary_type must be one of: ${DIETARY_TYPES.join(', ')}`);
    }
    return this.findPage(DIETARY_FILTERS[dietaryType as DietaryType], page);
  }

  /** The category is matched as stored: capitalised, case-insensitively. */
  async listByCategory(category: string, page: PaginationQuery): Promise<Page<MenuItemResponse>> {
    const normalized = capitalizeWords(category);
    if (normalized.length < 1 || normalized.length > MAX_CATEGORY_LENGTH) {
      throw ValidationFailedException.single('category', 'isLength', `category must be between 1 and ${MAX_CATEGORY_LENGTH} characters`);
    }
    return this.findPage({ category: normalized }, page);
  }

  private async findPage(filter: MenuItemFilter, page: PaginationQuery): Promise<Page<MenuItemResponse>> {
    const [items, total] = await this.items.findPage(filter, page);
    return new Page(items.map(toMenuItemResponse), total);
  }
}
