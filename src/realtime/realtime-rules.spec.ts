import { describe, expect, it } from '@jest/globals';
import { deliverySlots, estimatedDelivery, estimatedWaitMinutes, remainingCapacity, surge, utilisation } from './realtime-rules.js';

const at = (iso: string) => new Date(iso);
const starts = (slots: { start: Date }[]) => slots.map((slot) => slot.start.toISOString().slice(11, 16));

describe('delivery slots', () => {
  const load = { capacity: 10, orders_in_progress: 3 };

  it('are the next eight half hours from the next boundary, each with capacity - in progress left', () => {
    const slots = deliverySlots(at('2024-03-10T12:10:00Z'), { opening_time: null, closing_time: null }, load);
    expect(starts(slots)).toEqual(['12:30', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00']);
    expect(slots[0].end.toISOString()).toBe('2024-03-10T13:00:00.000Z');
    expect(slots.every((slot) => slot.remaining_capacity === 7)).toBe(true);
  });

  it('start at the following boundary when now is exactly on one', () => {
    const slots = deliverySlots(at('2024-03-10T12:00:00Z'), { opening_time: null, closing_time: null }, load, 1);
    expect(starts(slots)).toEqual(['12:30']);
  });

  it('stay inside the hours and continue the next day, across midnight', () => {
    const night = { opening_time: '18:00:00', closing_time: '02:00:00' };
    expect(starts(deliverySlots(at('2024-03-10T23:05:00Z'), night, load))).toEqual([
      '23:30',
      '00:00',
      '00:30',
      '01:00',
      '01:30',
      '18:00',
      '18:30',
      '19:00',
    ]);
    const slots = deliverySlots(at('2024-03-10T12:00:00Z'), { opening_time: '10:00:00', closing_time: '13:15:00' }, load);
    // One day ahead ends at 12:30 tomorrow: six slots, not eight.
    expect(starts(slots)).toEqual(['12:30', '10:00', '10:30', '11:00', '11:30', '12:00']);
    expect(slots[1].start.toISOString()).toBe('2024-03-11T10:00:00.000Z');
  });

  it('have no capacity left when the orders in progress reach the capacity (never negative)', () => {
    const hours = { opening_time: null, closing_time: null };
    expect(deliverySlots(at('2024-03-10T12:10:00Z'), hours, { capacity: 4, orders_in_progress: 4 })[0].remaining_capacity).toBe(0);
    expect(deliverySlots(at('2024-03-10T12:10:00Z'), hours, { capacity: 4, orders_in_progress: 9 })[0].remaining_capacity).toBe(0);
    expect(remainingCapacity({ capacity: 4, orders_in_progress: 1 })).toBe(3);
  });

  it('are none when the hours are shorter than a slot', () => {
    expect(deliverySlots(at('2024-03-10T12:10:00Z'), { opening_time: '18:00:00', closing_time: '18:20:00' }, load)).toEqual([]);
  });
});

describe('utilisation and estimated wait', () => {
  it('utilisation is in progress over capacity, to 4 decimals', () => {
    expect(utilisation({ capacity: 3, orders_in_progress: 1 })).toBe(0.3333);
    expect(utilisation({ capacity: 4, orders_in_progress: 6 })).toBe(1.5);
  });

  it('waits one preparation while the kitchen has room, one more per full round ahead', () => {
    expect(estimatedWaitMinutes({ capacity: 4, orders_in_progress: 0 }, 12.5)).toBe(13);
    expect(estimatedWaitMinutes({ capacity: 4, orders_in_progress: 3 }, 12.5)).toBe(13);
    expect(estimatedWaitMinutes({ capacity: 4, orders_in_progress: 4 }, 12.5)).toBe(25);
    expect(estimatedWaitMinutes({ capacity: 4, orders_in_progress: 9 }, 10)).toBe(30);
    expect(estimatedWaitMinutes({ capacity: 4, orders_in_progress: 9 }, null)).toBeNull();
  });
});

describe('surge multiplier', () => {
  it.each([
    [0, 10, 1, 'normal_demand'],
    [4, 10, 1, 'normal_demand'],
    [5, 10, 1, 'normal_demand'],
    [11, 20, 1.1, 'high_demand'],
    [6, 10, 1.2, 'high_demand'],
    [3, 4, 1.5, 'high_demand'],
    [2, 3, 1.33, 'high_demand'],
    [9, 10, 1.8, 'high_demand'],
    [10, 10, 2, 'at_capacity'],
    [25, 10, 2, 'at_capacity'],
  ])('%i in progress of %i -> %f (%s)', (inProgress, capacity, multiplier, reason) => {
    expect(surge({ capacity, orders_in_progress: inProgress })).toEqual({ multiplier, reason });
  });
});

describe('estimated delivery', () => {
  const placed = at('2024-03-10T12:00:00Z');

  it('is order date + longest preparation + the delivery allowance while in progress', () => {
    const estimate = estimatedDelivery({
      order_status: 'preparing',
      order_date: placed,
      delivery_time: null,
      longest_preparation_minutes: 25,
    });
    expect(estimate).toEqual({ at: at('2024-03-10T12:55:00Z'), basis: 'preparation_and_delivery' });
    const unknown = estimatedDelivery({
      order_status: 'placed',
      order_date: placed,
      delivery_time: null,
      longest_preparation_minutes: null,
    });
    expect(unknown.at).toEqual(at('2024-03-10T12:30:00Z'));
  });

  it('is the delivery time once delivered and none once cancelled', () => {
    const delivered = at('2024-03-10T12:41:00Z');
    expect(
      estimatedDelivery({ order_status: 'delivered', order_date: placed, delivery_time: delivered, longest_preparation_minutes: 25 }),
    ).toEqual({
      at: delivered,
      basis: 'delivered',
    });
    expect(
      estimatedDelivery({ order_status: 'cancelled', order_date: placed, delivery_time: null, longest_preparation_minutes: 25 }),
    ).toEqual({
      at: null,
      basis: 'cancelled',
    });
  });
});
