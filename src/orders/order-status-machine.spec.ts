import { describe, expect, it } from '@jest/globals';
import { isFinalStatus, OrderStatus, ORDER_STATUSES } from '../domain/order-status.js';
import { canTransition, DELIVERY_TIME_CLOCK_SKEW_MS, deliveryTimeProblem, ORDER_TRANSITIONS } from './order-status-machine.js';

/** The workflow written out by hand, independently of the table under test. */
const ALLOWED = new Set([
  'placed->confirmed',
  'placed->cancelled',
  'confirmed->preparing',
  'confirmed->cancelled',
  'preparing->out_for_delivery',
  'preparing->cancelled',
  'out_for_delivery->delivered',
]);

const EVERY_PAIR = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const));

describe('the order status machine', () => {
  it('covers all 36 pairs of the 6 statuses', () => {
    expect(EVERY_PAIR).toHaveLength(36);
  });

  it.each(EVERY_PAIR)('%s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}->${to}`));
  });

  it('never allows staying in the same status', () => {
    for (const status of ORDER_STATUSES) expect(canTransition(status, status)).toBe(false);
  });

  it('treats exactly delivered and cancelled as final', () => {
    expect(ORDER_STATUSES.filter(isFinalStatus)).toEqual([OrderStatus.Delivered, OrderStatus.Cancelled]);
  });

  it('has no transition out of a final status and at least one out of every other', () => {
    for (const status of ORDER_STATUSES) expect(ORDER_TRANSITIONS[status].length === 0).toBe(isFinalStatus(status));
  });
});

describe('deliveryTimeProblem', () => {
  const orderDate = new Date('2024-01-15T18:00:00Z');
  const now = new Date('2024-01-15T19:00:00Z');

  it('accepts a time between the order date and now', () => {
    expect(deliveryTimeProblem(new Date('2024-01-15T18:30:00Z'), orderDate, now)).toBeUndefined();
  });

  it('accepts exactly the order date and a time within the clock skew ahead of now', () => {
    expect(deliveryTimeProblem(orderDate, orderDate, now)).toBeUndefined();
    expect(deliveryTimeProblem(new Date(now.getTime() + DELIVERY_TIME_CLOCK_SKEW_MS), orderDate, now)).toBeUndefined();
  });

  it('refuses a time further in the future than the skew', () => {
    expect(deliveryTimeProblem(new Date(now.getTime() + DELIVERY_TIME_CLOCK_SKEW_MS + 1), orderDate, now)).toBe('in_future');
  });

  it('refuses a time before the order was placed', () => {
    expect(deliveryTimeProblem(new Date(orderDate.getTime() - 1), orderDate, now)).toBe('before_order_date');
  });
});
