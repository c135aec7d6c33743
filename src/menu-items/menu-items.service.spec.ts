import { recordingOutbox } from '../common/testing/recording-data-source.js';
import type { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictException } from '@nestjs/common';
import { type EntityManager, QueryFailedError } from 'typeorm';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import type { PaginationQuery } from '../common/pagination/pagination.js';
import { type DomainEvent, MenuItemChanged } from '../events/domain-events.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { MenuItem } from './entities/menu-item.entity.js';
import type { MenuItemFilter, MenuItemsRepository, MenuItemValues } from './menu-items.repository.js';
import { MenuItemsService } from './menu-items.service.js';
import type { MenuItemSearchQuery } from './dto/menu-item.dto.js';

function postgresError(code: string, constraint: string): QueryFailedError {
  return new QueryFailedError('query', [], Object.assign(new Error('violation'), { code, constraint }));
}

const AT = new Date('2025-01-15T18:30:00.000Z');
const PAGE: PaginationQuery = { skip: 0, limit: 50 };

/** An in-memory stand-in for the menu_items table, with a switch to make the next write fail. */
class FakeMenuItemsRepository {
  rows = new Map<number, MenuItem>();
  nextError: Error | undefined;
  writes = 0;
  pageRequests: { filter: MenuItemFilter; page: PaginationQuery }[] = [];
  private nextId = 1;

  async insert(values: MenuItemValues) {
    this.fail();
    const row = {
      description: null,
      is_vegetarian: false,
      is_vegan: false,
      is_gluten_free: false,
      is_available: true,
      preparation_time: null,
      ...values,
      id: this.nextId++,
      created_at: AT,
      updated_at: AT,
    } as MenuItem;
    this.rows.set(row.id, row);
    return row.id;
  }

  async findById(id: number) {
    return this.rows.get(id) ?? null;
  }

  async findPage(filter: MenuItemFilter, page: PaginationQuery): Promise<[MenuItem[], number]> {
    this.pageRequests.push({ filter, page });
    return [[...this.rows.values()], this.rows.size];
  }

  async update(id: number, changes: MenuItemValues) {
    this.fail();
    this.writes++;
    const row = this.rows.get(id);
    if (!row) return false;
    Object.assign(row, changes);
    return true;
  }

  async deleteById(id: number) {
    this.fail();
    const row = this.rows.get(id);
    this.rows.delete(id);
    return row?.restaurant_id;
  }

  private fail() {
    const error = this.nextError;
    this.nextError = undefined;
    if (error) throw error;
  }
}

