import { describe, expect, it } from '@jest/globals';
import { ConflictException, ForbiddenException } from '@nestjs/common';
import { OrderStatus, ORDER_STATUSES } from '../domain/order-status.js';
import { assertCanReview } from './review-rules.js';

const order = (order_status: OrderStatus) => ({ id: 7, customer_id: 3, order_status });

describe('assertCanReview', () => {
  it("lets the order's customer review a delivered order", () => {
    expect(() => assertCanReview(order(OrderStatus.Delivered), 3)).not.toThrow();
  });

  it.each(ORDER_STATUSES.filter((status) => status !== OrderStatus.Delivered))('refuses a %s order with a 409 naming it', (status) => {
    expect(() => assertCanReview(order(status), 3)).toThrow(ConflictException);
    expect(() => assertCanReview(order(status), 3)).toThrow(`Order 7 is ${status}`);
  });

  it('refuses another customer with a 403, before looking at the status', () => {
    expect(() => assertCanReview(order(OrderStatus.Delivered), 4)).toThrow(ForbiddenException);
    expect(() => assertCanReview(order(OrderStatus.Placed), 4)).toThrow(ForbiddenException);
  });
});
