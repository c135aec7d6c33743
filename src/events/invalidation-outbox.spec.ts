import { describe, expect, it } from '@jest/globals';
import { OrderStatus } from '../domain/order-status.js';
import {
  CustomerChanged,
  type DomainEvent,
  MenuItemChanged,
  NotificationsRead,
  OrderHistoryDated,
  OrderPlaced,
  OrderStatusChanged,
  RestaurantChanged,
  ReviewAdded,
} from './domain-events.js';
import { planFor } from './invalidation-rules.js';
import { fromOutboxEvent, toOutboxEvent } from './invalidation-outbox.js';

/** As stored: through jsonb, so through JSON. */
const stored = (event: DomainEvent) => fromOutboxEvent(JSON.parse(JSON.stringify(toOutboxEvent(event))));

describe('the cache invalidation outbox event', () => {
  const events: [DomainEvent, DomainEvent][] = [
    [new RestaurantChanged(3, 'updated', { id: 3, name: 'Kept out' }), new RestaurantChanged(3, 'updated')],
    [new RestaurantChanged(3, 'deleted'), new RestaurantChanged(3, 'deleted')],
    [new MenuItemChanged(7, 3, 'created', { id: 7 }), new MenuItemChanged(7, 3, 'created')],
    [new CustomerChanged(2, 'deleted'), new CustomerChanged(2, 'deleted')],
    [new OrderPlaced(10, 2, 3), new OrderPlaced(10, 2, 3)],
    [
      new OrderStatusChanged(10, 2, 3, OrderStatus.Placed, OrderStatus.Confirmed, { id: 10 }, null),
      new OrderStatusChanged(10, 2, 3, OrderStatus.Placed, OrderStatus.Confirmed, undefined, null),
    ],
    [
      new OrderStatusChanged(10, 2, 3, OrderStatus.OutForDelivery, OrderStatus.Delivered, { id: 10 }, new Date('2025-01-15T23:30:00.250Z')),
      new OrderStatusChanged(10, 2, 3, OrderStatus.OutForDelivery, OrderStatus.Delivered, undefined, new Date('2025-01-15T23:30:00.250Z')),
    ],
    [
      new ReviewAdded(1, 10, 2, 3, 'Thai', { before: 3.5, after: 3.75 }),
      new ReviewAdded(1, 10, 2, 3, 'Thai', { before: 3.5, after: 3.75 }),
    ],
    [new ReviewAdded(1, 10, 2, 3, 'Thai', null), new ReviewAdded(1, 10, 2, 3, 'Thai', null)],
    [new NotificationsRead(2), new NotificationsRead(2)],
    [new OrderHistoryDated([10, 11]), new OrderHistoryDated([10, 11])],
  ];

  it.each(events.map(([event, expected]): [string, DomainEvent, DomainEvent] => [event.type, event, expected]))(
    'keeps what the invalidation plan of %s needs, and none of the representations',
    (_type, event, expected) => {
      expect(stored(event)).toEqual(expected);
      expect(planFor(stored(event))).toEqual(planFor(event));
    },
  );

  it('refuses a type it does not know, naming it', () => {
    expect(() => fromOutboxEvent({ type: 'unknown.event' } as never)).toThrow('Unknown outbox event type "unknown.event"');
  });

  it('reads the delivery time Postgres writes into jsonb (a timestamptz with its offset)', () => {
    const fromSql = {
      type: 'order.status-changed' as const,
      order_id: 10,
      customer_id: 2,
      restaurant_id: 3,
      from: 'out_for_delivery',
      to: 'delivered',
    };
    const event = fromOutboxEvent({ ...fromSql, delivery_time: '2025-01-16T00:30:00.25+01:00' }) as OrderStatusChanged;
    expect(event.delivery_time).toEqual(new Date('2025-01-15T23:30:00.250Z'));
    expect(planFor(event).tags).toContain('analytics:revenue:2025-01-15');
  });
});
