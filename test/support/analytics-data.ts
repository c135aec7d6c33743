import type { DataSource } from 'typeorm';
import { CacheTags as T } from '../../src/cache/cache-tags.js';
import { CacheService } from '../../src/cache/cache.service.js';
import type { TestApp } from './test-app.js';

/*
 * Support for the analytics suites: instants relative to today's UTC calendar day, order history
 * rows, and dropping cached analytics after arranging data in SQL (which fires no domain events).
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Today's UTC calendar day, YYYY-MM-DD. */
export const todayUtc = () => new Date().toISOString().slice(0, 10);

/** 00:00Z of the UTC day `daysAgo` days before today (0 = today). */
export function startOfDayAgo(daysAgo: number): Date {
  return new Date(Date.parse(`${todayUtc()}T00:00:00Z`) - daysAgo * DAY_MS);
}

export const dayOf = (instant: Date) => instant.toISOString().slice(0, 10);

export const plusMinutes = (instant: Date, minutes: number) => new Date(instant.getTime() + minutes * MINUTE_MS);

/** An order's history: [status, when] in order; each row's from_status is the previous step's status. */
export async function insertHistory(db: DataSource, orderId: number, steps: [string, Date][]): Promise<void> {
  let from: string | null = null;
  for (const [to, at] of steps) {
    await db.query('INSERT INTO order_status_changes (order_id, from_status, to_status, changed_at) VALUES ($1, $2, $3, $4)', [
      orderId,
      from,
      to,
      at,
    ]);
    from = to;
  }
}

/** Drops every cached analytics entry, as the domain events would have for data written through the API. */
export async function forgetCachedAnalytics(t: TestApp): Promise<void> {
  await t.app
    .get(CacheService)
    .invalidate([T.revenue, T.customerBehavior, T.restaurantPerformance, T.popularItems, T.restaurantLists], 'test arrangement');
}

/** 24 hours of zeros, with the given hours' figures. */
export function hoursWith<F extends object>(zero: F, figures: Record<number, Partial<F>> = {}): (F & { hour: number })[] {
  return Array.from({ length: 24 }, (_, hour) => ({ hour, ...zero, ...figures[hour] }));
}
