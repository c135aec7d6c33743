import { recordingOutbox } from '../common/testing/recording-data-source.js';
import type { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictException, ForbiddenException } from '@nestjs/common';
import { type EntityManager, QueryFailedError } from 'typeorm';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import type { PaginationQuery } from '../common/pagination/pagination.js';
import { type DomainEvent, MenuItemChanged, RestaurantChanged } from '../events/domain-events.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { MenuItemsRepository } from '../menu-items/menu-items.repository.js';
import type { CreateRestaurantDto } from './dto/restaurant.dto.js';
import type { Restaurant } from './entities/restaurant.entity.js';
import type { RestaurantsRepository, RestaurantValues } from './restaurants.repository.js';
import { RestaurantsService } from './restaurants.service.js';

function postgresError(code: string, constraint: string): QueryFailedError {
  return new QueryFailedError('query', [], Object.assign(new Error('violation'), { code, constraint }));
}

const AT = new Date('2025-01-15T18:30:00.000Z');
const PAGE: PaginationQuery = { skip: 0, limit: 50 };
const MANAGER = { name: 'the transaction manager' } as unknown as EntityManager;

/** Everything the fakes do, in order, so tests can check what ran inside the transaction and after it. */
let log: string[];

class FakeRestaurantsRepository {
  rows = new Map<number, Restaurant>();
  nextError: Error | undefined;
  private nextId = 1;

  async insert(values: RestaurantValues) {
    this.fail();
    const row = {
      description: null,
      rating: 0,
      is_active: true,
      opening_time: null,
      closing_time: null,
      capacity: 20,
      ...values,
      id: this.nextId++,
      created_at: AT,
      updated_at: AT,
    } as Restaurant;
    this.rows.set(row.id, row);
    return row.id;
  }

  async findById(id: number) {
    return this.rows.get(id) ?? null;
  }

  async exists(id: number) {
    return this.rows.has(id);
  }

  async update(id: number, changes: RestaurantValues) {
    this.fail();
    log.push(`update restaurant ${id}`);
    const row = this.rows.get(id);
    if (!row) return false;
    Object.assign(row, changes);
    return true;
  }

  async delete(id: number, manager: EntityManager) {
    expect(manager).toBe(MANAGER);
    this.fail();
    log.push(`delete restaurant ${id}`);
    return this.rows.delete(id);
  }

  private fail() {
    const error = this.nextError;
    this.nextError = undefined;
    if (error) throw error;
  }
}

class FakeMenuItemsRepository {
  idsByRestaurant = new Map<number, number[]>();
  nextError: Error | undefined;

  async deleteByRestaurant(restaurantId: number, manager: EntityManager) {
    expect(manager).toBe(MANAGER);
    const error = this.nextError;
    this.nextError = undefined;
    if (error) throw error;
    log.push(`delete menu items of ${restaurantId}`);
    return this.idsByRestaurant.get(restaurantId) ?? [];
  }

  async findPage() {
    log.push('find menu page');
    return [[], 0];
  }
}

const VALID: CreateRestaurantDto = {
  name: 'Pizza Palace',
  cuisine_type: 'Italian',
  address: '123 Main St',
  phone_number: '+1-555-0123',
};

