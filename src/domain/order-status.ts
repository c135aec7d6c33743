/**
 * The order statuses and which of them are final: the one definition every folder imports (orders,
 * reviews, realtime, analytics, the domain events and the cache's invalidation rules). It imports
 * nothing, so any folder may depend on it without closing a cycle.
 */
export enum OrderStatus {
  Placed = 'placed',
  Confirmed = 'confirmed',
  Preparing = 'preparing',
  OutForDelivery = 'out_for_delivery',
  Delivered = 'delivered',
  Cancelled = 'cancelled',
}

export const ORDER_STATUSES: readonly OrderStatus[] = Object.values(OrderStatus);

/** An order in a final status never changes again: no transition leaves it. */
export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = [OrderStatus.Delivered, OrderStatus.Cancelled];

/** The statuses an order can still leave: every status that is not final. */
export const OPEN_ORDER_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter((status) => !FINAL_ORDER_STATUSES.includes(status));

export function isFinalStatus(status: OrderStatus): boolean {
  return FINAL_ORDER_STATUSES.includes(status);
}
