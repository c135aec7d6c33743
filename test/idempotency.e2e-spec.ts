import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { registerCustomer } from './support/accounts.js';
import { insertCustomer, insertMenuItem, insertOrder, insertRestaurant } from './support/fixtures.js';
import { eventually } from './support/eventually.js';
import { SERVER_DATABASE_URL } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The draft's spelling: a Structured Fields string, quoted. */
const keyed = (key: string) => ({ headers: { 'idempotency-key': `"${key}"` } });

/*
 * Idempotency-Key on the three writes a phone retries: order placement, status changes and
 * reviews. Outcomes are counted in the database, never timed.
 */
describe('Idempotency-Key', () => {
  let t: TestApp;
  let restaurantId: number;
  let menuItemId: number;
  let customerId: number;

  const orderBody = (quantity = 1) => ({
    restaurant_id: restaurantId,
    delivery_address: '1 Retry Lane',
    order_items: [{ menu_item_id: menuItemId, quantity }],
  });
  const placeOrder = (body: unknown, key: string, client = t.admin, customer = customerId) =>
    client.post(`/orders/customers/${customer}/orders`, body, keyed(key));
  const ordersOf = async (customer: number) =>
    (await t.db.query(`SELECT count(*)::int AS n FROM orders WHERE customer_id = $1`, [customer]))[0].n as number;

  beforeAll(async () => {
    t = await startTestApp();
    restaurantId = await insertRestaurant(t.db);
    menuItemId = await insertMenuItem(t.db, restaurantId, { price: '7.50' });
    customerId = await insertCustomer(t.db);
  });
  afterAll(() => t.close());

  it('places the order once: a retry with the same key and body gets the same status and body, and no second order', async () => {
    const key = randomUUID();
    const before = await ordersOf(customerId);
    const first = await placeOrder(orderBody(2), key);
    expect(first.status).toBe(201);
    const retry = await placeOrder(orderBody(2), key);
    expect(retry.status).toBe(201);
    expect(retry.text).toBe(first.text);
    expect(await ordersOf(customerId)).toBe(before + 1);
  });

  it('treats the same fields in another order as the same request, and accepts an unquoted key', async () => {
    const key = randomUUID();
    const first = await placeOrder(orderBody(), key);
    expect(first.status).toBe(201);
    const { order_items, delivery_address, restaurant_id } = orderBody();
    const retry = await t.admin.post(
      `/orders/customers/${customerId}/orders`,
      { order_items, delivery_address, restaurant_id },
      {
        headers: { 'idempotency-key': key },
      },
    );
    expect([retry.status, retry.body.id]).toEqual([201, first.body.id]);
  });

  it('refuses the same key with a different body (422) and with another route, and does not write', async () => {
    const key = randomUUID();
    expect((await placeOrder(orderBody(1), key)).status).toBe(201);
    const before = await ordersOf(customerId);
    const changed = await placeOrder(orderBody(3), key);
    expect(changed.status).toBe(422);
    expect(changed.body.message).toBe(`Idempotency-Key ${key} was already used for a different request`);
    const otherCustomer = await insertCustomer(t.db);
    expect((await placeOrder(orderBody(1), key, t.admin, otherCustomer)).status).toBe(422);
    expect(await ordersOf(customerId)).toBe(before);
    expect(await ordersOf(otherCustomer)).toBe(0);
  });

  it('scopes keys to the caller: two customers using one key each get their own order', async () => {
    const [alice, bob] = [await registerCustomer(t), await registerCustomer(t)];
    const key = randomUUID();
    const forAlice = await placeOrder(orderBody(), key, alice.client, alice.customer.id);
    const forBob = await placeOrder(orderBody(), key, bob.client, bob.customer.id);
    expect([forAlice.status, forBob.status]).toEqual([201, 201]);
    expect(forBob.body.id).not.toBe(forAlice.body.id);
    expect([await ordersOf(alice.customer.id), await ordersOf(bob.customer.id)]).toEqual([1, 1]);
  });

  it('refuses a malformed key with a 400 naming the header, before any write', async () => {
    const before = await ordersOf(customerId);
    for (const key of ['', 'x'.repeat(256), 'has space']) {
      const response = await t.admin.post(`/orders/customers/${customerId}/orders`, orderBody(), { headers: { 'idempotency-key': key } });
      expect([response.status, response.body.errors?.[0]?.field]).toEqual([400, 'Idempotency-Key']);
    }
    expect(await ordersOf(customerId)).toBe(before);
  });

  it('changes a status once: the retry gets the same 200 instead of a refused transition', async () => {
    const orderId = await insertOrder(t.db, { customer_id: customerId, restaurant_id: restaurantId, items: [[menuItemId, 1, '7.50']] });
    const key = randomUUID();
    const first = await t.admin.put(`/orders/${orderId}/status`, { order_status: 'confirmed' }, keyed(key));
    expect(first.status).toBe(200);
    const retry = await t.admin.put(`/orders/${orderId}/status`, { order_status: 'confirmed' }, keyed(key));
    expect(retry.status).toBe(200);
    expect(retry.text).toBe(first.text);
    const changes = await t.db.query(`SELECT count(*)::int AS n FROM order_status_changes WHERE order_id = $1`, [orderId]);
    expect(changes[0].n).toBe(1);
    // Without the key the same request is a new one, refused by the status machine.
    expect((await t.admin.put(`/orders/${orderId}/status`, { order_status: 'confirmed' })).status).toBe(409);
  });

  it('stores nothing for a refused request: its key is free for the next request', async () => {
    const orderId = await insertOrder(t.db, { customer_id: customerId, restaurant_id: restaurantId, items: [[menuItemId, 1, '7.50']] });
    const key = randomUUID();
    expect((await t.admin.put(`/orders/${orderId}/status`, { order_status: 'delivered' }, keyed(key))).status).toBe(409);
    const next = await t.admin.put(`/orders/${orderId}/status`, { order_status: 'confirmed' }, keyed(key));
    expect([next.status, next.body.order_status]).toEqual([200, 'confirmed']);
  });

  it('reviews once: the retry gets the same 201 instead of "already reviewed", and the rating counts it once', async () => {
    const restaurant = await insertRestaurant(t.db);
    const item = await insertMenuItem(t.db, restaurant);
    const orderId = await insertOrder(t.db, {
      customer_id: customerId,
      restaurant_id: restaurant,
      order_status: 'delivered',
      items: [[item, 1, '9.99']],
    });
    const path = `/reviews/orders/${orderId}/review?customer_id=${customerId}`;
    const key = randomUUID();
    const first = await t.admin.post(path, { rating: 4, comment: 'Good' }, keyed(key));
    expect(first.status).toBe(201);
    const retry = await t.admin.post(path, { rating: 4, comment: 'Good' }, keyed(key));
    expect([retry.status, retry.text]).toEqual([201, first.text]);
    expect((await t.admin.post(path, { rating: 2 }, keyed(key))).status).toBe(422);
    const [row] = await t.db.query(
      `SELECT (SELECT count(*)::int FROM reviews WHERE order_id = $1) AS reviews, (SELECT rating::text FROM restaurants WHERE id = $2) AS rating`,
      [orderId, restaurant],
    );
    expect(row).toEqual({ reviews: 1, rating: '4.00' });
  });

  it('creates exactly one order from two simultaneous requests with one key', async () => {
    const key = randomUUID();
    const before = await ordersOf(customerId);
    const responses = await Promise.all([placeOrder(orderBody(), key), placeOrder(orderBody(), key)]);
    expect(await ordersOf(customerId)).toBe(before + 1);
    const created = responses.filter((response) => response.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const response of responses) {
      // The second either waited on the first's key (409, Retry-After) or arrived after it answered (the stored 201).
      if (response.status === 409) expect(response.headers.get('retry-after')).toBe('1');
      else expect([response.status, response.body.id]).toEqual([201, created[0].body.id]);
    }
  });

  (SERVER_DATABASE_URL ? it : it.skip)(
    'answers a retry while the first request still runs with 409 and Retry-After, then the stored answer',
    async () => {
      const key = randomUUID();
      const before = await ordersOf(customerId);
      // Holding the customer's row keeps the first placement waiting inside its transaction.
      const holder = new pg.Client({ connectionString: t.database.url });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM customers WHERE id = $1 FOR UPDATE', [customerId]);
        const first = placeOrder(orderBody(), key);
        await eventually('the first request holds its key', async () => {
          const held = await t.db.query(`SELECT 1 FROM idempotency_keys WHERE key = $1 AND response_status IS NULL`, [key]);
          return held.length === 1;
        });
        const running = await placeOrder(orderBody(), key);
        expect(running.status).toBe(409);
        expect(running.headers.get('retry-after')).toBe('1');
        expect(running.body.message).toBe(`A request with Idempotency-Key ${key} is still being processed; retry later`);
        await holder.query('COMMIT');
        const answered = await first;
        expect(answered.status).toBe(201);
        const retry = await placeOrder(orderBody(), key);
        expect([retry.status, retry.text]).toEqual([201, answered.text]);
      } finally {
        await holder.end();
      }
      expect(await ordersOf(customerId)).toBe(before + 1);
    },
  );

  describe('a write that committed without its answer stored', () => {
    /**
     * Makes Postgres refuse to store the answer of `key` (a trigger on idempotency_keys), as if the
     * process had died between the write's commit and that UPDATE: the interceptor logs the failed
     * store and answers, and the key is left marked by the write but unanswered.
     */
    async function withAnswerStoreRefused<T>(key: string, work: () => Promise<T>): Promise<T> {
      await t.db.query(`
        CREATE FUNCTION test_refuse_answer() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.response_status IS NOT NULL AND NEW.key = TG_ARGV[0] THEN RAISE EXCEPTION 'answer store refused by the test'; END IF;
          RETURN NEW;
        END
        $$`);
      await t.db.query(
        `CREATE TRIGGER test_refuse_answer BEFORE UPDATE ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION test_refuse_answer('${key}')`,
      );
      try {
        return await work();
      } finally {
        await t.db.query('DROP TRIGGER test_refuse_answer ON idempotency_keys');
        await t.db.query('DROP FUNCTION test_refuse_answer()');
      }
    }
    const keyRow = async (key: string) =>
      (await t.db.query(`SELECT response_status, resource_kind, resource_id FROM idempotency_keys WHERE key = $1`, [key]))[0];
    /** As if the request's instance had stopped long ago: its lease is over. */
    const expireLease = (key: string) =>
      t.db.query(`UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = $1`, [key]);

    it('places the order once: after the lease, the retry gets 201 with the order read again, and no second order', async () => {
      const key = randomUUID();
      const before = await ordersOf(customerId);
      const first = await withAnswerStoreRefused(key, () => placeOrder(orderBody(2), key));
      expect(first.status).toBe(201);
      expect(await keyRow(key)).toEqual({ response_status: null, resource_kind: 'order', resource_id: first.body.id });
      await expireLease(key);
      const retry = await placeOrder(orderBody(2), key);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(await ordersOf(customerId)).toBe(before + 1);
      // Nothing is stored for it: each retry reads the order again, and another request is still a 422.
      expect(await keyRow(key)).toEqual({ response_status: null, resource_kind: 'order', resource_id: first.body.id });
      expect((await placeOrder(orderBody(3), key)).status).toBe(422);
    });

    it('changes a status once: the retry gets 200 with the order as it is now, even if a later change moved it on', async () => {
      const orderId = await insertOrder(t.db, { customer_id: customerId, restaurant_id: restaurantId, items: [[menuItemId, 1, '7.50']] });
      const key = randomUUID();
      const first = await withAnswerStoreRefused(key, () =>
        t.admin.put(`/orders/${orderId}/status`, { order_status: 'confirmed' }, keyed(key)),
      );
      expect([first.status, first.body.order_status]).toEqual([200, 'confirmed']);
      expect((await t.admin.put(`/orders/${orderId}/status`, { order_status: 'preparing' })).status).toBe(200);
      await expireLease(key);
      const retry = await t.admin.put(`/orders/${orderId}/status`, { order_status: 'confirmed' }, keyed(key));
      expect([retry.status, retry.body.id, retry.body.order_status]).toEqual([200, orderId, 'preparing']);
      const changes = await t.db.query(`SELECT to_status FROM order_status_changes WHERE order_id = $1 ORDER BY id`, [orderId]);
      expect(changes.map((change: { to_status: string }) => change.to_status)).toEqual(['confirmed', 'preparing']);
    });

    it('reviews once: the retry gets 201 with the review, not "already reviewed"', async () => {
      const orderId = await insertOrder(t.db, {
        customer_id: customerId,
        restaurant_id: restaurantId,
        order_status: 'delivered',
        items: [[menuItemId, 1, '7.50']],
      });
      const path = `/reviews/orders/${orderId}/review?customer_id=${customerId}`;
      const key = randomUUID();
      const first = await withAnswerStoreRefused(key, () => t.admin.post(path, { rating: 5, comment: 'Hot' }, keyed(key)));
      expect(first.status).toBe(201);
      expect(await keyRow(key)).toEqual({ response_status: null, resource_kind: 'review', resource_id: first.body.id });
      await expireLease(key);
      const retry = await t.admin.post(path, { rating: 5, comment: 'Hot' }, keyed(key));
      expect([retry.status, retry.body]).toEqual([201, first.body]);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM reviews WHERE order_id = $1`, [orderId]))[0].n).toBe(1);
    });
  });

  (SERVER_DATABASE_URL ? it : it.skip)(
    'rolls back the write of a request whose key a retry took over after its lease: one order, the first gets a 409',
    async () => {
      const key = randomUUID();
      const before = await ordersOf(customerId);
      // Holding the customer's row keeps the first placement waiting inside its transaction, before its write.
      const holder = new pg.Client({ connectionString: t.database.url });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM customers WHERE id = $1 FOR UPDATE', [customerId]);
        const first = placeOrder(orderBody(), key);
        await eventually('the first request holds its key', async () => {
          const held = await t.db.query(`SELECT 1 FROM idempotency_keys WHERE key = $1 AND response_status IS NULL`, [key]);
          return held.length === 1;
        });
        // Its lease runs out while it waits: a retry takes the key over and waits for the customer's row too.
        await t.db.query(`UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = $1`, [key]);
        const retry = placeOrder(orderBody(), key);
        await eventually('the retry to take the key over', async () => {
          const waiting = await t.db.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'SELECT place_order(%'`,
          );
          return waiting.length === 2;
        });
        await holder.query('COMMIT');
        const [firstAnswer, retryAnswer] = await Promise.all([first, retry]);
        expect(firstAnswer.status).toBe(409);
        expect(firstAnswer.body.message).toBe(
          `Idempotency-Key ${key} was taken over by a retry while this request ran; this request wrote nothing`,
        );
        expect(retryAnswer.status).toBe(201);
        const again = await placeOrder(orderBody(), key);
        expect([again.status, again.text]).toEqual([201, retryAnswer.text]);
      } finally {
        await holder.end();
      }
      expect(await ordersOf(customerId)).toBe(before + 1);
    },
  );

  (SERVER_DATABASE_URL ? it : it.skip)('keeps the answer in Postgres: another instance answers the retry from it', async () => {
    const other = await startTestApp({ database: t.database });
    try {
      const key = randomUUID();
      const before = await ordersOf(customerId);
      const first = await placeOrder(orderBody(), key);
      const onOther = await other.admin.post(`/orders/customers/${customerId}/orders`, orderBody(), keyed(key));
      expect([onOther.status, onOther.text]).toEqual([201, first.text]);
      expect(await ordersOf(customerId)).toBe(before + 1);
    } finally {
      await other.close();
    }
  });
});
