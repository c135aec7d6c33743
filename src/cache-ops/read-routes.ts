import { CachePolicies } from '../cache/cache-policies.js';
import type { CachePolicy } from '../cache/cache-policy.js';
import { DIETARY_TYPES } from '../menu-items/dto/menu-item.dto.js';

/** A concrete read the operations endpoints request: its path and the policy that caches it. */
export interface ReadRoute {
  path: string;
  policy: CachePolicy;
  params: Record<string, string>;
}

const read = (path: string, policy: CachePolicy, params: Record<string, string> = {}): ReadRoute => ({ path, policy, params });

/** The reads every client starts from: lists and cross-restaurant analytics, no ids needed. */
export const ENTRY_READS: ReadRoute[] = [
  read('/restaurants', CachePolicies.restaurantList),
  read('/restaurants/active', CachePolicies.activeRestaurants),
  read('/restaurants/analytics/popular-cuisines', CachePolicies.popularCuisines),
  read('/restaurants/analytics/price-ranges', CachePolicies.priceRanges),
  read('/menu-items', CachePolicies.menuItemList),
];

/** Further id-less reads per namespace, for warming a namespace. */
const NAMESPACE_READS: ReadRoute[] = [
  read('/restaurants/search', CachePolicies.restaurantSearch),
  read('/menu-items/search', CachePolicies.menuItemSearch),
  ...DIETARY_TYPES.map((type) => read(`/menu-items/dietary/${type}`, CachePolicies.menuItemsByDietary, { dietary_type: type })),
  read('/customers', CachePolicies.customerList),
];

/** The reads of one restaurant's pages. */
export function restaurantReads(id: number): ReadRoute[] {
  const params = { id: String(id) };
  return [
    read(`/restaurants/${id}`, CachePolicies.restaurant, params),
    read(`/restaurants/${id}/with-menu`, CachePolicies.restaurantWithMenu, params),
    read(`/restaurants/${id}/menu`, CachePolicies.restaurantMenu, params),
    read(`/restaurants/${id}/analytics`, CachePolicies.restaurantAnalytics, params),
    read(`/reviews/restaurants/${id}/reviews`, CachePolicies.restaurantReviews, params),
    read(`/orders/restaurants/${id}/orders`, CachePolicies.restaurantOrders, params),
  ];
}

const POPULAR_RESTAURANT_POLICIES = new Set<string>([
  CachePolicies.restaurant.name,
  CachePolicies.restaurantWithMenu.name,
  CachePolicies.restaurantMenu.name,
]);

/** The restaurant reads /cache/warm/popular loads: the restaurant, with its menu, and its menu. */
export const popularRestaurantReads = (id: number) =>
  restaurantReads(id).filter((route) => POPULAR_RESTAURANT_POLICIES.has(route.policy.name));

/** The id-less reads and the given restaurants' reads caching into a namespace. */
export function namespaceReads(namespace: string, restaurantIds: number[]): ReadRoute[] {
  return [...ENTRY_READS, ...NAMESPACE_READS, ...restaurantIds.flatMap(restaurantReads)].filter(
    (route) => route.policy.namespace === namespace,
  );
}

interface LoadTestTarget {
  /** The path needs an existing restaurant's id. */
  needsRestaurant: boolean;
  route: (restaurantId: number) => ReadRoute;
}

const anyRestaurant = (route: () => ReadRoute): LoadTestTarget => ({ needsRestaurant: false, route });
const oneRestaurant = (route: (id: number) => ReadRoute): LoadTestTarget => ({ needsRestaurant: true, route });

/** The routes a load test may target, by name: our own read routes only. */
export const LOAD_TEST_ENDPOINTS = {
  restaurants: anyRestaurant(() => read('/restaurants', CachePolicies.restaurantList)),
  restaurant: oneRestaurant((id) => read(`/restaurants/${id}`, CachePolicies.restaurant, { id: String(id) })),
  menu: oneRestaurant((id) => read(`/restaurants/${id}/menu`, CachePolicies.restaurantMenu, { id: String(id) })),
  'with-menu': oneRestaurant((id) => read(`/restaurants/${id}/with-menu`, CachePolicies.restaurantWithMenu, { id: String(id) })),
  'menu-items': anyRestaurant(() => read('/menu-items', CachePolicies.menuItemList)),
  search: anyRestaurant(() => read('/restaurants/search?min_rating=0', CachePolicies.restaurantSearch)),
  'popular-cuisines': anyRestaurant(() => read('/restaurants/analytics/popular-cuisines', CachePolicies.popularCuisines)),
  'price-ranges': anyRestaurant(() => read('/restaurants/analytics/price-ranges', CachePolicies.priceRanges)),
} satisfies Record<string, LoadTestTarget>;

export type LoadTestEndpoint = keyof typeof LOAD_TEST_ENDPOINTS;
export const LOAD_TEST_ENDPOINT_NAMES = Object.keys(LOAD_TEST_ENDPOINTS) as LoadTestEndpoint[];
