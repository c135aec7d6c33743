import type { DomainEvent, ReviewAdded } from './domain-events.js';
import { CachePolicies, cuisineTag, MAX_RATING, ratingBandsUpTo } from '../cache/cache-policies.js';
import type { CachePolicy } from '../cache/cache-policy.js';
import { CacheTags as T } from '../cache/cache-tags.js';

export interface WriteThrough {
  policy: CachePolicy;
  id: number;
}

export interface CachePlan {
  tags: string[];
  /** Representations written back after the tags are dropped. */
  writeThrough: WriteThrough[];
}

/**
 * What any order activity (placed, or a step of its workflow) makes stale: its customer's and its
 * restaurant's views, exactly. Platform-wide analytics (popular items and cuisines, customer
 * behaviour, revenue over periods) are not dropped here: orders mark them due and the analytics
 * refresher recomputes them in the background within ANALYTICS_MAX_STALENESS_SECONDS. The
 * restaurant performance pages carry each listed restaurant's analytics tag.
 */
function orderActivityTags(order: { customer_id: number; restaurant_id: number }): string[] {
  return [
    T.customerOrders(order.customer_id),
    T.customerAnalytics(order.customer_id),
    T.restaurantOrders(order.restaurant_id),
    T.restaurantAnalytics(order.restaurant_id),
    T.restaurantLoad(order.restaurant_id),
    T.liveOrders,
  ];
}

/** Revenue counts delivered orders by their delivery's UTC day: only a delivery changes a day's figures. */
function revenueDayTags(event: { delivery_time?: Date | null }): string[] {
  return event.delivery_time ? [T.revenueDay(event.delivery_time.toISOString().slice(0, 10))] : [];
}

/** The searches a review can change, by cuisine and rating band (see CacheTags.restaurantSearch). */
function reviewedSearchTags({ cuisine_type, rating_change }: ReviewAdded): string[] {
  const cuisine = cuisineTag(cuisine_type);
  const bands = ratingBandsUpTo(rating_change ? Math.max(rating_change.before, rating_change.after) : MAX_RATING);
  return [
    ...bands.flatMap((band) => [T.restaurantSearch(cuisine, band), T.restaurantSearch('*', band)]),
    T.restaurantSearchUnbanded(cuisine),
    T.restaurantSearchUnbanded('*'),
  ];
}

/**
 * A review that left its restaurant's rating where it was (add_review then leaves the row and its
 * updated_at alone too) changes nothing that shows the restaurant. An event without the ratings
 * (an outbox row of an earlier release) counts as moved.
 */
function ratingUnmoved({ rating_change }: ReviewAdded): boolean {
  return rating_change !== null && rating_change.before === rating_change.after;
}

/**
 * The invalidation cascade: what each committed change makes stale, and which
 * representations are written straight back.
 */
export function planFor(event: DomainEvent): CachePlan {
  switch (event.type) {
    case 'restaurant.changed': {
      const r = event.restaurant_id;
      const tags = [T.restaurant(r), T.restaurantLists, T.popularCuisines, T.restaurantPerformance, T.liveOrders];
      if (event.kind === 'deleted') {
        return { tags: [...tags, T.restaurantMenu(r), T.restaurantAnalytics(r), T.menuItemLists, T.priceRanges], writeThrough: [] };
      }
      return { tags, writeThrough: [{ policy: CachePolicies.restaurant, id: r }] };
    }
    case 'menu-item.changed': {
      const tags = [
        T.menuItem(event.menu_item_id),
        T.restaurantMenu(event.restaurant_id),
        T.restaurantAnalytics(event.restaurant_id),
        T.menuItemLists,
        T.priceRanges,
        T.popularItems,
        T.liveOrders,
      ];
      return {
        tags,
        writeThrough: event.kind === 'deleted' ? [] : [{ policy: CachePolicies.menuItem, id: event.menu_item_id }],
      };
    }
    case 'customer.changed':
      return {
        tags: [T.customer(event.customer_id), T.customerLists, T.customerBehavior, T.liveOrders],
        writeThrough: event.kind === 'deleted' ? [] : [{ policy: CachePolicies.customer, id: event.customer_id }],
      };
    case 'order.placed':
      // The customer's notifications too: the placement stored one.
      return { tags: [...orderActivityTags(event), T.customerNotifications(event.customer_id)], writeThrough: [] };
    case 'order.status-changed':
      return {
        tags: [...orderActivityTags(event), ...revenueDayTags(event), T.order(event.order_id), T.customerNotifications(event.customer_id)],
        writeThrough: [{ policy: CachePolicies.order, id: event.order_id }],
      };
    case 'review.added': {
      const r = event.restaurant_id;
      const dropped = [T.restaurantReviews(r), T.restaurantAnalytics(r), T.customerReviews(event.customer_id)];
      // Not T.restaurantPerformance: the performance pages listing this restaurant carry its
      // analytics tag (dropped here); the other restaurants' rows did not change.
      if (ratingUnmoved(event)) return { tags: dropped, writeThrough: [] };
      return {
        tags: [
          ...dropped,
          // The restaurant's rating changed: its own entry, the lists showing ratings, and the searches
          // that can list it before or after (its cuisine's, and those of every cuisine, with a
          // minimum rating at most its higher rating). Nothing else that lists restaurants shows a rating.
          T.restaurant(r),
          T.restaurantRatings,
          ...reviewedSearchTags(event),
          T.popularCuisines,
        ],
        writeThrough: [],
      };
    }
    case 'notifications.read':
      return { tags: [T.customerNotifications(event.customer_id)], writeThrough: [] };
    case 'order.history-dated':
      // Each order's tracking shows its steps' times; the performance pages and live orders show
      // how long steps took.
      return { tags: [...event.order_ids.map((id) => T.order(id)), T.restaurantPerformance, T.liveOrders], writeThrough: [] };
  }
}
