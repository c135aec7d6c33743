import type { OrderStatus } from '../domain/order-status.js';

/**
 * What changed, published by a domain service after its transaction commits (never before),
 * so subscribers such as the cache layer see only durable changes.
 */
export type ChangeKind = 'created' | 'updated' | 'deleted';

export class RestaurantChanged {
  readonly type = 'restaurant.changed';
  constructor(
    readonly restaurant_id: number,
    readonly kind: ChangeKind,
    /** The representation GET /restaurants/{id} returns now; absent after a delete. */
    readonly restaurant?: object,
  ) {}
}

export class MenuItemChanged {
  readonly type = 'menu-item.changed';
  constructor(
    readonly menu_item_id: number,
    readonly restaurant_id: number,
    readonly kind: ChangeKind,
    /** The representation GET /menu-items/{id} returns now; absent after a delete. */
    readonly menu_item?: object,
  ) {}
}

export class CustomerChanged {
  readonly type = 'customer.changed';
  constructor(
    readonly customer_id: number,
    readonly kind: ChangeKind,
    /** The representation GET /customers/{id} returns now; absent after a delete. */
    readonly customer?: object,
  ) {}
}

export class OrderPlaced {
  readonly type = 'order.placed';
  constructor(
    readonly order_id: number,
    readonly customer_id: number,
    readonly restaurant_id: number,
  ) {}
}

export class OrderStatusChanged {
  readonly type = 'order.status-changed';
  constructor(
    readonly order_id: number,
    readonly customer_id: number,
    readonly restaurant_id: number,
    readonly from: OrderStatus,
    readonly to: OrderStatus,
    /** The representation GET /orders/{id} returns now. */
    readonly order?: object,
    /** Set when the order is delivered: the revenue of this moment's UTC day changes. */
    readonly delivery_time?: Date | null,
  ) {}
}

export interface RatingChange {
  before: number;
  after: number;
}

export class ReviewAdded {
  readonly type = 'review.added';
  constructor(
    readonly review_id: number,
    readonly order_id: number,
    readonly customer_id: number,
    readonly restaurant_id: number,
    /** The restaurant's cuisine, which decides the searches its new rating can change. */
    readonly cuisine_type: string,
    /**
     * The restaurant's rating before and after the review, which decide the rating filters it
     * can enter or leave; null when unknown (an outbox row of the previous release): every filter.
     */
    readonly rating_change: RatingChange | null,
  ) {}
}

/** A customer read some of their notifications: only the notification list shows it. */
export class NotificationsRead {
  readonly type = 'notifications.read';
  constructor(readonly customer_id: number) {}
}

/**
 * The status history of orders was re-dated (the demo's back-dated sample orders): what shows
 * when each step happened changed, not who ordered what.
 */
export class OrderHistoryDated {
  readonly type = 'order.history-dated';
  constructor(readonly order_ids: number[]) {}
}

export type DomainEvent =
  | RestaurantChanged
  | MenuItemChanged
  | CustomerChanged
  | OrderPlaced
  | OrderStatusChanged
  | ReviewAdded
  | NotificationsRead
  | OrderHistoryDated;

export type DomainEventType = DomainEvent['type'];
