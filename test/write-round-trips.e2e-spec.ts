import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CacheAuditService } from '../src/cache-ops/maintenance/cache-audit.service.js';
import { insertCustomer, insertMenuItem, insertOrder, insertRestaurant } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The statements each write sends to Postgres, counted at the driver (every round trip, BEGIN and
 * COMMIT included) from the request until its cache-audit records are written. The ceilings are
 * today's counts (placing: the transaction's 12 and two cache-audit inserts; a status change: the
 * read before the transaction, its 7, the write-through's re-read of the order (2) and two audit
 * inserts; a review: the transaction's 6 and one audit insert): a change that adds a round trip to
 * a write fails here.
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

  it('placing an order: at most 14 statements, 2 more with an Idempotency-Key, 2 for its replay', async () => {
    expect((await count(() => placeOrder(), 201)).length).toBeLessThanOrEqual(14);
    const key = { 'idempotency-key': randomUUID() };
    expect((await count(() => placeOrder(key), 201)).length).toBeLessThanOrEqual(16);
    const replay = await count(() => placeOrder(key), 201);
    expect(replay).toHaveLength(2);
    expect(replay.join('\n')).not.toMatch(/INSERT INTO "?orders"?/);
  });

  it('a status change: at most 12 statements', async () => {
    const orderId = await newOrder();
    expect((await count(() => t.admin.put(`/orders/${orderId}/status`, { order_status: 'confirmed' }), 200)).length).toBeLessThanOrEqual(
      12,
    );
  });

  it('a review: at most 7 statements', async () => {
    const orderId = await newOrder('delivered');
    const sent = await count(() => t.admin.post(`/reviews/orders/${orderId}/review?customer_id=${customerId}`, { rating: 5 }), 201);
    expect(sent.length).toBeLessThanOrEqual(7);
  });
});