describe('RestaurantsService', () => {
  let restaurants: FakeRestaurantsRepository;
  let menuItems: FakeMenuItemsRepository;
  let published: DomainEvent[];
  let service: RestaurantsService;

  beforeEach(() => {
    log = [];
    restaurants = new FakeRestaurantsRepository();
    menuItems = new FakeMenuItemsRepository();
    published = [];
    const bus = new DomainEventBus();
    const record = (event: DomainEvent) => {
      log.push(`publish ${event.type}`);
      published.push(event);
    };
    bus.subscribe('restaurant.changed', record);
    bus.subscribe('menu-item.changed', record);
    service = new RestaurantsService(
      recordingOutbox(log, MANAGER) as unknown as InvalidationOutboxRepository,
      restaurants as unknown as RestaurantsRepository,
      menuItems as unknown as MenuItemsRepository,
      bus,
    );
  });

  describe('create', () => {
    it('publishes the representation it returns', async () => {
      const restaurant = await service.create(VALID);
      expect(restaurant).toMatchObject({ ...VALID, rating: 0, capacity: 20, created_at: AT.toISOString() });
      expect(published).toEqual([new RestaurantChanged(restaurant.id, 'created', restaurant)]);
    });

    it('turns a clash on the case-insensitive name index into a 409 naming the name', async () => {
      restaurants.nextError = postgresError('23505', 'uq_restaurants_name_lower');
      await expect(service.create(VALID)).rejects.toThrow(
        new ConflictException('A restaurant named "Pizza Palace" already exists (names are unique, ignoring case)'),
      );
      expect(published).toEqual([]);
    });

    it('lets other database errors through', async () => {
      const other = postgresError('23505', 'some_other_index');
      restaurants.nextError = other;
      await expect(service.create(VALID)).rejects.toBe(other);
    });
  });

  describe('update', () => {
    it('does not write or publish for an empty body', async () => {
      const restaurant = await service.create(VALID);
      published = [];
      expect(await service.update(restaurant.id, {})).toEqual(restaurant);
      expect(log).not.toContain(`update restaurant ${restaurant.id}`);
      expect(published).toEqual([]);
    });

    it('writes only the fields sent and publishes the new representation', async () => {
      const restaurant = await service.create(VALID);
      published = [];
      const updated = await service.update(restaurant.id, { capacity: 40, name: undefined });
      expect(updated).toEqual({ ...restaurant, capacity: 40 });
      expect(published).toEqual([new RestaurantChanged(restaurant.id, 'updated', updated)]);
    });

    it('turns a name clash into a 409 and a missing restaurant into a 404', async () => {
      const restaurant = await service.create(VALID);
      restaurants.nextError = postgresError('23505', 'uq_restaurants_name_lower');
      await expect(service.update(restaurant.id, { name: 'Taken' })).rejects.toThrow(ConflictException);
      await expect(service.update(99, { capacity: 3 })).rejects.toThrow(new ResourceNotFoundException('Restaurant', 99));
    });

    it('lets only an admin correct the rating, which is otherwise the average of the reviews', async () => {
      const restaurant = await service.create(VALID);
      const owner = { accountId: 7, role: 'restaurant_owner', customerId: null } as const;
      const admin = { accountId: 1, role: 'admin', customerId: null } as const;
      await expect(service.update(restaurant.id, { rating: 5 }, owner)).rejects.toThrow(ForbiddenException);
      expect(log).not.toContain(`update restaurant ${restaurant.id}`);
      expect((await service.update(restaurant.id, { rating: 5 }, admin)).rating).toBe(5);
    });
  });

  describe('delete', () => {
    it('deletes the menu items and the restaurant in one transaction, then publishes every deletion', async () => {
      const restaurant = await service.create(VALID);
      menuItems.idsByRestaurant.set(restaurant.id, [4, 9]);
      log.length = 0;
      published = [];

      await service.delete(restaurant.id);

      expect(log).toEqual([
        'begin',
        `delete menu items of ${restaurant.id}`,
        `delete restaurant ${restaurant.id}`,
        'outbox menu-item.changed, menu-item.changed, restaurant.changed',
        'commit',
        'publish menu-item.changed',
        'publish menu-item.changed',
        'publish restaurant.changed',
      ]);
      expect(published).toEqual([
        new MenuItemChanged(4, restaurant.id, 'deleted'),
        new MenuItemChanged(9, restaurant.id, 'deleted'),
        new RestaurantChanged(restaurant.id, 'deleted'),
      ]);
    });

    it.each([
      ['orders refer to the restaurant (foreign_key_violation)', 'restaurant', '23503', 'fk_orders_restaurant'],
      ['orders refer to the restaurant (restrict_violation, Postgres 18)', 'restaurant', '23001', 'fk_orders_restaurant'],
      ['order items refer to its menu items', 'menu', '23001', 'fk_order_items_menu_item'],
    ])('refuses with a 409 pointing to deactivation when %s, publishing nothing', async (_case, failing, code, constraint) => {
      const restaurant = await service.create(VALID);
      log.length = 0;
      published = [];
      (failing === 'menu' ? menuItems : restaurants).nextError = postgresError(code, constraint);
      await expect(service.delete(restaurant.id)).rejects.toThrow(
        new ConflictException(`Restaurant ${restaurant.id} has orders and cannot be deleted; deactivate it with is_active=false instead`),
      );
      expect(log).not.toContain('commit');
      expect(published).toEqual([]);
    });

    it('answers a missing restaurant with a 404, publishing nothing', async () => {
      await expect(service.delete(99)).rejects.toThrow(new ResourceNotFoundException('Restaurant', 99));
      expect(log).not.toContain('commit');
      expect(published).toEqual([]);
    });
  });

  describe('getMenu', () => {
    it('answers a missing restaurant with a 404 without reading menu items', async () => {
      await expect(service.getMenu(99, PAGE)).rejects.toThrow(new ResourceNotFoundException('Restaurant', 99));
      expect(log).not.toContain('find menu page');
    });
  });
});