describe('MenuItemsService', () => {
  let items: FakeMenuItemsRepository;
  let published: DomainEvent[];
  let service: MenuItemsService;

  beforeEach(() => {
    items = new FakeMenuItemsRepository();
    published = [];
    const bus = new DomainEventBus();
    bus.subscribe('menu-item.changed', (event) => void published.push(event));
    service = new MenuItemsService(
      items as unknown as MenuItemsRepository,
      bus,
      recordingOutbox([], {} as EntityManager) as unknown as InvalidationOutboxRepository,
    );
  });

  const create = () => service.create(3, { name: 'Soup', price: 5, category: 'Starter' });

  describe('create', () => {
    it('stores the item under the restaurant and publishes the representation it returns', async () => {
      const item = await create();
      expect(item).toMatchObject({ restaurant_id: 3, name: 'Soup', price: 5, is_available: true });
      expect(published).toEqual([new MenuItemChanged(item.id, 3, 'created', item)]);
    });

    it('turns a missing restaurant (the foreign key refuses the row) into a 404 for the restaurant', async () => {
      items.nextError = postgresError('23503', 'fk_menu_items_restaurant');
      await expect(create()).rejects.toThrow(new ResourceNotFoundException('Restaurant', 3));
      expect(published).toEqual([]);
    });
  });

  describe('update', () => {
    it('writes only when something was sent, and publishes the new representation', async () => {
      const item = await create();
      published = [];
      expect(await service.update(item.id, {})).toEqual(item);
      expect(items.writes).toBe(0);
      expect(published).toEqual([]);

      const updated = await service.update(item.id, { price: 7, name: undefined });
      expect(updated.price).toBe(7);
      expect(updated.name).toBe('Soup');
      expect(published).toEqual([new MenuItemChanged(item.id, 3, 'updated', updated)]);
    });

    it('answers a missing item with a 404', async () => {
      await expect(service.update(42, { price: 7 })).rejects.toThrow(new ResourceNotFoundException('Menu item', 42));
      await expect(service.update(42, {})).rejects.toThrow(ResourceNotFoundException);
    });
  });

  describe('delete', () => {
    it('publishes the deletion with the restaurant the item belonged to', async () => {
      const item = await create();
      published = [];
      await service.delete(item.id);
      expect(published).toEqual([new MenuItemChanged(item.id, 3, 'deleted')]);
    });

    it.each([
      ['foreign_key_violation (Postgres 15-17)', '23503'],
      ['restrict_violation (Postgres 18)', '23001'],
    ])('refuses with a 409 pointing to is_available=false when the database reports %s', async (_case, code) => {
      const item = await create();
      published = [];
      items.nextError = postgresError(code, 'fk_order_items_menu_item');
      await expect(service.delete(item.id)).rejects.toThrow(
        new ConflictException(
          `Menu item ${item.id} appears in orders and cannot be deleted; set is_available=false to take it off the menu instead`,
        ),
      );
      expect(published).toEqual([]);
    });

    it('answers a missing item with a 404', async () => {
      await expect(service.delete(42)).rejects.toThrow(new ResourceNotFoundException('Menu item', 42));
      expect(published).toEqual([]);
    });
  });

  describe('search', () => {
    const query = (values: Partial<MenuItemSearchQuery>) => ({ ...PAGE, ...values });

    it('refuses min_price above max_price with a 400 on min_price', async () => {
      const error = await service.search(query({ min_price: 20, max_price: 10 })).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationFailedException);
      expect((error as ValidationFailedException).fieldErrors).toEqual([
        { field: 'min_price', rule: 'notAboveMaxPrice', message: 'min_price must not be greater than max_price' },
      ]);
      expect(items.pageRequests).toEqual([]);
    });

    it('accepts equal bounds and either bound alone', async () => {
      await service.search(query({ min_price: 10, max_price: 10 }));
      await service.search(query({ min_price: 20 }));
      await service.search(query({ max_price: 1 }));
      expect(items.pageRequests).toHaveLength(3);
    });
  });

  describe('listByDietaryType', () => {
    it.each([
      ['vegetarian', { vegetarian: true }],
      ['vegan', { vegan: true }],
      ['gluten-free', { gluten_free: true }],
    ])('filters %s items', async (type, filter) => {
      await service.listByDietaryType(type, PAGE);
      expect(items.pageRequests).toEqual([{ filter, page: PAGE }]);
    });

    it.each(['keto', 'gluten_free', 'VEGAN', ''])('refuses %p with a 400 naming the parameter and the allowed values', async (type) => {
      const error = await service.listByDietaryType(type, PAGE).catch((caught: unknown) => caught);
      expect((error as ValidationFailedException).fieldErrors).toEqual([
        { field: 'dietary_type', rule: 'isIn', message: 'dietary_type must be one of: vegetarian, vegan, gluten-free' },
      ]);
    });
  });

  describe('listByCategory', () => {
    it('matches the category as it is stored: capitalised', async () => {
      await service.listByCategory('  main   COURSE ', PAGE);
      expect(items.pageRequests).toEqual([{ filter: { category: 'Main Course' }, page: PAGE }]);
    });

    it.each(['   ', 'c'.repeat(51)])('refuses %p with a 400', async (category) => {
      await expect(service.listByCategory(category, PAGE)).rejects.toThrow(ValidationFailedException);
      expect(items.pageRequests).toEqual([]);
    });
  });
});
