import { isOpenThroughout, type OpeningHours } from './opening-hours.js';

/*
 * The real-time rules as pure functions of the data and "now", so each is tested on its own.
 *
 * Capacity model: Restaurant.capacity is how many orders in progress (placed, confirmed,
 * preparing, out_for_delivery) the restaurant can handle at once, and each order in progress
 * occupies one unit until it is delivered or cancelled. Nothing is known yet about when an order
 * in progress will finish, so every upcoming slot has the same capacity left:
 * max(0, capacity - orders in progress).
 */

export const SLOT_MINUTES = 30;
export const SLOT_COUNT = 8;
/** Slots are looked for over the next day; hours shorter than a slot give none. */
const SLOT_HORIZON = (24 * 60) / SLOT_MINUTES;
const SLOT_MS = SLOT_MINUTES * 60_000;

export interface Load {
  capacity: number;
  orders_in_progress: number;
}

export interface Slot {
  start: Date;
  end: Date;
  remaining_capacity: number;
}

export const remainingCapacity = (load: Load) => Math.max(0, load.capacity - load.orders_in_progress);

/** Orders in progress / capacity, rounded to 4 decimals (1 = full; above 1 = over capacity). */
export const utilisation = (load: Load) => Math.round((load.orders_in_progress / load.capacity) * 10_000) / 10_000;

/**
 * The next `count` 30-minute slots that lie wholly inside the opening hours, starting at the
 * first half-hour boundary after `now` (12:10 -> 12:30; 12:00 exactly -> 12:30, the 12:00 slot
 * has begun), looking at most one day ahead.
 */
export function deliverySlots(now: Date, hours: OpeningHours, load: Load, count = SLOT_COUNT): Slot[] {
  const slots: Slot[] = [];
  const first = (Math.floor(now.getTime() / SLOT_MS) + 1) * SLOT_MS;
  for (let index = 0; index < SLOT_HORIZON && slots.length < count; index++) {
    const start = new Date(first + index * SLOT_MS);
    const end = new Date(start.getTime() + SLOT_MS);
    if (isOpenThroughout(hours, start, end)) slots.push({ start, end, remaining_capacity: remainingCapacity(load) });
  }
  return slots;
}

/**
 * Estimated wait for a new order, in whole minutes (rounded up): the kitchen prepares `capacity`
 * orders side by side, each taking the average preparation time of the menu; a new order waits
 * for the full rounds of orders ahead of it, then its own preparation:
 * (floor(orders in progress / capacity) + 1) x average preparation minutes.
 * Null when no menu item has a preparation time.
 */
export function estimatedWaitMinutes(load: Load, averagePreparationMinutes: number | null): number | null {
  if (averagePreparationMinutes === null) return null;
  const roundsAhead = Math.floor(load.orders_in_progress / load.capacity);
  return Math.ceil((roundsAhead + 1) * averagePreparationMinutes);
}

export const SURGE_START_UTILISATION = 0.5;
export const SURGE_FULL_UTILISATION = 1;
export const MIN_MULTIPLIER = 1;
export const MAX_MULTIPLIER = 2;

export type SurgeReason = 'normal_demand' | 'high_demand' | 'at_capacity';

export interface Surge {
  multiplier: number;
  reason: SurgeReason;
}

/**
 * Surge pricing from utilisation u: 1.0 up to 50%, rising linearly to 2.0 at 100%, and 2.0 at or
 * above capacity: multiplier = 1 + (u - 0.5) / 0.5, bounded to [1.0, 2.0], rounded to 2 decimals.
 */
export function surge(load: Load): Surge {
  const u = load.orders_in_progress / load.capacity;
  if (u >= SURGE_FULL_UTILISATION) return { multiplier: MAX_MULTIPLIER, reason: 'at_capacity' };
  if (u <= SURGE_START_UTILISATION) return { multiplier: MIN_MULTIPLIER, reason: 'normal_demand' };
  const linear =
    MIN_MULTIPLIER +
    ((u - SURGE_START_UTILISATION) / (SURGE_FULL_UTILISATION - SURGE_START_UTILISATION)) * (MAX_MULTIPLIER - MIN_MULTIPLIER);
  return { multiplier: Math.round(linear * 100) / 100, reason: 'high_demand' };
}

/** Minutes allowed for the ride from the restaurant to the customer, on top of the preparation. */
export const DELIVERY_ALLOWANCE_MINUTES = 30;

export interface TrackedOrder {
  order_status: string;
  order_date: Date;
  delivery_time: Date | null;
  /** The longest preparation time among the order's items; null when none has one. */
  longest_preparation_minutes: number | null;
}

export type DeliveryEstimateBasis = 'delivered' | 'cancelled' | 'preparation_and_delivery';

/**
 * When the order arrives: the recorded delivery_time once delivered; none once cancelled;
 * otherwise order_date + the longest preparation time of its items (0 when none is known) +
 * {@link DELIVERY_ALLOWANCE_MINUTES}, since the items are prepared side by side.
 */
export function estimatedDelivery(order: TrackedOrder): { at: Date | null; basis: DeliveryEstimateBasis } {
  if (order.order_status === 'delivered') return { at: order.delivery_time, basis: 'delivered' };
  if (order.order_status === 'cancelled') return { at: null, basis: 'cancelled' };
  const minutes = (order.longest_preparation_minutes ?? 0) + DELIVERY_ALLOWANCE_MINUTES;
  return { at: new Date(order.order_date.getTime() + minutes * 60_000), basis: 'preparation_and_delivery' };
}
