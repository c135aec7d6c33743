import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
// The app first: it loads the entities in an order that resolves their circular imports.
import { startTestApp, type TestApp } from './support/test-app.js';
import { CacheAuditService } from '../src/cache-ops/maintenance/cache-audit.service.js';
import { OrderStatus } from '../src/domain/order-status.js';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import { OrderPlaced, OrderStatusChanged, ReviewAdded, type DomainEventType } from '../src/events/domain-events.js';
import { fromOutboxEvent, type OutboxEvent } from '../src/events/invalidation-outbox.js';
import { OrdersRepository } from '../src/orders/orders.repository.js';
import { ReviewsRepository } from '../src/reviews/reviews.repository.js';
import { expectStatus, type Json, TiffinBuilder } from './support/cascade.js';
import { QUIET_JOBS_ENV } from './support/jobs.js';
import { deleteKeysUnderPrefix } from './support/redis-keys.js';
import { eventually } from './support/eventually.js';
import { servicesForMultiInstanceSuite } from './support/services.js';

/*
 * The cache invalidation outbox over two instances sharing Redis and Postgres. Every write leaves
 * an outbox row in its transaction, deleted with the audit records of its invalidation. A row
 * left behind (the writing process died between its commit and its invalidation) is replayed by
 * the outbox-replay job, run by hand or at an instance's start-up: the stale entries go on every
 * instance, the replay is audited under the job's cause, and the row is deleted.
 */

const redisUrl = await servicesForMultiInstanceSuite('test/cache-invalidation-outbox.e2e-spec.ts');
const describeWithRedis = redisUrl ? describe : describe.skip;

interface AuditRow {
  cause: string;
  action: string;
  tags: string[];
  reason: string;
}

