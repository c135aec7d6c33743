import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startOfDayAgo, dayOf } from './support/analytics-data.js';
import * as oracle from './support/analytics-oracle.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PERIODS = ['7d', '30d', '90d'] as const;
const HISTORY_DAYS = 200;

/*
 * 400 generated orders over 200 days (seeded, so every run has the same history relative to
 * today): every report must equal the reference computed from the raw rows in
 * support/analytics-oracle.ts.
 */
describe('analytics on generated data', () => {
  let t: TestApp;
  let rows: oracle.Rows;

  beforeAll(async () => {
    t = await startTestApp();
    await oracle.generateOrderHistory(t.db, 20_261_122, 400, HISTORY_DAYS);
    rows = await oracle.loadRows(t.db);
  });
  afterAll(() => t.close());

  it('generated a history with every case the reports distinguish', () => {
    const statuses = new Set(rows.orders.map((order) => order.order_status));
    expect([...statuses].sort()).toEqual(['cancelled', 'confirmed', 'delivered', 'out_for_delivery', 'placed', 'preparing']);
    // Deliveries on another UTC day than the order, and orders without history.
    expect(rows.orders.some((o) => o.delivery_time && dayOf(o.delivery_time) !== dayOf(o.order_date))).toBe(true);
    expect(rows.orders.some((o) => !rows.history.some((h) => h.order_id === o.id))).toBe(true);
    // Orders placed and delivered exactly at 00:00:00Z.
    expect(rows.orders.some((o) => o.order_date.toISOString().endsWith('T00:00:00.000Z'))).toBe(true);
    expect(rows.orders.some((o) => o.delivery_time?.toISOString().endsWith('T00:00:00.000Z'))).toBe(true);
  });

  it('gives the daily revenue of every day of the history', async () => {
    for (let daysAgo = 0; daysAgo <= HISTORY_DAYS + 1; daysAgo++) {
      const day = dayOf(startOfDayAgo(daysAgo));
      const response = await t.admin.get(`/analytics/revenue/daily?date=${day}`);
      expect(response.body).toEqual(oracle.dailyRevenue(rows, day));
    }
  });

  it.each(PERIODS)('gives the revenue analytics over %s', async (period) => {
    const response = await t.admin.get(`/analytics/revenue-analytics?period=${period}`);
    expect(response.body).toEqual(oracle.revenueAnalytics(rows, oracle.windowOf(period, new Date())));
  });

  it.each(PERIODS)('gives the customer behaviour over %s', async (period) => {
    const response = await t.admin.get(`/analytics/customers/behavior?period=${period}`);
    expect(response.body).toEqual(oracle.customerBehavior(rows, oracle.windowOf(period, new Date())));
  });

  it.each(PERIODS)('gives the 50 most popular items over %s, with their revenue to admins', async (period) => {
    const withRevenue = await t.admin.get(`/analytics/popular-items/revenue?period=${period}&limit=50`);
    const expected = oracle.popularItems(rows, oracle.windowOf(period, new Date()), 50);
    expect(withRevenue.body).toEqual(expected);
    // The public list: the same ranking and figures, without the revenue, to anyone.
    const trending = await t.http.get(`/analytics/popular-items?period=${period}&limit=50`);
    expect(trending.status).toBe(200);
    expect(trending.body).toEqual({ ...expected, items: expected.items.map(({ revenue: _revenue, ...item }) => item) });
  });

  it('gives the performance of every restaurant', async () => {
    const response = await t.admin.get('/analytics/restaurants/performance');
    const ids = [...rows.restaurants.keys()].sort((a, b) => a - b);
    expect(response.headers.get('x-total-count')).toBe(String(ids.length));
    expect(response.body).toEqual(ids.map((id) => oracle.restaurantPerformance(rows, id)));
  });

  it('gives the insights of every customer', async () => {
    for (const customerId of rows.customers.keys()) {
      const before = oracle.customerInsights(rows, customerId, new Date());
      const response = await t.admin.get(`/analytics/customer-insights/${customerId}`);
      const after = oracle.customerInsights(rows, customerId, new Date());
      expect([before, after]).toContainEqual(response.body);
    }
  });
});
