import {
  CustomerChanged,
  type DomainEvent,
  MenuItemChanged,
  NotificationsRead,
  OrderHistoryDated,
  OrderPlaced,
  OrderStatusChanged,
  type RatingChange,
  RestaurantChanged,
  ReviewAdded,
} from './domain-events.js';

/**
 * A domain event as the cache invalidation outbox stores it (cache_invalidation_outbox.event): its
 * type and what the invalidation plan needs (ids, kind, delivery time, cuisine), never the
 * representations an event carries for its subscribers. place_order, change_order_status and
 * add_review build the same objects in SQL (migration 1765000000000).
 */
export type OutboxEvent = { type: DomainEvent['type'] } & Record<string, unknown>;

/** A domain event and the outbox row written with its change, in the change's transaction. */
export interface RecordedEvent<E extends DomainEvent = DomainEvent> {
  event: E;
  /**
   * cache_invalidation_outbox.id (bigint, as text); null when no row was written because the
   * cache is disabled (InvalidationOutboxRepository.recording).
   */
  outboxId: string | null;
}

export function toOutboxEvent(event: DomainEvent): OutboxEvent {
  switch (event.type) {
    case 'restaurant.changed':
      return { type: event.type, restaurant_id: event.restaurant_id, kind: event.kind };
    case 'menu-item.changed':
      return { type: event.type, menu_item_id: event.menu_item_id, restaurant_id: event.restaurant_id, kind: event.kind };
    case 'customer.changed':
      return { type: event.type, customer_id: event.customer_id, kind: event.kind };
    case 'order.placed':
      return { type: event.type, order_id: event.order_id, customer_id: event.customer_id, restaurant_id: event.restaurant_id };
    case 'order.status-changed':
      return {
        type: event.type,
        order_id: event.order_id,
        customer_id: event.customer_id,
        restaurant_id: event.restaurant_id,
        from: event.from,
        to: event.to,
        delivery_time: event.delivery_time ? event.delivery_time.toISOString() : null,
      };
    case 'review.added':
      return {
        type: event.type,
        review_id: event.review_id,
        order_id: event.order_id,
        customer_id: event.customer_id,
        restaurant_id: event.restaurant_id,
        cuisine_type: event.cuisine_type,
        ...(event.rating_change && { rating_before: event.rating_change.before, rating_after: event.rating_change.after }),
      };
    case 'notifications.read':
      return { type: event.type, customer_id: event.customer_id };
    case 'order.history-dated':
      return { type: event.type, order_ids: event.order_ids };
  }
}

/** The event an outbox row holds, enough for its invalidation plan (no representations). */
export function fromOutboxEvent(stored: OutboxEvent): DomainEvent {
  const e = stored as unknown as Record<string, never>;
  switch (stored.type) {
    case 'restaurant.changed':
      return new RestaurantChanged(e.restaurant_id, e.kind);
    case 'menu-item.changed':
      return new MenuItemChanged(e.menu_item_id, e.restaurant_id, e.kind);
    case 'customer.changed':
      return new CustomerChanged(e.customer_id, e.kind);
    case 'order.placed':
      return new OrderPlaced(e.order_id, e.customer_id, e.restaurant_id);
    case 'order.status-changed':
      return new OrderStatusChanged(
        e.order_id,
        e.customer_id,
        e.restaurant_id,
        e.from,
        e.to,
        undefined,
        e.delivery_time ? new Date(e.delivery_time) : null,
      );
    case 'review.added':
      return new ReviewAdded(e.review_id, e.order_id, e.customer_id, e.restaurant_id, e.cuisine_type, ratingChangeOf(e));
    case 'notifications.read':
      return new NotificationsRead(e.customer_id);
    case 'order.history-dated':
      return new OrderHistoryDated(e.order_ids);
    default:
      throw new Error(`Unknown outbox event type ${JSON.stringify((stored as { type: unknown }).type)}`);
  }
}

/** The ratings add_review recorded (migration 1765600000000); null in a row written before it. */
function ratingChangeOf(stored: Record<string, unknown>): RatingChange | null {
  const { rating_before: before, rating_after: after } = stored;
  return typeof before === 'number' && typeof after === 'number' ? { before, after } : null;
}
