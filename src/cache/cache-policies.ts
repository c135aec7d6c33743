import { CacheTags as T } from './cache-tags.js';
import type { CachePolicy, RouteParams } from './cache-policy.js';

const id = (params: RouteParams, name = 'id') => Number(params[name]);

interface OrderShape {
  customer_id: number;
  restaurant_id: number;
  order_items?: { menu_item_id: number }[];
}

/** An order embeds its customer's and restaurant's names and its items' names. */
const orderSources = (order: OrderShape) => [
  T.customer(order.customer_id),
  T.restaurant(order.restaurant_id),
  ...(order.order_items ?? []).map((item) => T.menuItem(item.menu_item_id)),
];

/** A cuisine as tags name it: trimmed and lower-cased, as the review rule names a restaurant's. */
export const cuisineTag = (cuisine: string) => cuisine.trim().toLowerCase();

/** Minimum ratings are tagged by bands of half a star: 0, 0.5, … 5. */
const RATING_BAND_WIDTH = 0.5;
/** The highest rating a restaurant can have, so the highest band a search can be in. */
export const MAX_RATING = 5;

/**
 * The band of a search's minimum rating (0 without one): the largest multiple of the band width
 * not above it. A search lists a restaurant only if the restaurant's rating is at least its
 * minimum, so at least the band's lower bound.
 */
export function ratingBandOf(minRating: unknown): string {
  const value = Number(minRating ?? 0);
  const band = Number.isFinite(value) && value > 0 ? Math.floor(value / RATING_BAND_WIDTH) * RATING_BAND_WIDTH : 0;
  return band.toFixed(1);
}

/**
 * Every band of the searches that can list a restaurant rated `rating`: 0 up to the band of
 * `rating`. A search above them filters the restaurant out.
 */
export function ratingBandsUpTo(rating: number): string[] {
  const top = Number(ratingBandOf(rating));
  const bands: string[] = [];
  for (let step = 0; step * RATING_BAND_WIDTH <= top; step++) bands.push((step * RATING_BAND_WIDTH).toFixed(1));
  return bands;
}

/**
 * The cuisines a restaurant search's entry is tagged with. A search filtered to one cuisine that
 * found restaurants shows restaurants of that cuisine only (the filter is an exact,
 * case-insensitive match), so its tag is that cuisine as the restaurants store it: one that exists.
 * Any other search (unfiltered, or nothing found, where the cuisine may not exist) gets the fixed
 * `*`, whose searches any restaurant's review can change. The query text never becomes a tag, so
 * the tag index holds at most one set per existing cuisine and rating band however many different
 * searches clients send.
 */
export function searchCuisineTags(restaurants: { cuisine_type: string }[], query: Record<string, unknown> | undefined): string[] {
  const filtered = typeof query?.cuisine === 'string';
  if (!filtered || restaurants.length === 0) return ['*'];
  return [...new Set(restaurants.map((restaurant) => cuisineTag(restaurant.cuisine_type)))];
}

/**
 * Every cached read route, by name: namespace, TTL class and the tags its entries carry. The
 * controllers apply them with @Cached / @SessionCache / @ConditionalCache; the invalidation rules
 * name the same tags. Reading this file tells what each write drops.
 */
