import { CacheTags as T } from '../cache/cache-tags.js';
import type { CachePolicy, RouteParams } from '../cache/cache-policy.js';

const customerId = (params: RouteParams) => Number(params.customer_id);

/**
 * The /analytics routes' cache policies. Per-entity figures are dropped exactly by the events that
 * change them: a day's revenue by a delivery that day, a restaurant's or a customer's figures by
 * their orders. Platform-wide figures (T.revenue over periods, T.customerBehavior, T.popularItems)
 * are not dropped by orders: the analytics refresher recomputes them in the background within
 * ANALYTICS_MAX_STALENESS_SECONDS. Reports that show restaurant names or cuisines also carry
 * T.restaurantLists, which any restaurant change drops. Routes are keyed by their query as sent.
 */
export const AnalyticsCachePolicies = {
  dailyRevenue: {
    name: 'analytics-daily-revenue',
    namespace: 'analytics',
    ttl: 'daily_revenue',
    tags: (_params, query) => [T.revenueDay(String(query?.date)), T.restaurantLists],
  },
  revenueAnalytics: {
    name: 'analytics-revenue',
    namespace: 'analytics',
    ttl: 'revenue_analytics',
    tags: () => [T.revenue],
  },
  customerBehavior: {
    name: 'analytics-customer-behavior',
    namespace: 'analytics',
    ttl: 'customer_behavior',
    tags: () => [T.customerBehavior, T.restaurantLists],
  },
  restaurantPerformance: {
    name: 'analytics-restaurant-performance',
    namespace: 'analytics',
    ttl: 'restaurant_performance',
    tags: () => [T.restaurantPerformance],
    resultTags: (rows: { restaurant_id: number }[]) =>
      rows.flatMap((row) => [T.restaurant(row.restaurant_id), T.restaurantAnalytics(row.restaurant_id)]),
  },
  // The public list and the admin report with revenue are two policies, so two keys: an anonymous
  // read can never be answered from an entry holding revenue. Neither reuses the name the
  // admin-only report with revenue was once stored under at the public path, so no such entry left
  // in Redis by an earlier deployment is ever served to anyone. Both carry the same tags, so the
  // same events drop them and the same refresh reloads them.
  popularItems: {
    name: 'analytics-trending-items',
    namespace: 'analytics',
    ttl: 'popular_items',
    tags: () => [T.popularItems, T.restaurantLists],
  },
  popularItemsRevenue: {
    name: 'analytics-popular-items-revenue',
    namespace: 'analytics',
    ttl: 'popular_items',
    tags: () => [T.popularItems, T.restaurantLists],
  },
  customerInsights: {
    name: 'analytics-customer-insights',
    namespace: 'sessions',
    ttl: 'customer_insights',
    tags: (p) => [T.customer(customerId(p)), T.customerAnalytics(customerId(p)), T.restaurantLists],
    // Favourite items embed menu item names.
    resultTags: (insights: { favorite_items: { menu_item_id: number }[] }) =>
      insights.favorite_items.map((item) => T.menuItem(item.menu_item_id)),
    owner: (p) => `customer:${customerId(p)}`,
  },
} satisfies Record<string, CachePolicy>;
