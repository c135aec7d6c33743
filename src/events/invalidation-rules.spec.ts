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
    expect(planFor(new ReviewAdded(1, 10, 2, 3, ' Thai ', { before: 4, after: 4.2 })).tags).toEqual(
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

  it('a review that leaves the rating where it was drops its reviews and analytics, nothing that shows the restaurant', () => {
    expect(planFor(new ReviewAdded(1, 10, 2, 3, 'Thai', { before: 4.2, after: 4.2 })).tags.sort()).toEqual([
      'customer:2:reviews',
      'restaurant:3:analytics',
      'restaurant:3:reviews',
    ]);
    // Unknown ratings (an outbox row of an earlier release) count as moved.
    expect(planFor(new ReviewAdded(1, 10, 2, 3, 'Thai', null)).tags).toEqual(
      expect.arrayContaining(['restaurant:3', 'restaurants:ratings']),
    );
  });

  it("a review or a change to the restaurant leaves its menu, which shows none of the restaurant's fields", () => {
    const menuTags = CachePolicies.restaurantMenu.tags({ id: '3' });
    for (const event of [new ReviewAdded(1, 10, 2, 3, 'Thai', null), new RestaurantChanged(3, 'updated')]) {
      expect(planFor(event).tags.filter((tag) => menuTags.includes(tag))).toEqual([]);
    }
    expect(planFor(new RestaurantChanged(3, 'deleted')).tags).toEqual(expect.arrayContaining(menuTags));
    expect(planFor(new MenuItemChanged(7, 3, 'created')).tags).toEqual(expect.arrayContaining(menuTags));
  });

  it("a review drops its restaurant's performance rows, not every restaurant's", () => {
    const tags = planFor(new ReviewAdded(1, 10, 2, 3, 'Thai', null)).tags;
    expect(tags).toContain('restaurant:3:analytics');
    expect(tags).not.toContain('analytics:restaurant-performance');
  });

  const searchTags = (found: string[], query: Record<string, unknown>) => [
    ...CachePolicies.restaurantSearch.tags(),
    ...CachePolicies.restaurantSearch.resultTags(
      found.map((cuisine_type) => ({ cuisine_type })),
      query,
    ),
  ];
  const reviewTags = (before: number, after: number) => planFor(new ReviewAdded(1, 10, 2, 3, ' Thai ', { before, after })).tags;

  it("a review drops its cuisine's searches and those of every cuisine that can list the restaurant, not the other lists", () => {
    const tags = reviewTags(3.4, 3.6);
    // Filters up to the higher rating (3.6): bands 0 to 3.5, of its cuisine and of every cuisine.
    for (const band of ['0.0', '0.5', '1.0', '1.5', '2.0', '2.5', '3.0', '3.5']) {
      expect(tags).toEqual(expect.arrayContaining([`restaurants:search:thai:${band}`, `restaurants:search:*:${band}`]));
    }
    expect(tags.filter((tag) => /:4\.0$|:4\.5$|:5\.0$/.test(tag))).toEqual([]);
    expect(tags).not.toContain('restaurants:lists');
    // A rating going down reaches the same filters as one going up.
    expect(reviewTags(3.6, 3.4).sort()).toEqual([...tags].sort());
  });

  it('a review drops every search a stored rating change can reach, and the searches the banding misses none of', () => {
    const cached = (cuisine: string, minRating: string) => searchTags([cuisine], { cuisine, min_rating: minRating });
    const dropped = (before: number, after: number, entry: string[]) => entry.some((tag) => reviewTags(before, after).includes(tag));
    for (const [before, after] of [
      [0, 5],
      [3, 3.99],
      [4.5, 4.49],
      [2.01, 1],
    ]) {
      for (const minRating of ['0', '0.3', '1', '2', '2.5', '3', '3.5', '3.99', '4', '4.25', '4.5', '4.9', '5']) {
        // Listed before or after: the search must go. Listed neither time: it may stay.
        if (Number(minRating) <= Math.max(before, after))
          expect([minRating, dropped(before, after, cached('Thai', minRating))]).toEqual([minRating, true]);
      }
    }
    expect(dropped(3, 3.2, cached('Thai', '4'))).toBe(false);
    expect(dropped(3, 3.2, cached('Italian', '0'))).toBe(false);
  });

  it('an invalidation from an outbox row without the ratings drops every band', () => {
    const tags = planFor(new ReviewAdded(1, 10, 2, 3, 'Thai', null)).tags;
    expect(tags).toEqual(
      expect.arrayContaining(['restaurants:search:thai:5.0', 'restaurants:search:*:5.0', 'restaurants:search:thai:0.0']),
    );
  });

  it("a review drops the previous release's unbanded search tags, so its entries never outlive a review", () => {
    expect(reviewTags(3, 3.2)).toEqual(expect.arrayContaining(['restaurants:search:thai', 'restaurants:search:*']));
  });

  it('tags a search with an existing cuisine or `*` and the band of its minimum rating, never with the query text', () => {
    // Nothing found: the cuisine may not exist, so the text never names a tag.
    expect(searchTags([], { cuisine: 'Zz Random 8123' })).toEqual(['restaurants:lists', 'restaurants:search:*:0.0']);
    expect(searchTags([], { cuisine: 'Thai', min_rating: '5' })).toEqual(['restaurants:lists', 'restaurants:search:*:5.0']);
    expect(searchTags(['Thai'], { cuisine: 'thai', address: 'anything at all' })).toEqual([
      'restaurants:lists',
      'restaurants:search:thai:0.0',
    ]);
    expect(searchTags(['Thai '], { cuisine: 'THAI ', min_rating: '4.4' })).toEqual(['restaurants:lists', 'restaurants:search:thai:4.0']);
    expect(searchTags(['Thai', 'Italian'], { min_rating: '3.5' })).toEqual(['restaurants:lists', 'restaurants:search:*:3.5']);
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
