export enum OrderStatus {
  Placed = 'placed',
  Confirmed = 'confirmed',
  Preparing = 'preparing',
  OutForDelivery = 'out_for_delivery',
  Delivered = 'delivered',
  Cancelled = 'cancelled',
}

export const ORDER_STATUSES: readonly OrderStatus[] = Object.values(OrderStatus);
