import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
// The app first: it loads the entities in an order that resolves their circular imports.
import { startTestApp, type TestApp } from './support/test-app.js';
import { TieredCache } from '../src/cache/tiered-cache.js';
import { expectStatus, type Json, TiffinBuilder } from './support/cascade.js';
import { deleteKeysUnderPrefix } from './support/redis-keys.js';
import { servicesForMultiInstanceSuite } from './support/services.js';
import { SseClient } from './realtime-support.js';
import { TEST_ADMIN_TOKEN } from './support/test-app.js';
import { eventually } from './support/eventually.js';

const ADMIN = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/*
 * Two instances sharing Postgres and Redis: an event stream opened on one instance hears the
 * changes made through the other (Redis pub/sub), and the real-time entries one instance cached
 * are dropped by a change made through the other.
 */

const redisUrl = await servicesForMultiInstanceSuite('test/realtime-instances.e2e-spec.ts');
const describeWithRedis = redisUrl ? describe : describe.skip;

describeWithRedis('real-time across two instances', () => {
  const prefix = `tiffin-realtime-${randomBytes(4).toString('hex')}`;
  let a: TestApp;
  let b: TestApp;
  let build: TiffinBuilder;

  beforeAll(async () => {
    const env = { REDIS_URL: redisUrl!, CACHE_PREFIX: prefix };
    a = await startTestApp({ env });
    b = await startTestApp({ env, database: a.database });
    build = new TiffinBuilder(a.admin);
    // Readiness, not correctness: each instance hears the other once its Redis subscriber is up.
    for (const [name, app] of [
      ['A', a],
      ['B', b],
    ] as const) {
      await eventually(`the Redis bus of ${name}`, () => app.app.get(TieredCache).redis?.busReady, { intervalMs: 25 });
    }
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await deleteKeysUnderPrefix(redisUrl!, prefix);
  });

  it('streams to a client of A each status change made through B', async () => {
    const r = await build.restaurant();
    const dish = await build.menuItem(r.id);
    const customer = await build.customer();
    const order = await build.order(customer.id, r.id, [[dish.id, 1]]);
    const stream = await SseClient.open(`${a.admin.baseUrl}/realtime/orders/${order.id}/events`, ADMIN);
    try {
      expect(await stream.next(1)).toEqual({
        type: 'status',
        data: { order_id: order.id, order_status: 'placed', from_status: null, is_final: false },
      });
      expectStatus(await b.admin.put(`/orders/${order.id}/status`, { order_status: 'confirmed' }), 200, 'confirm through B');
      expect((await stream.next(2)).data).toEqual({
        order_id: order.id,
        order_status: 'confirmed',
        from_status: 'placed',
        is_final: false,
      });
      expectStatus(
        await b.admin.post(`/realtime/update-order-status/${order.id}`, { order_status: 'preparing' }),
        200,
        'prepare through B',
      );
      expect((await stream.next(3)).data).toMatchObject({ order_status: 'preparing', from_status: 'confirmed' });
      await build.setStatus(order.id, 'out_for_delivery', b.admin);
      await build.setStatus(order.id, 'delivered', b.admin);
      expect((await stream.next(5)).data).toMatchObject({ order_status: 'delivered', is_final: true });
      expect(stream.events.map((event) => [event.type, event.data.order_status])).toEqual([
        ['status', 'placed'],
        ['status-changed', 'confirmed'],
        ['status-changed', 'preparing'],
        ['status-changed', 'out_for_delivery'],
        ['status-changed', 'delivered'],
      ]);
      await stream.end();
    } finally {
      stream.close();
    }
  });

  it('drops what A cached for the order, its restaurant and its customer when B changes the order', async () => {
    const r = await build.restaurant({ capacity: 2 });
    const dish = await build.menuItem(r.id, { preparation_time: 15 });
    const customer = await build.customer();
    const order = await build.order(customer.id, r.id, [[dish.id, 1]]);
    const paths = [
      `/realtime/dynamic-pricing/${r.id}`,
      `/realtime/notifications/${customer.id}`,
      `/realtime/order-tracking/${order.id}`,
      '/realtime/live-orders',
    ];
    for (const path of paths) {
      await a.admin.get(path);
      expect([path, (await a.admin.get(path)).headers.get('x-cache')]).toEqual([path, 'HIT-L1']);
    }
    expectStatus(await b.admin.put(`/orders/${order.id}/status`, { order_status: 'cancelled' }), 200, 'cancel through B');
    const [pricing, notifications, tracking, live] = await Promise.all(paths.map((path) => a.admin.get(path)));
    expect(pricing.body).toMatchObject({ orders_in_progress: 0, multiplier: 1 });
    expect(notifications.body.notifications.map((n: Json) => n.kind)).toEqual(['order_cancelled', 'order_placed']);
    expect(tracking.body).toMatchObject({ order_status: 'cancelled', is_final: true });
    expect(live.body.some((group: Json) => group.restaurant_id === r.id)).toBe(false);
  });
});
