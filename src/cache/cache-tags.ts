/**
 * Tag names, in one place: read policies attach them to entries and the invalidation rules drop
 * them. A tag names a piece of data an entry was built from.
 */
export const CacheTags = {
  restaurant: (id: number) => `restaurant:${id}`,
  restaurantMenu: (id: number) => `restaurant:${id}:menu`,
  restaurantOrders: (id: number) => `restaurant:${id}:orders`,
  restaurantReviews: (id: number) => `restaurant:${id}:reviews`,
  restaurantAnalytics: (id: number) => `restaurant:${id}:analytics`,
  /** Capacity, slots, pricing and availability: anything that moves with orders in progress. */
  restaurantLoad: (id: number) => `restaurant:${id}:load`,
  /** Lists, searches and cross-restaurant views that any restaurant change can alter. */
  restaurantLists: 'restaurants:lists',
  /** Lists that show restaurants' ratings, which every review moves. */
  restaurantRatings: 'restaurants:ratings',
  /**
   * Restaurant searches filtered to one cuisine (lower-cased), or `*` for searches of every
   * cuisine, whose minimum rating falls in one band (see ratingBandOf): a review can move only its
   * restaurant's cuisine in or out of a rating filter, and only of filters at or below the higher
   * of its restaurant's ratings before and after.
   */
  restaurantSearch: (cuisine: string, band: string) => `restaurants:search:${cuisine}:${band}`,
  /**
   * The tag the previous release gave a cuisine's searches, without a rating band. Reviews still
   * drop it, so an entry that release stored never outlives a review during a rolling upgrade.
   */
  restaurantSearchUnbanded: (cuisine: string) => `restaurants:search:${cuisine}`,
  menuItem: (id: number) => `menu-item:${id}`,
  /** Menu item lists, searches, category and dietary lists. */
  menuItemLists: 'menu-items:lists',
  customer: (id: number) => `customer:${id}`,
  customerOrders: (id: number) => `customer:${id}:orders`,
  customerReviews: (id: number) => `customer:${id}:reviews`,
  customerAnalytics: (id: number) => `customer:${id}:analytics`,
  customerLists: 'customers:lists',
  order: (id: number) => `order:${id}`,
  customerNotifications: (id: number) => `customer:${id}:notifications`,
  /** Every order not yet final, across restaurants. */
  liveOrders: 'realtime:live-orders',
  /** Cross-restaurant performance figures (orders, revenue, ratings, stage times). */
  restaurantPerformance: 'analytics:restaurant-performance',
  /** Active, new and returning customers, baskets, cuisines and peak hours. */
  customerBehavior: 'analytics:customer-behavior',
  popularCuisines: 'analytics:popular-cuisines',
  priceRanges: 'analytics:price-ranges',
  popularItems: 'analytics:popular-items',
  /** Revenue over periods (platform-wide, refreshed in the background rather than dropped by orders). */
  revenue: 'analytics:revenue',
  /** Revenue of one UTC day: orders delivered that day. */
  revenueDay: (day: string) => `analytics:revenue:${day}`,
} as const;
