import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomInt } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { type Json, TiffinBuilder } from '../support/cascade.js';
import { integrityViolations } from '../support/faults/integrity.js';
import { percentile } from '../support/faults/load.js';
import type { HttpClient, HttpResponse } from '../support/http-client.js';
import { deleteKeysUnderPrefix } from '../support/redis-keys.js';
import { servicesForMultiInstanceSuite } from '../support/services.js';
import { AppProcess } from '../support/faults/app-process.js';
import { sqlTo } from '../support/faults/catalogue.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';

/*
 * Two instances sharing Redis and Postgres, 10,000 randomised writes and reads across both: the
 * 150-step run of test/cache.e2e-spec.ts at scale and over every kind of entity. Lanes run side by
 * side, each owning its own restaurant, menu items, customers and orders, so each lane knows what
 * every read must answer: the last acknowledged write, whichever instance took it. A read that
 * answers anything else is a stale read; at the end the database must hold every acknowledged
 * write (no lost write).
 */

const redisUrl = await servicesForMultiInstanceSuite('test/faults/instances.fault-spec.ts');
const describeWithServices = redisUrl ? describe : describe.skip;

const REQUESTS = 10_000;
const LANES = 24;
const WORKFLOW = ['placed', 'confirmed', 'preparing', 'out_for_delivery', 'delivered'];

/** What a lane has been told by acknowledged writes. */
interface Lane {
  random: () => number;
  restaurant: { id: number; description: string };
  items: { id: number; price: number }[];
  customers: { id: number; name: string }[];
  /** By customer id: the orders placed for them, newest last, with their status. */
  orders: Map<number, { id: number; status: string }[]>;
}

