import { OrderStatus } from '../domain/order-status.js';

/**
 * The order workflow: placed -> confirmed -> preparing -> out_for_delivery -> delivered, and an
 * order may be cancelled until it leaves the kitchen. The final statuses (src/domain/order-status)
 * have no transition out.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  [OrderStatus.Placed]: [OrderStatus.Confirmed, OrderStatus.Cancelled],
  [OrderStatus.Confirmed]: [OrderStatus.Preparing, OrderStatus.Cancelled],
  [OrderStatus.Preparing]: [OrderStatus.OutForDelivery, OrderStatus.Cancelled],
  [OrderStatus.OutForDelivery]: [OrderStatus.Delivered],
  [OrderStatus.Delivered]: [],
  [OrderStatus.Cancelled]: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** The statuses an order may be in to move to `to` (none for placed: an order starts there). */
export function statusesLeadingTo(to: OrderStatus): OrderStatus[] {
  return (Object.keys(ORDER_TRANSITIONS) as OrderStatus[]).filter((from) => canTransition(from, to));
}

/** How far ahead of the server clock a reported delivery time may be (clients' clocks drift). */
export const DELIVERY_TIME_CLOCK_SKEW_MS = 5 * 60 * 1000;

export type DeliveryTimeProblem = 'in_future' | 'before_order_date';

/**
 * Why a reported delivery time cannot be right, or undefined when it can: it may not lie
 * in the future (beyond the clock skew) nor before the order was placed.
 */
export function deliveryTimeProblem(deliveryTime: Date, orderDate: Date, now: Date): DeliveryTimeProblem | undefined {
  if (deliveryTime.getTime() > now.getTime() + DELIVERY_TIME_CLOCK_SKEW_MS) return 'in_future';
  if (deliveryTime.getTime() < orderDate.getTime()) return 'before_order_date';
  return undefined;
}

/**
 * The statuses each party to an order may set (admins may set any): the restaurant runs the
 * kitchen up to handing the order to delivery and may turn it down; the customer may only cancel.
 * Delivery is confirmed by an admin, as there are no courier accounts.
 */
export const STATUSES_SETTABLE_BY = {
  restaurant_owner: [OrderStatus.Confirmed, OrderStatus.Preparing, OrderStatus.OutForDelivery, OrderStatus.Cancelled],
  customer: [OrderStatus.Cancelled],
} as const;