export const CachePolicies = {
  restaurantList: {
    name: 'restaurants',
    namespace: 'restaurants',
    ttl: 'restaurants',
    tags: () => [T.restaurantLists, T.restaurantRatings],
  },
  activeRestaurants: {
    name: 'restaurants-active',
    namespace: 'restaurants',
    ttl: 'restaurants',
    tags: () => [T.restaurantLists, T.restaurantRatings],
  },
  restaurantSearch: {
    name: 'restaurant-search',
    namespace: 'search',
    ttl: 'search',
    tags: () => [T.restaurantLists],
    resultTags: (restaurants: { cuisine_type: string }[], query) =>
      searchCuisineTags(restaurants, query).map((cuisine) => T.restaurantSearch(cuisine, ratingBandOf(query?.min_rating))),
  },
  restaurant: { name: 'restaurant', namespace: 'restaurants', ttl: 'restaurants', tags: (p) => [T.restaurant(id(p))] },
  restaurantMenu: {
    name: 'restaurant-menu',
    namespace: 'menu-items',
    ttl: 'menu_items',
    // The items only: no field of the restaurant, so a change to it (a review's new rating, a new
    // name) leaves the menu as it is. Its deletion, which makes the menu a 404, drops this tag.
    tags: (p) => [T.restaurantMenu(id(p))],
  },
  restaurantWithMenu: {
    name: 'restaurant-with-menu',
    namespace: 'restaurants',
    ttl: 'restaurants',
    tags: (p) => [T.restaurant(id(p)), T.restaurantMenu(id(p))],
  },
  restaurantAnalytics: {
    name: 'restaurant-analytics',
    namespace: 'analytics',
    ttl: 'restaurant_analytics',
    tags: (p) => [T.restaurant(id(p)), T.restaurantAnalytics(id(p))],
  },
  popularCuisines: { name: 'popular-cuisines', namespace: 'analytics', ttl: 'analytics', tags: () => [T.popularCuisines] },
  priceRanges: { name: 'price-ranges', namespace: 'analytics', ttl: 'analytics', tags: () => [T.priceRanges] },

  menuItemList: { name: 'menu-items', namespace: 'menu-items', ttl: 'menu_items', tags: () => [T.menuItemLists] },
  menuItemSearch: { name: 'menu-item-search', namespace: 'search', ttl: 'search', tags: () => [T.menuItemLists] },
  menuItemsByDietary: { name: 'menu-items-dietary', namespace: 'menu-items', ttl: 'menu_items', tags: () => [T.menuItemLists] },
  menuItemsByCategory: { name: 'menu-items-category', namespace: 'menu-items', ttl: 'menu_items', tags: () => [T.menuItemLists] },
  menuItem: { name: 'menu-item', namespace: 'menu-items', ttl: 'menu_items', tags: (p) => [T.menuItem(id(p))] },
  menuItemWithRestaurant: {
    name: 'menu-item-with-restaurant',
    namespace: 'menu-items',
    ttl: 'menu_items',
    tags: (p) => [T.menuItem(id(p))],
    resultTags: (item: { restaurant_id: number }) => [T.restaurant(item.restaurant_id)],
  },

  customerList: { name: 'customers', namespace: 'customers', ttl: 'customer_profiles', tags: () => [T.customerLists] },
  customer: {
    name: 'customer',
    namespace: 'sessions',
    ttl: 'customer_profiles',
    tags: (p) => [T.customer(id(p))],
    owner: (p) => `customer:${id(p)}`,
  },
  customerAnalytics: {
    name: 'customer-analytics',
    namespace: 'sessions',
    ttl: 'customer_preferences',
    // Favourite restaurants and cuisines embed restaurant names and cuisines.
    tags: (p) => [T.customer(id(p)), T.customerAnalytics(id(p)), T.restaurantLists],
    owner: (p) => `customer:${id(p)}`,
  },
  customerOrders: {
    name: 'customer-orders',
    namespace: 'sessions',
    ttl: 'orders',
    tags: (p) => [T.customer(id(p)), T.customerOrders(id(p))],
    resultTags: (orders: OrderShape[]) => orders.flatMap(orderSources),
    owner: (p) => `customer:${id(p)}`,
  },
  customerReviews: {
    name: 'customer-reviews',
    namespace: 'sessions',
    ttl: 'reviews',
    tags: (p) => [T.customer(id(p)), T.customerReviews(id(p))],
    owner: (p) => `customer:${id(p)}`,
  },

  order: {
    name: 'order',
    namespace: 'orders',
    ttl: 'orders',
    tags: (p) => [T.order(id(p))],
    resultTags: orderSources,
  },
  restaurantOrders: {
    name: 'restaurant-orders',
    namespace: 'orders',
    ttl: 'orders',
    tags: (p) => [T.restaurant(id(p)), T.restaurantOrders(id(p))],
    resultTags: (orders: OrderShape[]) => orders.flatMap(orderSources),
  },
  restaurantReviews: {
    name: 'restaurant-reviews',
    namespace: 'reviews',
    ttl: 'reviews',
    tags: (p) => [T.restaurant(id(p)), T.restaurantReviews(id(p))],
  },
} satisfies Record<string, CachePolicy>;