describeWithServices(`two instances sharing Redis and Postgres: ${REQUESTS} randomised writes and reads`, () => {
  const prefix = `tiffin-faults-${randomBytes(4).toString('hex')}`;
  const seed = randomInt(2 ** 31);
  let database: ScratchDatabase;
  let sql: DataSource;
  let a: AppProcess;
  let b: AppProcess;
  const stale: string[] = [];
  const failed: string[] = [];
  const ms: number[] = [];
  let sent = 0;
  let writes = 0;
  let lanes: Lane[];

  /** A small seeded generator per lane: a failing lane's choices can be replayed from the seed. */
  const generator = (laneSeed: number) => {
    let state = laneSeed % 2 ** 31;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31;
    };
  };
  const pick = <T>(lane: Lane, values: T[]): T => values[Math.floor(lane.random() * values.length)];
  const instance = (lane: Lane): [string, HttpClient] => (lane.random() < 0.5 ? ['A', a.admin] : ['B', b.admin]);

  async function send(what: string, call: () => Promise<HttpResponse>, expected: number): Promise<HttpResponse | undefined> {
    const started = performance.now();
    const response = await call();
    ms.push(performance.now() - started);
    sent++;
    if (response.status !== expected) {
      failed.push(`${what}: ${response.status} ${response.text.slice(0, 200)}`);
      return undefined;
    }
    return response;
  }

  /** The instance and moment of the last acknowledged write of each entity, for the report of a stale read. */
  const lastWrite = new Map<string, string>();
  const wrote = (entity: string, instanceName: string) => lastWrite.set(entity, `${instanceName} at ${new Date().toISOString()}`);

  /** Compares what a read answered with what the lane was told; records a stale read when they differ. */
  function check(where: string, response: HttpResponse, entity: string, served: unknown, expected: unknown): void {
    if (JSON.stringify(served) !== JSON.stringify(expected)) {
      stale.push(
        `${where} [X-Cache ${response.headers.get('x-cache')}, read at ${new Date().toISOString()}]: served ${JSON.stringify(served)}, ` +
          `the last acknowledged write (through ${lastWrite.get(entity) ?? '-'}) says ${JSON.stringify(expected)}`,
      );
    }
  }

  async function write(lane: Lane, step: number): Promise<void> {
    const [name, http] = instance(lane);
    const dice = lane.random();
    writes++;
    if (dice < 0.3) {
      const customer = pick(lane, lane.customers);
      const renamed = `Customer ${step} ${name}`;
      if (await send(`${name} PUT customer`, () => http.put(`/customers/${customer.id}`, { name: renamed }), 200)) {
        customer.name = renamed;
        wrote(`customer ${customer.id}`, name);
      }
    } else if (dice < 0.5) {
      const item = pick(lane, lane.items);
      const price = Math.round((5 + lane.random() * 20) * 100) / 100;
      if (await send(`${name} PUT menu item`, () => http.put(`/menu-items/${item.id}`, { price }), 200)) {
        item.price = price;
        wrote(`menu item ${item.id}`, name);
        wrote(`restaurant ${lane.restaurant.id}`, name);
      }
    } else if (dice < 0.6) {
      const description = `Described at step ${step} through ${name}`;
      const response = await send(`${name} PUT restaurant`, () => http.put(`/restaurants/${lane.restaurant.id}`, { description }), 200);
      if (response) {
        lane.restaurant.description = description;
        wrote(`restaurant ${lane.restaurant.id}`, name);
      }
    } else if (dice < 0.8) {
      const customer = pick(lane, lane.customers);
      const [first, second] = lane.items;
      const body = {
        restaurant_id: lane.restaurant.id,
        delivery_address: `${step} Lane Road`,
        order_items: [
          { menu_item_id: first.id, quantity: 1 + (step % 3) },
          { menu_item_id: second.id, quantity: 1 },
        ],
      };
      const response = await send(`${name} POST order`, () => http.post(`/orders/customers/${customer.id}/orders`, body), 201);
      if (response) {
        lane.orders.get(customer.id)!.push({ id: response.body.id, status: 'placed' });
        wrote(`orders of ${customer.id}`, name);
      }
    } else {
      const open = [...lane.orders.values()].flat().filter((order) => order.status !== 'delivered');
      if (open.length === 0) return;
      const order = pick(lane, open);
      const next = WORKFLOW[WORKFLOW.indexOf(order.status) + 1];
      const response = await send(`${name} PUT order status`, () => http.put(`/orders/${order.id}/status`, { order_status: next }), 200);
      if (response) {
        order.status = next;
        wrote(`order ${order.id}`, name);
        wrote(`orders of ${[...lane.orders].find(([, orders]) => orders.includes(order))![0]}`, name);
      }
    }
  }

  async function read(lane: Lane): Promise<void> {
    const [name, http] = instance(lane);
    const dice = lane.random();
    const get = async (path: string) => send(`${name} GET ${path}`, () => http.get(path), 200);
    if (dice < 0.15) {
      const customer = pick(lane, lane.customers);
      const response = await get(`/customers/${customer.id}`);
      if (response)
        check(`${name} GET /customers/${customer.id} name`, response, `customer ${customer.id}`, response.body.name, customer.name);
    } else if (dice < 0.25) {
      const response = await get('/customers?limit=100');
      if (response) {
        const listed = new Map((response.body as Json[]).map((row) => [row.id, row.name]));
        for (const customer of lane.customers) {
          check(
            `${name} GET /customers row ${customer.id} name`,
            response,
            `customer ${customer.id}`,
            listed.get(customer.id),
            customer.name,
          );
        }
      }
    } else if (dice < 0.4) {
      const item = pick(lane, lane.items);
      const response = await get(`/menu-items/${item.id}`);
      if (response) check(`${name} GET /menu-items/${item.id} price`, response, `menu item ${item.id}`, response.body.price, item.price);
    } else if (dice < 0.5) {
      const response = await get(`/restaurants/${lane.restaurant.id}/menu`);
      const prices = (body: Json[]) => body.map((row) => [row.id, row.price]).sort(([x], [y]) => x - y);
      if (response) {
        const expected = lane.items.map((item) => [item.id, item.price]);
        check(
          `${name} GET /restaurants/${lane.restaurant.id}/menu`,
          response,
          `restaurant ${lane.restaurant.id}`,
          prices(response.body),
          expected,
        );
      }
    } else if (dice < 0.65) {
      const response = await get(`/restaurants/${lane.restaurant.id}/with-menu`);
      if (response) {
        check(
          `${name} GET /restaurants/${lane.restaurant.id}/with-menu`,
          response,
          `restaurant ${lane.restaurant.id}`,
          [
            response.body.description,
            response.body.menu_items.map((row: Json) => [row.id, row.price]).sort(([x]: number[], [y]: number[]) => x - y),
          ],
          [lane.restaurant.description, lane.items.map((item) => [item.id, item.price])],
        );
      }
    } else if (dice < 0.75) {
      const response = await get(`/restaurants/${lane.restaurant.id}`);
      if (response) {
        const where = `${name} GET /restaurants/${lane.restaurant.id} description`;
        check(where, response, `restaurant ${lane.restaurant.id}`, response.body.description, lane.restaurant.description);
      }
    } else if (dice < 0.88) {
      const order = pick(lane, [...lane.orders.values()].flat());
      if (!order) return;
      const response = await get(`/orders/${order.id}`);
      if (response)
        check(`${name} GET /orders/${order.id} status`, response, `order ${order.id}`, response.body.order_status, order.status);
    } else {
      const customer = pick(lane, lane.customers);
      const response = await get(`/customers/${customer.id}/orders?limit=100`);
      if (response) {
        const served = (response.body as Json[]).map((row) => [row.id, row.order_status]).sort(([x], [y]) => x - y);
        const expected = lane.orders.get(customer.id)!.map((order) => [order.id, order.status]);
        check(
          `${name} GET /customers/${customer.id}/orders`,
          response,
          `orders of ${customer.id}`,
          [response.headers.get('x-total-count'), served],
          [String(expected.length), expected],
        );
      }
    }
  }

  async function arrangeLane(build: TiffinBuilder, laneSeed: number): Promise<Lane> {
    const restaurant = await build.restaurant({ description: 'Before any write' });
    const items = [await build.menuItem(restaurant.id, { price: 10 }), await build.menuItem(restaurant.id, { price: 12.5 })];
    const customers = [await build.customer(), await build.customer()];
    return {
      random: generator(laneSeed),
      restaurant: { id: restaurant.id, description: restaurant.description },
      items: items.map((item: Json) => ({ id: item.id, price: item.price })),
      customers: customers.map((customer: Json) => ({ id: customer.id, name: customer.name })),
      orders: new Map(customers.map((customer: Json) => [customer.id, []])),
    };
  }

  beforeAll(async () => {
    database = await createScratchDatabase();
    // Each instance in its own process, as deployed: the test process only sends requests.
    const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl!, CACHE_PREFIX: prefix };
    a = await AppProcess.start(env);
    b = await AppProcess.start(env);
    sql = await sqlTo(database.url);
    const build = new TiffinBuilder(a.admin);
    lanes = [];
    for (let lane = 0; lane < LANES; lane++) lanes.push(await arrangeLane(build, seed + lane));

    const started = Date.now();
    let step = 0;
    await Promise.all(
      lanes.map(async (lane) => {
        while (sent < REQUESTS) {
          step++;
          // A write is followed by reads, through either instance, right after its answer.
          if (lane.random() < 0.25) await write(lane, step);
          await read(lane);
        }
      }),
    );
    console.log(
      `Two instances, ${LANES} lanes, seed ${seed}: ${sent} requests (${writes} writes) in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
        `p50 ${percentile(ms, 0.5).toFixed(1)} ms, p99 ${percentile(ms, 0.99).toFixed(1)} ms; ${failed.length} failed, ${stale.length} stale reads`,
    );
  }, 180_000);

  afterAll(async () => {
    if (stale.length > 0) {
      // The cache's own account of the moments around a stale read: Redis timeouts, deferred or unconfirmed invalidations.
      for (const [name, app] of [
        ['A', a],
        ['B', b],
      ] as const) {
        const lines = app.output.split('\n').filter((line) => /Redis|invalidat|confirmed|bus/i.test(line));
        console.log(`${name}'s cache warnings (${lines.length}, the last 30):\n${lines.slice(-30).join('\n')}`);
      }
    }
    await b?.stop();
    await a?.stop();
    await sql?.destroy();
    await database?.drop();
    if (redisUrl) await deleteKeysUnderPrefix(redisUrl, prefix);
  });

  it(`sent ${REQUESTS} requests and every one was answered as expected`, () => {
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);
    expect(failed.slice(0, 10)).toEqual([]);
  });

  it('never served a stale read: every read matched the last acknowledged write', () => {
    expect(stale.slice(0, 10)).toEqual([]);
  });

  it('lost no write: the database holds every acknowledged one', async () => {
    const lost: string[] = [];
    for (const lane of lanes) {
      const [restaurant] = await sql.query(`SELECT description FROM restaurants WHERE id = $1`, [lane.restaurant.id]);
      if (restaurant.description !== lane.restaurant.description) lost.push(`restaurant ${lane.restaurant.id} description`);
      for (const item of lane.items) {
        const [row] = await sql.query(`SELECT price::text AS price FROM menu_items WHERE id = $1`, [item.id]);
        if (Number(row.price) !== item.price) lost.push(`menu item ${item.id} price ${row.price}, acknowledged ${item.price}`);
      }
      for (const customer of lane.customers) {
        const [row] = await sql.query(`SELECT name FROM customers WHERE id = $1`, [customer.id]);
        if (row.name !== customer.name) lost.push(`customer ${customer.id} name ${row.name}, acknowledged ${customer.name}`);
        const orders = await sql.query(`SELECT id, order_status FROM orders WHERE customer_id = $1 ORDER BY id`, [customer.id]);
        const expected = lane.orders.get(customer.id)!.map((order) => ({ id: order.id, order_status: order.status }));
        if (JSON.stringify(orders) !== JSON.stringify(expected)) lost.push(`customer ${customer.id} orders ${JSON.stringify(orders)}`);
      }
    }
    expect(lost.slice(0, 10)).toEqual([]);
  });

  it('leaves the data whole (integrity check in SQL)', async () => {
    expect(await integrityViolations(sql)).toEqual([]);
  });
});
