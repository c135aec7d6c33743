import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { expectStatus, type Json } from '../support/cascade.js';
import { AppProcess } from '../support/faults/app-process.js';
import { sqlTo } from '../support/faults/catalogue.js';
import { integrityViolations } from '../support/faults/integrity.js';
import { percentile, printTable, type Row } from '../support/faults/load.js';
import { insertCustomer, insertMenuItem, insertRestaurant } from '../support/fixtures.js';
import type { HttpClient, HttpResponse } from '../support/http-client.js';
import { deleteKeysUnderPrefix } from '../support/redis-keys.js';
import { servicesForMultiInstanceSuite } from '../support/services.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';

/*
 * test/order-concurrency.e2e-spec.ts at scale and across two instances sharing Postgres and Redis:
 * simultaneous requests split over both, outcomes counted (never timed), and after every case the
 * integrity check in SQL. The database decides every race, so the counts are exact on any machine.
 */

const redisUrl = await servicesForMultiInstanceSuite('test/faults/concurrency.fault-spec.ts');
const describeWithServices = redisUrl ? describe : describe.skip;

const WORKFLOW = ['confirmed', 'preparing', 'out_for_delivery', 'delivered'];

const tally = (responses: HttpResponse[]) => {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
};

describeWithServices('concurrency across two instances', () => {
  const prefix = `tiffin-faults-${randomBytes(4).toString('hex')}`;
  let database: ScratchDatabase;
  let db: DataSource;
  let a: AppProcess;
  let b: AppProcess;
  const report: Row[] = [];

  /** Sends the requests at once and records the case for the report: what came back and how long each took. */
  async function simultaneously(label: string, requests: (() => Promise<HttpResponse>)[], allowed: number[]): Promise<HttpResponse[]> {
    const ms: number[] = [];
    const responses = await Promise.all(
      requests.map(async (send) => {
        const started = performance.now();
        const response = await send();
        ms.push(performance.now() - started);
        return response;
      }),
    );
    const counts = tally(responses);
    report.push({
      label,
      sent: responses.length,
      failures: responses.filter((response) => !allowed.includes(response.status)).length,
      statuses: Object.entries(counts)
        .map(([status, n]) => `${status} x${n}`)
        .join(', '),
      p50: percentile(ms, 0.5),
      p99: percentile(ms, 0.99),
      max: Math.max(...ms),
    });
    return responses;
  }
  /** Request `index` goes to A or B in turn. */
  const via = (index: number): HttpClient => (index % 2 === 0 ? a.admin : b.admin);

  const placeOrder = (http: HttpClient, customerId: number, body: Json) => http.post(`/orders/customers/${customerId}/orders`, body);

  /** An order placed through the API and moved along the workflow, so its history is complete. */
  async function orderThrough(status: string, restaurantId: number, customerId: number, menuItemId: number): Promise<number> {
    const body = {
      restaurant_id: restaurantId,
      delivery_address: '1 Race Street',
      order_items: [{ menu_item_id: menuItemId, quantity: 1 }],
    };
    const order = expectStatus(await placeOrder(a.admin, customerId, body), 201, 'placing an order');
    for (const next of WORKFLOW.slice(0, WORKFLOW.indexOf(status) + 1)) {
      expectStatus(await a.admin.put(`/orders/${order.id}/status`, { order_status: next }), 200, `moving to ${next}`);
    }
    return order.id;
  }

  beforeAll(async () => {
    database = await createScratchDatabase();
    // Each instance in its own process, as deployed: the races are decided between processes.
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl!,
      CACHE_PREFIX: prefix,
      // A burst of 200 queues for the pool's connections; this case is about who wins each race,
      // not about shedding load, so the wait for a connection is not what decides it.
      DATABASE_CONNECT_TIMEOUT_MS: '30000',
    };
    a = await AppProcess.start(env);
    b = await AppProcess.start(env);
    db = await sqlTo(database.url);
  }, 120_000);

  afterEach(async () => {
    expect(await integrityViolations(db)).toEqual([]);
  });

  afterAll(async () => {
    printTable('Concurrency across two instances (requests sent at once, split between A and B)', report, 'case');
    await b?.stop();
    await a?.stop();
    await db?.destroy();
    await database?.drop();
    if (redisUrl) await deleteKeysUnderPrefix(redisUrl, prefix);
  });

  it('places 200 simultaneous orders: every one answered 201, stored once, its total exact to the cent', async () => {
    const restaurants = [await insertRestaurant(db), await insertRestaurant(db)];
    const prices = ['0.10', '19.99', '7.35'];
    const items = await Promise.all(restaurants.map((r) => Promise.all(prices.map((price) => insertMenuItem(db, r, { price })))));
    const customers = await Promise.all(Array.from({ length: 20 }, () => insertCustomer(db)));
    const cents = prices.map((price) => Math.round(Number(price) * 100));
    const plans = Array.from({ length: 200 }, (_, index) => {
      const r = index % restaurants.length;
      const quantities = [1 + (index % 99), 1 + (index % 7), 3];
      return {
        customer: customers[index % customers.length],
        body: {
          restaurant_id: restaurants[r],
          delivery_address: `${index} Concurrent Lane`,
          order_items: items[r].map((menu_item_id, line) => ({ menu_item_id, quantity: quantities[line] })),
        },
        cents: quantities.reduce((sum, quantity, line) => sum + quantity * cents[line], 0),
      };
    });

    const responses = await simultaneously(
      '200 orders',
      plans.map((plan, index) => () => placeOrder(via(index), plan.customer, plan.body)),
      [201],
    );

    expect(tally(responses)).toEqual({ 201: 200 });
    expect(responses.map((response) => Math.round(response.body.total_amount * 100))).toEqual(plans.map((plan) => plan.cents));
    const rows = await db.query(
      `SELECT delivery_address, (total_amount * 100)::int AS cents FROM orders WHERE customer_id = ANY($1) ORDER BY id`,
      [customers],
    );
    expect(rows).toHaveLength(200);
    const stored = new Map(rows.map((row: Json) => [row.delivery_address, row.cents]));
    expect(plans.map((plan) => stored.get(plan.body.delivery_address))).toEqual(plans.map((plan) => plan.cents));
    const [{ total }] = await db.query(`SELECT (sum(total_amount) * 100)::bigint::text AS total FROM orders WHERE customer_id = ANY($1)`, [
      customers,
    ]);
    expect(Number(total)).toBe(plans.reduce((sum, plan) => sum + plan.cents, 0));
  });

  it('accepts exactly one of 50 simultaneous reviews of one order; the rating everywhere is that one review', async () => {
    const restaurant = await insertRestaurant(db);
    const item = await insertMenuItem(db, restaurant);
    const customer = await insertCustomer(db);
    const orderId = await orderThrough('delivered', restaurant, customer, item);
    // Both instances hold the restaurant in their L1 before the race.
    for (const app of [a, b]) await app.http.get(`/restaurants/${restaurant}`);

    const responses = await simultaneously(
      '50 reviews of one order',
      Array.from(
        { length: 50 },
        (_, index) => () =>
          via(index).post(`/reviews/orders/${orderId}/review?customer_id=${customer}`, {
            rating: 1 + (index % 5),
            comment: `Try ${index}`,
          }),
      ),
      [201, 409],
    );

    expect(tally(responses)).toEqual({ 201: 1, 409: 49 });
    const winner = responses.find((response) => response.status === 201)!.body;
    const rows = await db.query(`SELECT id, rating FROM reviews WHERE order_id = $1`, [orderId]);
    expect(rows).toEqual([{ id: winner.id, rating: winner.rating }]);
    for (const app of [a, b]) {
      expect((await app.http.get(`/restaurants/${restaurant}`)).body.rating).toBe(winner.rating);
    }
  });

  /** The status history of each order, oldest change first. */
  async function historiesOf(customerId: number): Promise<Map<number, { status: string; steps: string[] }>> {
    const rows = await db.query(
      `SELECT o.id, o.order_status, array_agg(c.to_status::text ORDER BY c.changed_at, c.id) AS steps
         FROM orders o JOIN order_status_changes c ON c.order_id = o.id
        WHERE o.customer_id = $1 GROUP BY o.id`,
      [customerId],
    );
    return new Map(rows.map((row: Json) => [row.id, { status: row.order_status, steps: row.steps }]));
  }

  it('applies exactly one of 20 identical simultaneous changes at every step of the workflow, for 10 orders at once', async () => {
    const restaurant = await insertRestaurant(db);
    const item = await insertMenuItem(db, restaurant);
    const customer = await insertCustomer(db);
    const orders = await Promise.all(Array.from({ length: 10 }, () => orderThrough('placed', restaurant, customer, item)));
    const outcomes: Record<string, Record<number, number>[]> = {};
    for (const next of WORKFLOW) {
      const requests = orders.flatMap((orderId) =>
        Array.from({ length: 20 }, (_, index) => ({
          orderId,
          send: () => via(index).put(`/orders/${orderId}/status`, { order_status: next }),
        })),
      );
      const responses = await simultaneously(
        `${orders.length} orders x 20 changes to ${next}`,
        requests.map((request) => request.send),
        [200, 409],
      );
      outcomes[next] = orders.map((orderId) => tally(responses.filter((_, index) => requests[index].orderId === orderId)));
    }
    expect(outcomes).toEqual(Object.fromEntries(WORKFLOW.map((step) => [step, orders.map(() => ({ 200: 1, 409: 19 }))])));
    const histories = await historiesOf(customer);
    expect([...histories.values()]).toEqual(orders.map(() => ({ status: 'delivered', steps: ['placed', ...WORKFLOW] })));
  });

  it('races confirmations against cancellations: each order moves once per target at most, and its history is exactly the changes answered 200', async () => {
    const restaurant = await insertRestaurant(db);
    const item = await insertMenuItem(db, restaurant);
    const customer = await insertCustomer(db);
    const orders = await Promise.all(Array.from({ length: 10 }, () => orderThrough('placed', restaurant, customer, item)));
    const target = (index: number) => (index % 2 === 0 ? 'confirmed' : 'cancelled');
    const requests = orders.flatMap((orderId) =>
      Array.from({ length: 20 }, (_, index) => ({
        orderId,
        target: target(index),
        send: () => via(index).put(`/orders/${orderId}/status`, { order_status: target(index) }),
      })),
    );
    const responses = await simultaneously(
      `${orders.length} orders x 20 changes to confirmed or cancelled`,
      requests.map((request) => request.send),
      [200, 409],
    );

    // Cancelling is allowed from placed and from confirmed, so a cancellation that arrives after the
    // confirmation committed is a second, legal change; a cancellation that wins first ends the
    // order and every confirmation is refused. Each target applies at most once, and the history
    // holds exactly the changes answered 200.
    const legalOutcomes = [
      { confirmed: 0, cancelled: 1, steps: ['placed', 'cancelled'] },
      { confirmed: 1, cancelled: 0, steps: ['placed', 'confirmed'] },
      { confirmed: 1, cancelled: 1, steps: ['placed', 'confirmed', 'cancelled'] },
    ];
    const histories = await historiesOf(customer);
    for (const orderId of orders) {
      const won = (status: string) =>
        requests.filter((request, index) => request.orderId === orderId && request.target === status && responses[index].status === 200)
          .length;
      const history = histories.get(orderId)!;
      expect(legalOutcomes).toContainEqual({ confirmed: won('confirmed'), cancelled: won('cancelled'), steps: history.steps });
      expect(history.status).toBe(history.steps.at(-1));
    }
  });
});
