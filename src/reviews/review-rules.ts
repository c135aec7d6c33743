import { ConflictException, ForbiddenException } from '@nestjs/common';
import { OrderStatus } from '../domain/order-status.js';
import type { Order } from '../orders/entities/order.entity.js';

/** Only the order's own customer may review it, and only once it has been delivered. */
export function assertCanReview(order: Pick<Order, 'id' | 'customer_id' | 'order_status'>, customerId: number): void {
  if (order.customer_id !== customerId) {
    throw new ForbiddenException(`Order ${order.id} belongs to another customer; only its customer may review it`);
  }
  if (order.order_status !== OrderStatus.Delivered) {
    throw new ConflictException(`Order ${order.id} is ${order.order_status}; only delivered orders can be reviewed`);
  }
}
