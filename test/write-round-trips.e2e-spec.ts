import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CacheAuditService } from '../src/cache-ops/maintenance/cache-audit.service.js';
import { insertCustomer, insertMenuItem, insertOrder, insertRestaurant } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The statements each write sends to Postgres, counted at the driver (every round trip, BEGIN and
 * COMMIT included) from the request until its cache-audit records are written. Each write is one
 * call of its database function (place_order, change_order_status, add_review: one statement,
 * its own transaction), then one cache-audit insert; a status change of an order that was cached
 * also re-reads it for the write-through (one statement). A change that adds a round trip to a
 * write fails here.
 */
describe('round trips to Postgres per write', () => {
  let t: TestApp;
  let restaurantId: number;
  let menuItemId: number;
  let customerId: number;
  /** The driver's query method, which every statement of the app goes through. */
  const driver = pg.Client.prototype as unknown as { query: (this: pg.Client, ...args: unknown[]) => unknown };
  const originalQuery = driver.query;
  let statements: string[] | undefined;

  beforeAll(async () => {
    t = await startTestApp();
    restaurantId = await insertRestaurant(t.db);
    menuItemId = await insertMenuItem(t.db, restaurantId, { price: '4.20' });
    customerId = await insertCustomer(t.db);
    driver.query = function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as string | { text?: string };
      statements?.push(typeof config === 'string' ? config : (config?.text ?? ''));
      return originalQuery.apply(this, args);
    };
  });
  afterEach(() => (statements = undefined));
  afterAll(async () => {
    driver.query = originalQuery;
    await t.close();
  });

  /** The statements sent while `write` runs and until the cache audit has written its records. */
  async function count(write: () => Promise<{ status: number }>, expectedStatus: number): Promise<string[]> {
    const audit = t.app.get(CacheAuditService);
    await audit.settled();
    statements = [];
    const response = await write();
    expect(response.status).toBe(expectedStatus);
    await audit.settled();
    const sent = statements;
    statements = undefined;
    return sent;
  }

  const placeOrder = (headers: Record<string, string> = {}) =>
    t.admin.post(
      `/orders/customers/${customerId}/orders`,
      { restaurant_id: restaurantId, delivery_address: '1 Count Street', order_items: [{ menu_item_id: menuItemId, quantity: 2 }] },
      { headers },
    );
  const newOrder = (order_status = 'placed') =>
    insertOrder(t.db, { customer_id: customerId, restaurant_id: restaurantId, order_status, items: [[menuItemId, 1, '4.20']] });

  it('placing an order: at most 2 statements, 2 more with an Idempotency-Key, 2 for its replay, 3 without its stored answer', async () => {
    const sent = await count(() => placeOrder(), 201);
    expect(sent.length).toBeLessThanOrEqual(2);
    expect(sent[0]).toMatch(/^SELECT place_order\(/);
    const key = { 'idempotency-key': randomUUID() };
    expect((await count(() => placeOrder(key), 201)).length).toBeLessThanOrEqual(4);
    const replay = await count(() => placeOrder(key), 201);
    expect(replay).toHaveLength(2);
    expect(replay.join('\n')).not.toMatch(/place_order/);
    // The answer lost (as when the process died after the commit): the replay reads the order instead.
    await t.db.query('UPDATE idempotency_keys SET response_status = NULL, response_body = NULL WHERE key = $1', [key['idempotency-key']]);
    const rebuilt = await count(() => placeOrder(key), 201);
    expect(rebuilt).toHaveLength(3);
    expect(rebuilt[2]).toMatch(/^SELECT order_details_json\(/);
  });

  it('a status change: at most 3 statements, 2 when the order was not cached (no write-through)', async () => {
    const orderId = await newOrder();
    const uncached = await count(() => t.admin.put(`/orders/${orderId}/status`, { order_status: 'confirmed' }), 200);
    expect(uncached.length).toBeLessThanOrEqual(2);
    expect(uncached[0]).toMatch(/^SELECT change_order_status\(/);
    expect(uncached.join('\n')).not.toMatch(/order_details_json/);

    expect((await t.admin.get(`/orders/${orderId}`)).headers.get('x-cache')).toBe('MISS');
    const cached = await count(() => t.admin.put(`/orders/${orderId}/status`, { order_status: 'preparing' }), 200);
    expect(cached.length).toBeLessThanOrEqual(3);
    expect(cached[0]).toMatch(/^SELECT change_order_status\(/);
    expect(cached[1]).toMatch(/^SELECT order_details_json\(/);
  });

  it('a review: at most 2 statements', async () => {
    const orderId = await newOrder('delivered');
    const sent = await count(() => t.admin.post(`/reviews/orders/${orderId}/review?customer_id=${customerId}`, { rating: 5 }), 201);
    expect(sent.length).toBeLessThanOrEqual(2);
    expect(sent[0]).toMatch(/^SELECT add_review\(/);
  });
});
