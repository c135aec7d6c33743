import { ConflictException, ForbiddenException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { isForeignKeyViolation, isUniqueViolation } from '../common/errors/postgres-errors.js';
import { Page, type PaginationQuery } from '../common/pagination/pagination.js';
import { sentFields } from '../common/validation/presence.js';
import { MenuItemChanged, RestaurantChanged } from '../events/domain-events.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { RecordedEvent } from '../events/invalidation-outbox.js';
import { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import { type MenuItemResponse, toMenuItemResponse } from '../menu-items/dto/menu-item.dto.js';
import { MenuItemsRepository } from '../menu-items/menu-items.repository.js';
import {
  type CreateRestaurantDto,
  type RestaurantResponse,
  type RestaurantSearchQuery,
  toRestaurantResponse,
  type UpdateRestaurantDto,
} from './dto/restaurant.dto.js';
import { type MenuItemWithRestaurantResponse, toMenuItemWithRestaurantResponse } from './dto/menu-item-with-restaurant.dto.js';
import { type RestaurantWithMenuResponse, toRestaurantWithMenuResponse } from './dto/restaurant-with-menu.dto.js';
import { type RestaurantFilter, RestaurantsRepository, UNIQUE_NAME_INDEX } from './restaurants.repository.js';
import type { Principal } from '../access/principal.js';

const RESTAURANT = 'Restaurant';

@Injectable()
export class RestaurantsService {
  constructor(
    private readonly outbox: InvalidationOutboxRepository,
    private readonly restaurants: RestaurantsRepository,
    private readonly menuItems: MenuItemsRepository,
    private readonly events: DomainEventBus,
  ) {}

  /** Writes run in a transaction with their cache invalidation outbox row; the event is published after the commit. */
  async create(dto: CreateRestaurantDto): Promise<RestaurantResponse> {
    const { restaurant, recorded } = await this.uniqueName(dto.name, () =>
      this.outbox.transaction(async (manager) => {
        const restaurant = await this.get(await this.restaurants.insert(sentFields(dto), manager), manager);
        return { restaurant, recorded: await this.outbox.record(manager, [new RestaurantChanged(restaurant.id, 'created', restaurant)]) };
      }),
    );
    await this.events.publish(...recorded);
    return restaurant;
  }

  list(page: PaginationQuery): Promise<Page<RestaurantResponse>> {
    return this.findPage({}, page);
  }

  listActive(page: PaginationQuery): Promise<Page<RestaurantResponse>> {
    return this.findPage({ is_active: true }, page);
  }

  search(query: RestaurantSearchQuery): Promise<Page<RestaurantResponse>> {
    return this.findPage(query, query);
  }

  async get(id: number, manager?: EntityManager): Promise<RestaurantResponse> {
    const restaurant = await this.restaurants.findById(id, manager);
    if (!restaurant) throw new ResourceNotFoundException(RESTAURANT, id);
    return toRestaurantResponse(restaurant);
  }

  async getWithMenu(id: number): Promise<RestaurantWithMenuResponse> {
    const restaurant = await this.restaurants.findByIdWithMenu(id);
    if (!restaurant) throw new ResourceNotFoundException(RESTAURANT, id);
    return toRestaurantWithMenuResponse(restaurant, restaurant.menu_items);
  }

  async getMenuItemWithRestaurant(id: number): Promise<MenuItemWithRestaurantResponse> {
    const item = await this.restaurants.findMenuItemWithRestaurant(id);
    if (!item) throw new ResourceNotFoundException('Menu item', id);
    return toMenuItemWithRestaurantResponse(item);
  }

  /** 404 unless a restaurant (active or not) has this id: for every route under /restaurants/{id}. */
  async requireExists(id: number): Promise<void> {
    if (!(await this.restaurants.exists(id))) throw new ResourceNotFoundException(RESTAURANT, id);
  }

  async getMenu(id: number, page: PaginationQuery): Promise<Page<MenuItemResponse>> {
    await this.requireExists(id);
    const [items, total] = await this.menuItems.findPage({ restaurant_id: id }, page);
    return new Page(items.map(toMenuItemResponse), total);
  }

  /**
   * Only the fields sent change; an empty body changes nothing and returns the restaurant as it is.
   * The rating is the average of the reviews: an owner may not set it, and an admin's correction
   * lasts until the next review recomputes it.
   */
  async update(id: number, dto: UpdateRestaurantDto, caller?: Principal): Promise<RestaurantResponse> {
    if (dto.rating !== undefined && caller?.role !== 'admin') {
      throw new ForbiddenException('rating is the average of the reviews: only an admin may correct it');
    }
    const changes = sentFields(dto);
    if (Object.keys(changes).length === 0) return this.get(id);
    const { restaurant, recorded } = await this.uniqueName(changes.name, () =>
      this.outbox.transaction(async (manager) => {
        if (!(await this.restaurants.update(id, changes, manager))) throw new ResourceNotFoundException(RESTAURANT, id);
        const restaurant = await this.get(id, manager);
        return { restaurant, recorded: await this.outbox.record(manager, [new RestaurantChanged(restaurant.id, 'updated', restaurant)]) };
      }),
    );
    await this.events.publish(...recorded);
    return restaurant;
  }

  /**
   * Deletes the restaurant and its menu items. Order history is never destroyed: when orders refer
   * to the restaurant (or to its items) the database refuses and nothing is deleted.
   */
  async delete(id: number): Promise<void> {
    let recorded: RecordedEvent[];
    try {
      recorded = await this.outbox.transaction(async (manager) => {
        const menuItemIds = await this.menuItems.deleteByRestaurant(id, manager);
        if (!(await this.restaurants.delete(id, manager))) throw new ResourceNotFoundException(RESTAURANT, id);
        return this.outbox.record(manager, [
          ...menuItemIds.map((menuItemId) => new MenuItemChanged(menuItemId, id, 'deleted')),
          new RestaurantChanged(id, 'deleted'),
        ]);
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new ConflictException(`Restaurant ${id} has orders and cannot be deleted; deactivate it with is_active=false instead`);
      }
      throw error;
    }
    await this.events.publish(...recorded);
  }

  /** Runs a write that may set `name`, turning a clash with another restaurant's name into a 409. */
  private async uniqueName<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, UNIQUE_NAME_INDEX)) {
        throw new ConflictException(`A restaurant named "${name}" already exists (names are unique, ignoring case)`);
      }
      throw error;
    }
  }

  private async findPage(filter: RestaurantFilter, page: PaginationQuery): Promise<Page<RestaurantResponse>> {
    const [restaurants, total] = await this.restaurants.findPage(filter, page);
    return new Page(restaurants.map(toRestaurantResponse), total);
  }
}
