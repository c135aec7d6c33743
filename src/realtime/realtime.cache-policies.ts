import type { CachePolicy, RouteParams } from '../cache/cache-policy.js';
import { CacheTags as T } from '../cache/cache-tags.js';

const id = (params: RouteParams, name: string) => Number(params[name]);

/** Anything computed from a restaurant and its orders in progress. */
const restaurantLoadTags = (params: RouteParams) => [
  T.restaurantLoad(id(params, 'restaurant_id')),
  T.restaurant(id(params, 'restaurant_id')),
];

/** The real-time routes' caching: short TTLs, dropped by the tags the order and restaurant events drop. */
export const RealtimeCachePolicies = {
  deliverySlots: { name: 'realtime-delivery-slots', namespace: 'realtime', ttl: 'delivery_slots', tags: restaurantLoadTags },
  availability: { name: 'realtime-availability', namespace: 'realtime', ttl: 'restaurant_availability', tags: restaurantLoadTags },
  dynamicPricing: { name: 'realtime-dynamic-pricing', namespace: 'realtime', ttl: 'dynamic_pricing', tags: restaurantLoadTags },
  /** Final orders keep the delivery-tracking TTL (see the controller's @ConditionalCache); others live_tracking. */
  orderTracking: {
    name: 'realtime-order-tracking',
    namespace: 'deliveries',
    ttl: 'delivery_tracking',
    tags: (params) => [T.order(id(params, 'order_id'))],
  },
  notifications: {
    name: 'realtime-notifications',
    namespace: 'sessions',
    ttl: 'notifications',
    tags: (params) => [T.customer(id(params, 'customer_id')), T.customerNotifications(id(params, 'customer_id'))],
    owner: (params) => `customer:${id(params, 'customer_id')}`,
  },
  liveOrders: { name: 'realtime-live-orders', namespace: 'realtime', ttl: 'live_tracking', tags: () => [T.liveOrders] },
} satisfies Record<string, CachePolicy>;
