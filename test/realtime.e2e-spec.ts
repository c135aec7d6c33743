import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CacheTags as T } from '../src/cache/cache-tags.js';
import { CacheService } from '../src/cache/cache.service.js';
import { TieredCache } from '../src/cache/tiered-cache.js';
import { ShutdownSignal } from '../src/common/lifecycle/shutdown-signal.js';
import { Clock } from '../src/realtime/clock.js';
import { SHUTDOWN_RECONNECT_MS } from '../src/realtime/realtime.service.js';
import { expectStatus, type Json, TiffinBuilder } from './support/cascade.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { SseClient } from './realtime-support.js';
import { HttpClient } from './support/http-client.js';
import { TEST_ADMIN_TOKEN } from './support/test-app.js';

const ADMIN = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/*
 * The real-time routes on one instance: opening hours (also across midnight) at fixed times,
 * capacity, slots, pricing, tracking, notifications, live orders, the status update and the
 * event stream. "Now" is the app's Clock, fixed per test; moving it drops the restaurant's
 * real-time entries, as a new minute would let them expire.
 */

const MINUTE = 60_000;

describe('real-time routes', () => {
  let t: TestApp;
  let build: TiffinBuilder;
  let clock: Clock;
  let cache: CacheService;

  beforeAll(async () => {
    t = await startTestApp();
    build = new TiffinBuilder(t.admin);
    clock = t.app.get(Clock);
    cache = t.app.get(CacheService);
  });
  afterAll(() => t.close());

  /** Fixes "now" and forgets what was computed for the restaurant at another time. */
  async function at(iso: string, restaurantId: number): Promise<void> {
    const now = new Date(iso);
    clock.now = () => now;
    await cache.invalidate([T.restaurantLoad(restaurantId)], 'test: the clock moved');
  }

  const availability = async (id: number) =>
    expectStatus(await t.admin.get(`/realtime/restaurant-availability/${id}`), 200, 'availability');
  const slotsOf = async (id: number) => expectStatus(await t.admin.get(`/realtime/delivery-slots/${id}`), 200, 'slots');
  const pricing = async (id: number) => expectStatus(await t.admin.get(`/realtime/dynamic-pricing/${id}`), 200, 'pricing');

  describe('opening hours (UTC)', () => {
    it('are open across midnight for 18:00-02:00 and closed outside', async () => {
      const r = await build.restaurant({ opening_time: '18:00', closing_time: '02:00' });
      const expectations: [string, boolean][] = [
        ['2024-03-10T17:59:59Z', false],
        ['2024-03-10T18:00:00Z', true],
        ['2024-03-10T23:30:00Z', true],
        ['2024-03-11T00:00:00Z', true],
        ['2024-03-11T01:59:59Z', true],
        ['2024-03-11T02:00:00Z', false],
        ['2024-03-11T12:00:00Z', false],
      ];
      for (const [time, open] of expectations) {
        await at(time, r.id);
        const body = await availability(r.id);
        expect({ time, open: body.open_now, checked_at: body.checked_at }).toEqual({
          time,
          open,
          checked_at: new Date(time).toISOString(),
        });
        expect(body.accepting_orders).toBe(open);
      }
      const body = await availability(r.id);
      expect(body).toMatchObject({ opening_time: '18:00:00', closing_time: '02:00:00', open_all_day: false, timezone: 'UTC' });
    });

    it('are open all day without hours, and closed for an inactive restaurant’s orders', async () => {
      const allDay = await build.restaurant();
      await at('2024-03-10T04:00:00Z', allDay.id);
      expect(await availability(allDay.id)).toMatchObject({ open_now: true, open_all_day: true, opening_time: null });
      const inactive = await build.restaurant({ is_active: false, opening_time: '00:00', closing_time: '23:59' });
      await at('2024-03-10T12:00:00Z', inactive.id);
      expect(await availability(inactive.id)).toMatchObject({ is_active: false, open_now: true, accepting_orders: false });
      expect((await slotsOf(inactive.id)).slots).toEqual([]);
    });

    it('give the next half-hour slots inside the hours, continuing the next evening', async () => {
      const r = await build.restaurant({ opening_time: '18:00', closing_time: '02:00', capacity: 5 });
      await at('2024-03-10T23:05:00Z', r.id);
      const body = await slotsOf(r.id);
      expect(body).toMatchObject({ restaurant_id: r.id, timezone: 'UTC', slot_minutes: 30, capacity: 5, orders_in_progress: 0 });
      expect(body.slots.map((slot: Json) => slot.start)).toEqual([
        '2024-03-10T23:30:00.000Z',
        '2024-03-11T00:00:00.000Z',
        '2024-03-11T00:30:00.000Z',
        '2024-03-11T01:00:00.000Z',
        '2024-03-11T01:30:00.000Z',
        '2024-03-11T18:00:00.000Z',
        '2024-03-11T18:30:00.000Z',
        '2024-03-11T19:00:00.000Z',
      ]);
      expect(body.slots[0]).toEqual({
        start: '2024-03-10T23:30:00.000Z',
        end: '2024-03-11T00:00:00.000Z',
        remaining_capacity: 5,
        available: true,
      });
    });

    it('answer 404 for a missing restaurant and 400 for a bad id', async () => {
      for (const route of ['delivery-slots', 'restaurant-availability', 'dynamic-pricing']) {
        const missing = await t.admin.get(`/realtime/${route}/999999`);
        expect([missing.status, missing.body.message]).toEqual([404, 'Restaurant 999999 not found']);
        const bad = await t.admin.get(`/realtime/${route}/abc`);
        expect(bad.status).toBe(400);
        expect(bad.body.errors[0].field).toBe('restaurant_id');
      }
    });
  });

  describe('load against capacity', () => {
    let r: Json;
    let customer: Json;
    let dish: Json;
    const orders: Json[] = [];

    beforeAll(async () => {
      r = await build.restaurant({ capacity: 4 });
      dish = await build.menuItem(r.id, { preparation_time: 20 });
      await build.menuItem(r.id, { preparation_time: 10 });
      await build.menuItem(r.id, { preparation_time: 90, is_available: false });
      await build.menuItem(r.id);
      customer = await build.customer();
      await at('2024-03-10T12:10:00Z', r.id);
    });

    it('counts orders in progress only, and prices at 1.0 while at most half full', async () => {
      orders.push(await build.order(customer.id, r.id, [[dish.id, 1]]));
      orders.push(await build.order(customer.id, r.id, [[dish.id, 1]], 'confirmed', 'preparing', 'out_for_delivery'));
      await build.order(customer.id, r.id, [[dish.id, 1]], 'cancelled');
      await build.order(customer.id, r.id, [[dish.id, 1]], ...TiffinBuilder.pathTo('delivered'));
      expect(await availability(r.id)).toMatchObject({
        orders_in_progress: 2,
        capacity: 4,
        remaining_capacity: 2,
        utilisation: 0.5,
        accepting_orders: true,
        // Available items with a preparation time: (20 + 10) / 2.
        average_preparation_minutes: 15,
        estimated_wait_minutes: 15,
      });
      expect(await pricing(r.id)).toMatchObject({
        multiplier: 1,
        reason: 'normal_demand',
        orders_in_progress: 2,
        capacity: 4,
        utilisation: 0.5,
      });
      const slots = await slotsOf(r.id);
      expect(slots.slots).toHaveLength(8);
      expect(slots.slots[0].start).toBe('2024-03-10T12:30:00.000Z');
      expect(slots.slots.every((slot: Json) => slot.remaining_capacity === 2 && slot.available)).toBe(true);
    });

    it('is served from the cache until an order changes the load', async () => {
      await pricing(r.id);
      const hit = await t.admin.get(`/realtime/dynamic-pricing/${r.id}`);
      expect(hit.headers.get('x-cache')).toMatch(/^HIT/);
      orders.push(await build.order(customer.id, r.id, [[dish.id, 1]]));
      const after = await t.admin.get(`/realtime/dynamic-pricing/${r.id}`);
      expect(after.headers.get('x-cache')).toBe('MISS');
      expect(after.body).toMatchObject({ orders_in_progress: 3, utilisation: 0.75, multiplier: 1.5, reason: 'high_demand' });
    });

    it('at full capacity leaves no slot capacity, doubles the price and waits a round more', async () => {
      orders.push(await build.order(customer.id, r.id, [[dish.id, 1]]));
      const slots = await slotsOf(r.id);
      expect(slots.orders_in_progress).toBe(4);
      expect(slots.slots.map((slot: Json) => [slot.remaining_capacity, slot.available])).toEqual(Array(8).fill([0, false]));
      expect(await pricing(r.id)).toMatchObject({ multiplier: 2, reason: 'at_capacity', utilisation: 1 });
      expect(await availability(r.id)).toMatchObject({
        remaining_capacity: 0,
        utilisation: 1,
        accepting_orders: false,
        estimated_wait_minutes: 30,
      });
      // Over capacity (placed orders are not refused): still 2.0, and never negative capacity.
      orders.push(await build.order(customer.id, r.id, [[dish.id, 1]]));
      expect(await pricing(r.id)).toMatchObject({ multiplier: 2, utilisation: 1.25 });
      expect((await slotsOf(r.id)).slots[0].remaining_capacity).toBe(0);
    });

    it('frees capacity when an order is cancelled', async () => {
      await build.setStatus(orders.at(-1).id, 'cancelled');
      await build.setStatus(orders.at(-2).id, 'cancelled');
      expect((await slotsOf(r.id)).slots[0].remaining_capacity).toBe(1);
      expect(await pricing(r.id)).toMatchObject({ multiplier: 1.5, utilisation: 0.75 });
    });
  });

  describe('order tracking', () => {
    it('shows the timeline and estimates delivery from the longest preparation + 30 minutes', async () => {
      const r = await build.restaurant();
      const slow = await build.menuItem(r.id, { preparation_time: 25 });
      const fast = await build.menuItem(r.id, { preparation_time: 10 });
      const customer = await build.customer();
      const order = await build.order(
        customer.id,
        r.id,
        [
          [slow.id, 1],
          [fast.id, 2],
        ],
        'confirmed',
        'preparing',
      );
      const tracking = expectStatus(await t.admin.get(`/realtime/order-tracking/${order.id}`), 200, 'tracking');
      const history = await t.db.query(`SELECT to_status, changed_at FROM order_status_changes WHERE order_id = $1 ORDER BY id`, [
        order.id,
      ]);
      expect(tracking).toEqual({
        order_id: order.id,
        customer_id: customer.id,
        restaurant_id: r.id,
        order_status: 'preparing',
        is_final: false,
        order_date: order.order_date,
        timeline: [
          { status: 'placed', from_status: null, changed_at: history[0].changed_at.toISOString() },
          { status: 'confirmed', from_status: 'placed', changed_at: history[1].changed_at.toISOString() },
          { status: 'preparing', from_status: 'confirmed', changed_at: history[2].changed_at.toISOString() },
        ],
        estimated_delivery_time: new Date(Date.parse(order.order_date) + (25 + 30) * MINUTE).toISOString(),
        estimate_basis: 'preparation_and_delivery',
        longest_preparation_minutes: 25,
        delivery_time: null,
      });
      const entry = t.app.get(TieredCache).l1.peek(`deliveries:realtime-order-tracking:${order.id}`);
      if (entry) expect(entry.ttlMs).toBe(30_000);

      await build.setStatus(order.id, 'out_for_delivery');
      const deliveredAt = new Date().toISOString();
      const delivered = await t.admin.post(`/realtime/update-order-status/${order.id}`, {
        order_status: 'delivered',
        delivery_time: deliveredAt,
      });
      expect(delivered.status).toBe(200);
      const final = expectStatus(await t.admin.get(`/realtime/order-tracking/${order.id}`), 200, 'tracking after delivery');
      expect(final).toMatchObject({
        order_status: 'delivered',
        is_final: true,
        estimated_delivery_time: deliveredAt,
        estimate_basis: 'delivered',
        delivery_time: deliveredAt,
      });
      expect(final.timeline.map((step: Json) => step.status)).toEqual([
        'placed',
        'confirmed',
        'preparing',
        'out_for_delivery',
        'delivered',
      ]);
      expect(final.timeline.at(-1).changed_at).toBe(deliveredAt);
      const finalEntry = t.app.get(TieredCache).l1.peek(`deliveries:realtime-order-tracking:${order.id}`);
      if (finalEntry) expect(finalEntry.ttlMs).toBe(120_000);
    });

    it('has no estimate for a cancelled order and answers 404 for a missing one', async () => {
      const r = await build.restaurant();
      const dish = await build.menuItem(r.id);
      const customer = await build.customer();
      const order = await build.order(customer.id, r.id, [[dish.id, 1]], 'cancelled');
      expect(expectStatus(await t.admin.get(`/realtime/order-tracking/${order.id}`), 200, 'tracking')).toMatchObject({
        is_final: true,
        estimated_delivery_time: null,
        estimate_basis: 'cancelled',
        longest_preparation_minutes: null,
      });
      const missing = await t.admin.get('/realtime/order-tracking/999999');
      expect([missing.status, missing.body.message]).toEqual([404, 'Order 999999 not found']);
      expect((await t.admin.get('/realtime/order-tracking/0')).status).toBe(400);
    });
  });

  describe('notifications', () => {
    let r: Json;
    let dish: Json;
    let customer: Json;
    let first: Json;
    const list = async (query = '') => t.admin.get(`/realtime/notifications/${customer.id}${query}`);

    beforeAll(async () => {
      r = await build.restaurant();
      dish = await build.menuItem(r.id);
      customer = await build.customer();
    });

    it('records one when an order is placed and serves the list from the cache', async () => {
      first = await build.order(customer.id, r.id, [[dish.id, 1]]);
      const response = await list();
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ customer_id: customer.id, total: 1, unread_count: 1, read_count: 0, skip: 0, limit: 50 });
      expect(response.body.notifications).toEqual([
        {
          id: expect.any(Number),
          order_id: first.id,
          kind: 'order_placed',
          title: 'Order placed',
          message: `Your order #${first.id} from ${r.name} has been placed.`,
          is_read: false,
          created_at: expect.any(String),
          read_at: null,
        },
      ]);
      expect((await list()).headers.get('x-cache')).toMatch(/^HIT/);
    });

    it('adds one per status change, newest first, dropping the cached list each time', async () => {
      await build.setStatus(first.id, 'confirmed');
      let body = (await list()).body;
      expect(body.notifications.map((n: Json) => n.kind)).toEqual(['order_confirmed', 'order_placed']);
      expect(body.notifications[0].message).toBe(`${r.name} confirmed your order #${first.id}.`);
      // A second order: placing one is not in the cache rules for notifications; the subscriber drops them itself.
      const second = await build.order(customer.id, r.id, [[dish.id, 2]]);
      body = (await list()).body;
      expect(body.notifications.map((n: Json) => [n.order_id, n.kind])).toEqual([
        [second.id, 'order_placed'],
        [first.id, 'order_confirmed'],
        [first.id, 'order_placed'],
      ]);
      const stored = await t.db.query(`SELECT id FROM notifications WHERE customer_id = $1 ORDER BY created_at DESC, id DESC`, [
        customer.id,
      ]);
      expect(body.notifications.map((n: Json) => n.id)).toEqual(stored.map((row: Json) => row.id));
      expect(body).toMatchObject({ total: 3, unread_count: 3 });
    });

    it('commits each with its change: a status change whose notification cannot be stored does not happen', async () => {
      const order = await build.order((await build.customer()).id, r.id, [[dish.id, 1]]);
      const before = await t.db.query(`SELECT count(*)::int AS n FROM notifications WHERE order_id = $1`, [order.id]);
      // Only for this test: the table refuses the cancellation's notification, as a failing insert would.
      await t.db.query(`ALTER TABLE notifications ADD CONSTRAINT test_refuses_cancelled CHECK (kind <> 'order_cancelled') NOT VALID`);
      try {
        // Outside the contract client: the refused insert is an unexpected failure (a 500), which no operation documents.
        const raw = new HttpClient(t.http.baseUrl, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
        expect((await raw.put(`/orders/${order.id}/status`, { order_status: 'cancelled' })).status).toBe(500);
      } finally {
        await t.db.query(`ALTER TABLE notifications DROP CONSTRAINT test_refuses_cancelled`);
      }
      const [row] = await t.db.query(`SELECT order_status FROM orders WHERE id = $1`, [order.id]);
      expect(row.order_status).toBe('placed');
      const after = await t.db.query(`SELECT count(*)::int AS n FROM notifications WHERE order_id = $1`, [order.id]);
      expect(after[0].n).toBe(before[0].n);
      expect((await t.admin.put(`/orders/${order.id}/status`, { order_status: 'cancelled' })).status).toBe(200);
      const kinds = await t.db.query(`SELECT kind FROM notifications WHERE order_id = $1 ORDER BY id`, [order.id]);
      expect(kinds.map((n: Json) => n.kind)).toEqual(['order_placed', 'order_cancelled']);
    });

    it('pages with skip and limit and refuses bad paging', async () => {
      const page = (await list('?skip=1&limit=1')).body;
      expect(page).toMatchObject({ total: 3, skip: 1, limit: 1 });
      expect(page.notifications.map((n: Json) => n.kind)).toEqual(['order_confirmed']);
      expect((await list('?limit=101')).status).toBe(400);
      expect((await list('?skip=-1')).status).toBe(400);
      expect((await list('?unread=true')).status).toBe(400);
    });

    it('marks the listed ones read, then all, never another customer’s', async () => {
      const before = (await list()).body.notifications;
      const other = await build.customer();
      const foreign = await t.admin.put(`/realtime/notifications/${other.id}`, { notification_ids: [before[0].id] });
      expect(foreign.body).toEqual({ customer_id: other.id, marked_read: 0, unread_count: 0 });

      const marked = await t.admin.put(`/realtime/notifications/${customer.id}`, { notification_ids: [before[0].id, before[2].id] });
      expect(marked.status).toBe(200);
      expect(marked.body).toEqual({ customer_id: customer.id, marked_read: 2, unread_count: 1 });
      const after = (await list()).body;
      expect(after).toMatchObject({ unread_count: 1, read_count: 2 });
      expect(after.notifications.map((n: Json) => n.is_read)).toEqual([true, false, true]);
      expect(after.notifications[0].read_at).toEqual(expect.any(String));

      const all = await t.admin.put(`/realtime/notifications/${customer.id}`, {});
      expect(all.body).toEqual({ customer_id: customer.id, marked_read: 1, unread_count: 0 });
      const noBody = await t.admin.put(`/realtime/notifications/${customer.id}`);
      expect(noBody.body).toEqual({ customer_id: customer.id, marked_read: 0, unread_count: 0 });
      expect((await list()).body).toMatchObject({ unread_count: 0, read_count: 3 });
    });

    it('refuses bad bodies and answers 404 for a missing customer', async () => {
      for (const body of [
        { notification_ids: [] },
        { notification_ids: ['x'] },
        { notification_ids: [0] },
        { notification_ids: 3 },
        { all: true },
      ]) {
        const response = await t.admin.put(`/realtime/notifications/${customer.id}`, body);
        expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
      }
      for (const method of ['get', 'put'] as const) {
        const missing = await t.admin[method]('/realtime/notifications/999999');
        expect([missing.status, missing.body.message]).toEqual([404, 'Customer 999999 not found']);
      }
    });
  });

  describe('live orders', () => {
    it('lists every order not yet final, grouped by restaurant, newest first', async () => {
      const [r1, r2] = [await build.restaurant(), await build.restaurant()];
      const [d1, d2] = [await build.menuItem(r1.id, { price: 10 }), await build.menuItem(r2.id, { price: 7.5 })];
      const customer = await build.customer();
      const a = await build.order(customer.id, r1.id, [[d1.id, 2]]);
      const b = await build.order(customer.id, r1.id, [[d1.id, 1]], 'confirmed', 'preparing');
      await build.order(customer.id, r1.id, [[d1.id, 1]], ...TiffinBuilder.pathTo('delivered'));
      await build.order(customer.id, r2.id, [[d2.id, 1]], 'cancelled');
      const c = await build.order(customer.id, r2.id, [[d2.id, 3]], 'confirmed', 'preparing', 'out_for_delivery');

      const ours = (body: Json[]) => body.filter((group) => [r1.id, r2.id].includes(group.restaurant_id));
      const live = expectStatus(await t.admin.get('/realtime/live-orders'), 200, 'live orders');
      const row = (order: Json, status: string, total: number) => ({
        id: order.id,
        order_status: status,
        order_date: order.order_date,
        customer_id: customer.id,
        total_amount: total,
      });
      expect(ours(live)).toEqual([
        { restaurant_id: r1.id, restaurant_name: r1.name, order_count: 2, orders: [row(b, 'preparing', 10), row(a, 'placed', 20)] },
        { restaurant_id: r2.id, restaurant_name: r2.name, order_count: 1, orders: [row(c, 'out_for_delivery', 22.5)] },
      ]);
      const ids = live.map((group: Json) => group.restaurant_id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM orders WHERE order_status NOT IN ('delivered', 'cancelled')`);
      expect(live.reduce((sum: number, group: Json) => sum + group.order_count, 0)).toBe(n);

      await build.setStatus(c.id, 'delivered');
      const after = expectStatus(await t.admin.get('/realtime/live-orders'), 200, 'live orders after delivery');
      expect(ours(after).map((group: Json) => group.restaurant_id)).toEqual([r1.id]);
    });
  });

  describe('update-order-status', () => {
    let r: Json;
    let dish: Json;
    let customer: Json;

    beforeAll(async () => {
      r = await build.restaurant();
      dish = await build.menuItem(r.id);
      customer = await build.customer();
    });

    it('moves the order one step and answers the order as PUT /orders/{id}/status does', async () => {
      const order = await build.order(customer.id, r.id, [[dish.id, 1]]);
      const response = await t.admin.post(`/realtime/update-order-status/${order.id}`, { order_status: 'confirmed' });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ...order, order_status: 'confirmed' });
      expect(response.body).toEqual(expectStatus(await t.admin.get(`/orders/${order.id}`), 200, 'the order'));
    });

    it('refuses what PUT refuses, with the same statuses and messages', async () => {
      const viaPost = await build.order(customer.id, r.id, [[dish.id, 1]], ...TiffinBuilder.pathTo('delivered'));
      const viaPut = await build.order(customer.id, r.id, [[dish.id, 1]], ...TiffinBuilder.pathTo('delivered'));
      const open = await build.order(customer.id, r.id, [[dish.id, 1]]);
      const cases: [number, Json][] = [
        [viaPost.id, { order_status: 'preparing' }],
        [open.id, { order_status: 'delivered' }],
        [open.id, { order_status: 'confirmed', delivery_time: '2024-01-15T18:30:00Z' }],
        [open.id, { order_status: 'eaten' }],
        [open.id, { order_status: 'confirmed', note: 'x' }],
        [999999, { order_status: 'confirmed' }],
      ];
      for (const [id, body] of cases) {
        const post = await t.admin.post(`/realtime/update-order-status/${id}`, body);
        const putId = id === viaPost.id ? viaPut.id : id;
        const put = await t.admin.put(`/orders/${putId}/status`, body);
        expect(post.status).toBeGreaterThanOrEqual(400);
        expect([post.status, String(post.body.message).replace(String(viaPost.id), 'N'), post.body.errors]).toEqual([
          put.status,
          String(put.body.message).replace(String(viaPut.id), 'N'),
          put.body.errors,
        ]);
      }
      expect((await t.admin.post('/realtime/update-order-status/abc', { order_status: 'confirmed' })).status).toBe(400);
    });
  });

  describe('order events (server-sent)', () => {
    it('sends the current status, each change, and ends after the final one', async () => {
      const r = await build.restaurant();
      const dish = await build.menuItem(r.id);
      const customer = await build.customer();
      const order = await build.order(customer.id, r.id, [[dish.id, 1]], 'confirmed');
      const stream = await SseClient.open(`${t.admin.baseUrl}/realtime/orders/${order.id}/events`, ADMIN);
      try {
        expect([stream.status, stream.contentType]).toEqual([200, expect.stringContaining('text/event-stream')]);
        expect(await stream.next(1)).toEqual({
          type: 'status',
          data: { order_id: order.id, order_status: 'confirmed', from_status: null, is_final: false },
        });
        await build.setStatus(order.id, 'preparing');
        expect(await stream.next(2)).toEqual({
          type: 'status-changed',
          data: { order_id: order.id, order_status: 'preparing', from_status: 'confirmed', is_final: false },
        });
        await t.admin.post(`/realtime/update-order-status/${order.id}`, { order_status: 'cancelled' });
        expect((await stream.next(3)).data).toMatchObject({ order_status: 'cancelled', is_final: true });
        await stream.end();
        expect(stream.events).toHaveLength(3);
      } finally {
        stream.close();
      }
    });

    it('ends every open stream with a "reconnect" event when the instance starts shutting down, and at once a stream opened after', async () => {
      // Its own app: the shutdown signal is raised once per process.
      const closing = await startTestApp();
      try {
        const builder = new TiffinBuilder(closing.admin);
        const r = await builder.restaurant();
        const dish = await builder.menuItem(r.id);
        const customer = await builder.customer();
        const orders = [await builder.order(customer.id, r.id, [[dish.id, 1]]), await builder.order(customer.id, r.id, [[dish.id, 1]])];
        const streams = await Promise.all(
          orders.map((order) => SseClient.open(`${closing.admin.baseUrl}/realtime/orders/${order.id}/events`, ADMIN)),
        );
        await Promise.all(streams.map((stream) => stream.next(1)));

        closing.app.get(ShutdownSignal).begin();
        for (const [index, stream] of streams.entries()) {
          const order_id = orders[index].id;
          expect(await stream.next(2)).toEqual({
            type: 'reconnect',
            retry: SHUTDOWN_RECONNECT_MS,
            data: { order_id, reason: 'This instance is shutting down' },
          });
          await stream.end();
        }
        const late = await SseClient.open(`${closing.admin.baseUrl}/realtime/orders/${orders[0].id}/events`, ADMIN);
        await late.end();
        expect(late.events).toEqual([
          { type: 'reconnect', retry: SHUTDOWN_RECONNECT_MS, data: { order_id: orders[0].id, reason: 'This instance is shutting down' } },
        ]);
      } finally {
        await closing.close();
      }
    });

    it('answers 404 for a missing order before any event', async () => {
      const stream = await SseClient.open(`${t.admin.baseUrl}/realtime/orders/999999/events`, ADMIN);
      expect([stream.status, stream.errorBody.message]).toEqual([404, 'Order 999999 not found']);
      const bad = await SseClient.open(`${t.admin.baseUrl}/realtime/orders/x/events`, ADMIN);
      expect([bad.status, bad.errorBody.errors]).toEqual([
        400,
        [{ field: 'order_id', rule: 'id', message: 'order_id must be an integer between 1 and 2147483647' }],
      ]);
    });
  });
});
