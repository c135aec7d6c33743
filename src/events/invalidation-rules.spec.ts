import { describe, expect, it } from '@jest/globals';
import {
  CustomerChanged,
  MenuItemChanged,
  NotificationsRead,
  OrderHistoryDated,
  OrderPlaced,
  OrderStatusChanged,
  RestaurantChanged,
  ReviewAdded,
} from './domain-events.js';
import { OrderStatus } from '../domain/order-status.js';
import { planFor } from './invalidation-rules.js';
import { CachePolicies } from '../cache/cache-policies.js';

describe('the invalidation cascade', () => {
  it('an order placed drops exactly its customer history, analytics and notifications and its restaurant orders, analytics and load', () => {
    expect(planFor(new OrderPlaced(10, 2, 3)).tags.sort()).toEqual(
      [
        'customer:2:orders',
        'customer:2:analytics',
        'customer:2:notifications',
        'restaurant:3:orders',
        'restaurant:3:analytics',
        'restaurant:3:load',
        'realtime:live-orders',
      ].sort(),
    );
  });

  it('no order event drops a platform-wide figure: they are refreshed in the background within the bound', () => {
    const events = [
      new OrderPlaced(10, 2, 3),
      new OrderStatusChanged(10, 2, 3, OrderStatus.Placed, OrderStatus.Confirmed),
      new OrderStatusChanged(10, 2, 3, OrderStatus.OutForDelivery, OrderStatus.Delivered, undefined, new Date('2025-01-15T23:30:00Z')),
    ];
    for (const event of events) {
      for (const platform of [
        'analytics:revenue',
        'analytics:popular-items',
        'analytics:popular-cuisines',
        'analytics:customer-behavior',
        'analytics:restaurant-performance',
      ]) {
        expect(planFor(event).tags).not.toContain(platform);
      }
    }
  });

  it("a delivery drops the revenue of its UTC delivery day only; other steps drop no day's revenue", () => {
    const delivered = planFor(
      new OrderStatusChanged(10, 2, 3, OrderStatus.OutForDelivery, OrderStatus.Delivered, undefined, new Date('2025-01-16T00:30:00+01:00')),
    );
    expect(delivered.tags.filter((tag) => tag.startsWith('analytics:revenue'))).toEqual(['analytics:revenue:2025-01-15']);
    const confirmed = planFor(new OrderStatusChanged(10, 2, 3, OrderStatus.Placed, OrderStatus.Confirmed, undefined, null));
    expect(confirmed.tags.filter((tag) => tag.startsWith('analytics:revenue'))).toEqual([]);
  });

  it('a status change drops the order, its customer history and notifications, and the restaurant analytics, and writes the order back', () => {
    const plan = planFor(new OrderStatusChanged(10, 2, 3, OrderStatus.Placed, OrderStatus.Confirmed));
    expect(plan.tags).toEqual(
      expect.arrayContaining([
        'order:10',
        'customer:2:orders',
        'customer:2:notifications',
        'restaurant:3:orders',
        'restaurant:3:analytics',
      ]),
    );
    expect(plan.writeThrough.map((target) => [target.policy.name, target.id])).toEqual([['order', 10]]);
  });

  it('a review drops the restaurant (its rating), the lists showing ratings, its reviews and analytics, and popular cuisines', () => {
    expect(planFor(new ReviewAdded(1, 10, 2, 3, ' Thai ')).tags).toEqual(
      expect.arrayContaining([
        'restaurant:3',
        'restaurants:ratings',
        'restaurant:3:reviews',
        'restaurant:3:analytics',
        'customer:2:reviews',
        'analytics:popular-cuisines',
      ]),
    );
  });

  it("a review or a change to the restaurant leaves its menu, which shows none of the restaurant's fields", () => {
    const menuTags = CachePolicies.restaurantMenu.tags({ id: '3' });
    for (const event of [new ReviewAdded(1, 10, 2, 3, 'Thai'), new RestaurantChanged(3, 'updated')]) {
      expect(planFor(event).tags.filter((tag) => menuTags.includes(tag))).toEqual([]);
    }
    expect(planFor(new RestaurantChanged(3, 'deleted')).tags).toEqual(expect.arrayContaining(menuTags));
    expect(planFor(new MenuItemChanged(7, 3, 'created')).tags).toEqual(expect.arrayContaining(menuTags));
  });

  it("a review drops its restaurant's performance rows, not every restaurant's", () => {
    const tags = planFor(new ReviewAdded(1, 10, 2, 3, 'Thai')).tags;
    expect(tags).toContain('restaurant:3:analytics');
    expect(tags).not.toContain('analytics:restaurant-performance');
  });

  it("a review drops only its cuisine's searches and those of every cuisine, not the other lists of restaurants", () => {
    const tags = planFor(new ReviewAdded(1, 10, 2, 3, ' Thai ')).tags;
    expect(tags).toEqual(expect.arrayContaining(['restaurants:search:thai', 'restaurants:search:*']));
    expect(tags).not.toContain('restaurants:lists');
    const searchTags = (found: string[], query: Record<string, unknown>) =>
      CachePolicies.restaurantSearch.resultTags(
        found.map((cuisine_type) => ({ cuisine_type })),
        query,
      );
    expect(searchTags(['Thai '], { cuisine: 'THAI ', min_rating: '4' })).toEqual(['restaurants:search:thai']);
    expect(searchTags(['Thai', 'Italian'], { min_rating: '4' })).toEqual(['restaurants:search:*']);
    expect(searchTags(['Italian'], { cuisine: 'Italian' })).not.toContain('restaurants:search:thai');
  });

  it('tags a search with an existing cuisine or `*`, never with the query text', () => {
    const searchTags = (found: string[], query: Record<string, unknown>) => [
      ...CachePolicies.restaurantSearch.tags(),
      ...CachePolicies.restaurantSearch.resultTags(
        found.map((cuisine_type) => ({ cuisine_type })),
        query,
      ),
    ];
    // Nothing found: the cuisine may not exist, so the text never names a tag.
    expect(searchTags([], { cuisine: 'Zz Random 8123' })).toEqual(['restaurants:lists', 'restaurants:search:*']);
    expect(searchTags([], { cuisine: 'Thai', min_rating: '5' })).toEqual(['restaurants:lists', 'restaurants:search:*']);
    expect(searchTags(['Thai'], { cuisine: 'thai', address: 'anything at all' })).toEqual(['restaurants:lists', 'restaurants:search:thai']);
  });

  it('a menu change drops the item, the restaurant menu, menu lists and price ranges, and writes the item back', () => {
    const plan = planFor(new MenuItemChanged(7, 3, 'updated'));
    expect(plan.tags).toEqual(expect.arrayContaining(['menu-item:7', 'restaurant:3:menu', 'menu-items:lists', 'analytics:price-ranges']));
    expect(plan.writeThrough.map((target) => target.policy.name)).toEqual(['menu-item']);
  });

  it('a deleted restaurant drops its menu and analytics and writes nothing back', () => {
    const plan = planFor(new RestaurantChanged(3, 'deleted'));
    expect(plan.tags).toEqual(expect.arrayContaining(['restaurant:3', 'restaurant:3:menu', 'restaurant:3:analytics', 'restaurants:lists']));
    expect(plan.writeThrough).toEqual([]);
  });

  it('a customer change drops the profile and lists and writes the profile back unless deleted', () => {
    expect(planFor(new CustomerChanged(2, 'updated')).writeThrough.map((target) => target.policy.name)).toEqual(['customer']);
    expect(planFor(new CustomerChanged(2, 'deleted')).writeThrough).toEqual([]);
  });

  it("notifications read drop exactly the customer's notification list", () => {
    expect(planFor(new NotificationsRead(2))).toEqual({ tags: ['customer:2:notifications'], writeThrough: [] });
  });

  it("a re-dated history drops each order's tracking, the performance pages and live orders, and writes nothing back", () => {
    expect(planFor(new OrderHistoryDated([10, 11]))).toEqual({
      tags: ['order:10', 'order:11', 'analytics:restaurant-performance', 'realtime:live-orders'],
      writeThrough: [],
    });
  });
});