describeWithRedis('cache invalidation outbox', () => {
  const prefix = `tiffin-outbox-${randomBytes(4).toString('hex')}`;
  let a: TestApp;
  let b: TestApp;
  let build: TiffinBuilder;

  const outboxRows = async (): Promise<{ id: string; event: OutboxEvent }[]> =>
    a.db.query('SELECT id::text AS id, event FROM cache_invalidation_outbox ORDER BY id');
  const auditSince = async (id: string): Promise<AuditRow[]> =>
    a.db.query('SELECT cause, action, tags, reason FROM cache_audit_log WHERE id > $1 ORDER BY id', [id]);
  const lastAuditId = async (): Promise<string> => (await a.db.query(`SELECT coalesce(max(id), 0)::text AS id FROM cache_audit_log`))[0].id;
  /** Both instances' queued audit records written. */
  const auditSettled = () => Promise.all([a, b].map((app) => app.app.get(CacheAuditService).settled()));

  /** A restaurant read on both instances until each serves it from its L1 (so it is in Redis too). */
  async function cachedOnBoth(path: string): Promise<void> {
    for (const app of [a, b]) {
      expectStatus(await app.admin.get(path), 200, `GET ${path}`);
      expect((await app.admin.get(path)).headers.get('x-cache')).toBe('HIT-L1');
    }
  }

  /**
   * What a process that died right after its commit leaves: the restaurant renamed in a
   * transaction with its outbox row, and no invalidation. `age` backdates the row.
   */
  async function renameBehindTheApp(restaurantId: number, name: string, age: string): Promise<void> {
    await a.db.transaction(async (manager) => {
      await manager.query('UPDATE restaurants SET name = $1, updated_at = now() WHERE id = $2', [name, restaurantId]);
      await manager.query(`INSERT INTO cache_invalidation_outbox (event, created_at) VALUES ($1, now() - $2::interval)`, [
        JSON.stringify({ type: 'restaurant.changed', restaurant_id: restaurantId, kind: 'updated' }),
        age,
      ]);
    });
  }

  beforeAll(async () => {
    const env = { REDIS_URL: redisUrl!, CACHE_PREFIX: prefix };
    a = await startTestApp({ env });
    b = await startTestApp({ env, database: a.database });
    build = new TiffinBuilder(a.admin);
    // L1 is used only once an instance's invalidation bus is up.
    const { id } = await build.restaurant();
    for (const app of [a, b]) {
      await eventually(
        'the instance to serve from L1 (is its invalidation bus up?)',
        async () => (await app.admin.get(`/restaurants/${id}`)).headers.get('x-cache') === 'HIT-L1',
      );
    }
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await deleteKeysUnderPrefix(redisUrl!, prefix);
  });

  it('every kind of write records its event in the outbox, and the row goes with the audit of its invalidation', async () => {
    const published: { type: DomainEventType; outboxId: string | null }[] = [];
    const bus = a.app.get(DomainEventBus);
    for (const type of [
      'restaurant.changed',
      'menu-item.changed',
      'customer.changed',
      'order.placed',
      'order.status-changed',
      'review.added',
      'notifications.read',
    ] as const) {
      bus.subscribe(type, (event, outboxId) => void published.push({ type: event.type, outboxId }));
    }
    await auditSettled();
    const [{ last_value: before }] = await a.db.query('SELECT last_value::text FROM cache_invalidation_outbox_id_seq');
    const auditBefore = await lastAuditId();

    const restaurant = await build.restaurant();
    expectStatus(await a.admin.put(`/restaurants/${restaurant.id}`, { description: 'Renamed' }), 200, 'updating the restaurant');
    const item = await build.menuItem(restaurant.id);
    expectStatus(await a.admin.put(`/menu-items/${item.id}`, { price: 13 }), 200, 'updating the item');
    const spare = await build.menuItem(restaurant.id);
    expectStatus(await a.admin.delete(`/menu-items/${spare.id}`), 204, 'deleting the item');
    const customer = await build.customer();
    expectStatus(await a.admin.put(`/customers/${customer.id}`, { address: '9 New Road' }), 200, 'updating the customer');
    const order = await build.order(customer.id, restaurant.id, [[item.id, 1]], ...TiffinBuilder.pathTo('delivered'));
    await build.review(order.id, customer.id, 4);
    const read = expectStatus(await a.admin.put(`/realtime/notifications/${customer.id}`, {}), 200, 'marking notifications read');
    expect(read.marked_read).toBeGreaterThan(0);
    // Nothing left to mark: no change, so no event and no row.
    expect(expectStatus(await a.admin.put(`/realtime/notifications/${customer.id}`, {}), 200, 'marking again').marked_read).toBe(0);
    const gone = await build.customer();
    expectStatus(await a.admin.delete(`/customers/${gone.id}`), 204, 'deleting a customer');
    const empty = await build.restaurant();
    await build.menuItem(empty.id);
    expectStatus(await a.admin.delete(`/restaurants/${empty.id}`), 204, 'deleting a restaurant and its menu');
    await auditSettled();

    const expectedTypes = [
      ...['restaurant.changed', 'restaurant.changed', 'menu-item.changed', 'menu-item.changed', 'menu-item.changed', 'menu-item.changed'],
      ...[
        'customer.changed',
        'customer.changed',
        'order.placed',
        ...Array(4).fill('order.status-changed'),
        'review.added',
        'notifications.read',
      ],
      ...['customer.changed', 'customer.changed', 'restaurant.changed', 'menu-item.changed', 'menu-item.changed', 'restaurant.changed'],
    ];
    expect(published.map((event) => event.type)).toEqual(expectedTypes);
    // Each event came with its own row, written by its transaction (the sequence moved once per event)...
    const ids = published.map((event) => BigInt(event.outboxId!));
    expect(new Set(ids).size).toBe(ids.length);
    const [{ last_value: after }] = await a.db.query('SELECT last_value::text FROM cache_invalidation_outbox_id_seq');
    expect(BigInt(after) - BigInt(before)).toBe(BigInt(ids.length));
    for (const id of ids) expect(id > BigInt(before) && id <= BigInt(after)).toBe(true);
    // ...and the row is gone now that the audit of its invalidation is written.
    expect(await outboxRows()).toEqual([]);
    const invalidations = (await auditSince(auditBefore)).filter((row) => row.action === 'invalidate');
    expect(invalidations.map((row) => row.reason)).toEqual(expectedTypes);
    for (const row of invalidations) expect(row.cause).toMatch(/^(POST|PUT|DELETE) \//);
  });

  it('the rows of place_order, change_order_status and add_review replay as the events their services publish', async () => {
    const restaurant = await build.restaurant({ cuisine_type: 'Outbox Thai' });
    const item = await build.menuItem(restaurant.id);
    const customer = await build.customer();
    // The builder's writes went through the API: their rows go with their audit, up to 50 ms later.
    await auditSettled();
    const orders = a.app.get(OrdersRepository);
    // The repositories alone: the functions commit their row, and nothing publishes or deletes it.
    const placed = await orders.place(
      {
        customer_id: customer.id,
        restaurant_id: restaurant.id,
        delivery_address: '1 Road',
        special_instructions: null,
        lines: [{ menu_item_id: item.id, quantity: 1 }],
      },
      100,
    );
    if (placed.refused !== undefined) throw new Error(`placing refused: ${placed.refused}`);
    const orderId = placed.order.id;
    const steps = [OrderStatus.Confirmed, OrderStatus.Preparing, OrderStatus.OutForDelivery, OrderStatus.Delivered];
    const changes = [];
    for (const [index, to] of steps.entries()) {
      const changed = await orders.changeStatus(orderId, to, [index === 0 ? OrderStatus.Placed : steps[index - 1]], null, 1000);
      if (changed.refused !== undefined) throw new Error(`status change refused: ${changed.refused}`);
      changes.push(changed);
    }
    const reviewed = await a.app.get(ReviewsRepository).add({ order_id: orderId, customer_id: customer.id, rating: 5, comment: null });
    if (reviewed.refused !== undefined) throw new Error(`review refused: ${reviewed.refused}`);
    // Its first review: the rating goes from the one the restaurant was created with to the review's.
    const ratingChange = { before: Number(restaurant.rating), after: 5 };
    expect(reviewed.rating_change).toEqual(ratingChange);

    const rows = await outboxRows();
    expect(rows.map((row) => row.id)).toEqual([placed.outbox_id, ...changes.map((change) => change.outbox_id), reviewed.outbox_id]);
    const delivered = changes[3].order;
    expect(delivered.delivery_time).toBeInstanceOf(Date);
    expect(rows.map((row) => fromOutboxEvent(row.event))).toEqual([
      new OrderPlaced(orderId, customer.id, restaurant.id),
      new OrderStatusChanged(orderId, customer.id, restaurant.id, OrderStatus.Placed, OrderStatus.Confirmed, undefined, null),
      new OrderStatusChanged(orderId, customer.id, restaurant.id, OrderStatus.Confirmed, OrderStatus.Preparing, undefined, null),
      new OrderStatusChanged(orderId, customer.id, restaurant.id, OrderStatus.Preparing, OrderStatus.OutForDelivery, undefined, null),
      new OrderStatusChanged(
        orderId,
        customer.id,
        restaurant.id,
        OrderStatus.OutForDelivery,
        OrderStatus.Delivered,
        undefined,
        delivered.delivery_time,
      ),
      new ReviewAdded(reviewed.review.id, orderId, customer.id, restaurant.id, 'Outbox Thai', ratingChange),
    ]);
    await a.db.query('DELETE FROM cache_invalidation_outbox');
  });

  it('a write whose process died after its commit: the replay job drops the stale entry on every instance, audits it, deletes the row', async () => {
    const restaurant = await build.restaurant();
    const recent = await build.restaurant();
    const path = `/restaurants/${restaurant.id}`;
    await cachedOnBoth(path);
    await cachedOnBoth(`/restaurants/${recent.id}`);
    // Only the rows below are left: those of the builder's writes go with their audit.
    await auditSettled();
    await renameBehindTheApp(restaurant.id, 'Renamed Behind The App', '1 minute');
    // Younger than CACHE_OUTBOX_REPLAY_AFTER_SECONDS (30 s): its write may still be under way, so it waits.
    await renameBehindTheApp(recent.id, 'Renamed Just Now', '0 seconds');
    // A row this version cannot apply stays (pending) without holding back the others.
    await a.db.query(
      `INSERT INTO cache_invalidation_outbox (event, created_at) VALUES ('{"type": "unknown.event"}', now() - interval '2 minutes')`,
    );
    for (const app of [a, b]) expect((await app.admin.get(path)).body.name).toBe(restaurant.name);
    const auditBefore = await lastAuditId();

    const run = expectStatus(await b.admin.post('/jobs/outbox-replay/run'), 200, 'running outbox-replay');
    expect(run).toMatchObject({
      job: 'outbox-replay',
      trigger: 'manual',
      outcome: 'succeeded',
      detail: { replayed: 1, discarded: 0, pending: 1 },
    });

    for (const app of [a, b]) {
      const fresh = await app.admin.get(path);
      expect([fresh.status, fresh.body.name]).toEqual([200, 'Renamed Behind The App']);
    }
    const replays: AuditRow[] = (await auditSince(auditBefore)).filter((row) => row.cause === 'job:outbox-replay');
    expect(replays).toEqual([
      expect.objectContaining({
        action: 'invalidate',
        tags: expect.arrayContaining([`restaurant:${restaurant.id}`, 'restaurants:lists']),
        reason: expect.stringMatching(/^restaurant\.changed, replayed from the outbox/),
      }),
    ]);
    const left = await outboxRows();
    expect(left.map((row) => row.event)).toEqual([
      { type: 'restaurant.changed', restaurant_id: recent.id, kind: 'updated' },
      { type: 'unknown.event' },
    ]);
    await a.db.query('DELETE FROM cache_invalidation_outbox');
  });

  it('an instance starting replays what is due before it answers', async () => {
    const restaurant = await build.restaurant();
    const path = `/restaurants/${restaurant.id}`;
    await cachedOnBoth(path);
    await auditSettled();
    await renameBehindTheApp(restaurant.id, 'Renamed Before A Restart', '5 minutes');

    const c = await startTestApp({ env: { REDIS_URL: redisUrl!, CACHE_PREFIX: prefix, ...QUIET_JOBS_ENV }, database: a.database });
    try {
      const [startup]: Json[] = await a.db.query(
        `SELECT outcome, detail FROM job_runs WHERE job = 'outbox-replay' AND trigger = 'startup' ORDER BY id DESC LIMIT 1`,
      );
      expect(startup).toEqual({ outcome: 'succeeded', detail: { replayed: 1, discarded: 0, pending: 0 } });
      for (const app of [a, b, c]) expect((await app.admin.get(path)).body.name).toBe('Renamed Before A Restart');
      expect(await outboxRows()).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('with the cache disabled no write records a row (nothing would apply it), and the job deletes rows left from before', async () => {
    const uncached = await startTestApp({ env: { CACHE_ENABLED: 'false' }, database: a.database });
    try {
      const [{ last_value: before }] = await a.db.query('SELECT last_value::text FROM cache_invalidation_outbox_id_seq');
      const uncachedBuild = new TiffinBuilder(uncached.admin);
      // Writes through a transaction of their own and through each database function.
      const restaurant = await uncachedBuild.restaurant();
      const item = await uncachedBuild.menuItem(restaurant.id);
      const customer = await uncachedBuild.customer();
      const order = await uncachedBuild.order(customer.id, restaurant.id, [[item.id, 1]], ...TiffinBuilder.pathTo('delivered'));
      await uncachedBuild.review(order.id, customer.id, 5);
      expectStatus(await uncached.admin.put(`/realtime/notifications/${customer.id}`, {}), 200, 'marking notifications read');
      expect(await outboxRows()).toEqual([]);
      const [{ last_value: after }] = await a.db.query('SELECT last_value::text FROM cache_invalidation_outbox_id_seq');
      expect(after).toBe(before);

      // A row written while the cache was on, before it was switched off: deleted once due, nothing invalidated or audited.
      await renameBehindTheApp(restaurant.id, 'Renamed Before The Switch', '1 minute');
      const auditBefore = await lastAuditId();
      const run = expectStatus(await uncached.admin.post('/jobs/outbox-replay/run'), 200, 'running outbox-replay');
      expect(run.detail).toEqual({ replayed: 0, discarded: 1, pending: 0 });
      expect(await outboxRows()).toEqual([]);
      expect(await auditSince(auditBefore)).toEqual([]);
    } finally {
      await uncached.close();
    }
  });
});
