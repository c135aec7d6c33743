import { OrderStatus } from './order-status.js';

export interface OrderNotificationText {
  kind: string;
  title: string;
  /** A Postgres format() template: %1$s is the restaurant's name, %2$s the order's id. */
  messageTemplate: string;
}

const TEXTS: Record<OrderStatus, [string, string]> = {
  [OrderStatus.Placed]: ['Order placed', 'Your order #%2$s from %1$s has been placed.'],
  [OrderStatus.Confirmed]: ['Order confirmed', '%1$s confirmed your order #%2$s.'],
  [OrderStatus.Preparing]: ['Order being prepared', '%1$s is preparing your order #%2$s.'],
  [OrderStatus.OutForDelivery]: ['Order on its way', 'Your order #%2$s from %1$s is on its way.'],
  [OrderStatus.Delivered]: ['Order delivered', 'Your order #%2$s from %1$s has been delivered.'],
  [OrderStatus.Cancelled]: ['Order cancelled', 'Your order #%2$s from %1$s has been cancelled.'],
};

/** What the customer is told when their order reaches `status`; stored by the write that made the change. */
export function orderNotificationFor(status: OrderStatus): OrderNotificationText {
  const [title, messageTemplate] = TEXTS[status];
  return { kind: `order_${status}`, title, messageTemplate };
}
