import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
// The app first: it loads the entities in an order that resolves their circular imports.
import { startTestApp, type TestApp } from './support/test-app.js';
import { READ_FLUSH_INTERVAL_MS } from '../src/analytics/analytics-reads.js';
import { AnalyticsRefresher } from '../src/analytics/analytics-refresher.js';
import { CacheMetrics } from '../src/cache/cache-metrics.js';
import { dayOf, startOfDayAgo, todayUtc } from './support/analytics-data.js';
import { type Json, TiffinBuilder } from './support/cascade.js';
import type { HttpClient } from './support/http-client.js';
import { deleteKeysUnderPrefix } from './support/redis-keys.js';
import { servicesForMultiInstanceSuite } from './support/services.js';
import { eventually, sleep } from './support/eventually.js';

/*
 * Refresh-ahead and precise invalidation of the analytics: an order drops exactly its restaurant's,
 * its customer's and its delivery day's figures; platform-wide figures are served from the cache
 * and refreshed in the background within ANALYTICS_MAX_STALENESS_SECONDS (6 s here); the refresh
 * job reloads the variants read recently in place, without a reader ever missing. With REDIS_URL
 * set the suite runs on both tiers; the two-instance part needs Redis and a Postgres server.
 */

const BOUND_SECONDS = 6;
const ADMIN_TOKEN = 'analytics-refresh-admin-token-0123456789';
const ENV = { ADMIN_TOKEN, ANALYTICS_MAX_STALENESS_SECONDS: String(BOUND_SECONDS) };
const isHit = (outcome: string | null) => outcome === 'HIT-L1' || outcome === 'HIT-L2';

/** Reads `path` until `done` holds for its body, every answer a hit; returns the reads' outcomes and the time taken. */
async function pollHits(http: HttpClient, path: string, done: (body: Json) => boolean, timeoutMs: number) {
  const started = Date.now();
  const outcomes: (string | null)[] = [];
  const statuses = new Set<number>();
  const body = await eventually(
    `${path} to reach the expected figures`,
    async () => {
      const read = await http.get(path);
      statuses.add(read.status);
      outcomes.push(read.headers.get('x-cache'));
      return done(read.body) && read.body;
    },
    { timeoutMs, intervalMs: 100 },
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message} (outcomes ${outcomes.join(', ')})`, { cause: error });
  });
  expect([...statuses]).toEqual([200]);
  return { outcomes, ms: Date.now() - started, body };
}

const quantityOf = (body: Json, menuItemId: number) => body.items.find((item: Json) => item.menu_item_id === menuItemId)?.quantity ?? 0;

describe('analytics refresh-ahead and precise invalidation', () => {
  let t: TestApp;
  let build: TiffinBuilder;
  let r1: Json;
  let r2: Json;
  let c1: Json;
  let c2: Json;
  let dish1: Json;
  let dish2: Json;
  const today = todayUtc();
  const yesterday = dayOf(startOfDayAgo(1));
  const twoDaysAgo = dayOf(startOfDayAgo(2));

  beforeAll(async () => {
    t = await startTestApp({ env: ENV });
    build = new TiffinBuilder(t.admin);
    [r1, r2] = [await build.restaurant(), await build.restaurant()];
    [dish1, dish2] = [await build.menuItem(r1.id, { price: 10 }), await build.menuItem(r2.id, { price: 20 })];
    [c1, c2] = [await build.customer(), await build.customer()];
    await build.order(c1.id, r1.id, [[dish1.id, 1]], ...TiffinBuilder.pathTo('delivered'));
    const past = await build.order(c2.id, r2.id, [[dish2.id, 2]], ...TiffinBuilder.pathTo('delivered'));
    // A delivery two days ago (moved in SQL, no event): a past day's revenue to cache.
    await t.db.query(`UPDATE orders SET delivery_time = $2 WHERE id = $1`, [past.id, new Date(`${twoDaysAgo}T12:00:00Z`)]);
    await t.app.get(AnalyticsRefresher).settled();
  });
  afterAll(() => t.close());

  it('drops exactly the ordering restaurant, customer and delivery day; everything else stays cached', async () => {
    const kept = [
      `/restaurants/${r2.id}/analytics`,
      `/analytics/restaurants/performance?restaurant_id=${r2.id}`,
      `/customers/${c2.id}/analytics`,
      `/analytics/customer-insights/${c2.id}`,
      `/analytics/revenue/daily?date=${yesterday}`,
      `/analytics/revenue/daily?date=${twoDaysAgo}`,
      '/analytics/popular-items?period=7d',
      '/analytics/popular-items/revenue?period=7d',
      '/analytics/customers/behavior?period=7d',
      '/analytics/revenue-analytics?period=7d',
      '/restaurants/analytics/popular-cuisines',
    ];
    const dropped = [
      `/restaurants/${r1.id}/analytics`,
      `/analytics/restaurants/performance?restaurant_id=${r1.id}`,
      `/customers/${c1.id}/analytics`,
      `/analytics/customer-insights/${c1.id}`,
      `/analytics/revenue/daily?date=${today}`,
    ];
    for (const path of [...kept, ...dropped]) {
      expect([path, (await t.admin.get(path)).status]).toEqual([path, 200]);
      expect([path, isHit((await t.admin.get(path)).headers.get('x-cache'))]).toEqual([path, true]);
    }

    await build.order(c1.id, r1.id, [[dish1.id, 3]], ...TiffinBuilder.pathTo('delivered'));

    for (const path of kept) expect([path, isHit((await t.admin.get(path)).headers.get('x-cache'))]).toEqual([path, true]);
    for (const path of dropped) expect([path, (await t.admin.get(path)).headers.get('x-cache')]).toEqual([path, 'MISS']);
    expect((await t.admin.get(`/analytics/revenue/daily?date=${today}`)).body.total_revenue).toBe(10 + 30);
  });

  it('serves platform-wide figures from the cache and brings them up to date within the bound', async () => {
    const path = '/analytics/popular-items?period=7d&limit=5';
    await t.app.get(AnalyticsRefresher).settled();
    const before = quantityOf((await t.admin.get(path)).body, dish2.id);
    await build.order(c2.id, r2.id, [[dish2.id, 4]]);
    const placedAt = Date.now();

    // Right after the order the cached figure is still served...
    const first = await t.admin.get(path);
    expect(isHit(first.headers.get('x-cache'))).toBe(true);
    expect(quantityOf(first.body, dish2.id)).toBe(before);
    // ...and within the bound it is replaced, every read in between a hit.
    const polled = await pollHits(t.admin, path, (body) => quantityOf(body, dish2.id) === before + 4, (BOUND_SECONDS + 4) * 1000);
    expect(polled.outcomes.every(isHit)).toBe(true);
    expect(Date.now() - placedAt).toBeLessThanOrEqual(BOUND_SECONDS * 1000);
  });

  it('refreshes the variants read recently in place: a reader polling during the job gets only hits', async () => {
    const variants = [
      '/analytics/popular-items?period=30d&limit=3',
      `/analytics/revenue/daily?date=${twoDaysAgo}`,
      `/analytics/restaurants/performance?restaurant_id=${r2.id}`,
      '/analytics/customers/behavior?period=90d',
    ];
    for (const path of variants) await t.admin.get(path);
    const [popularBefore, dailyBefore] = [(await t.admin.get(variants[0])).body, (await t.admin.get(variants[1])).body];
    // Changes that fire no event: only a refresh brings them into the cache.
    await t.db.query(`UPDATE order_items SET quantity = quantity + 10 WHERE menu_item_id = $1`, [dish2.id]);
    await t.db.query(`UPDATE orders SET total_amount = total_amount + 5 WHERE restaurant_id = $1 AND delivery_time::date = $2::date`, [
      r2.id,
      twoDaysAgo,
    ]);

    let polling = true;
    const outcomes: (string | null)[] = [];
    const reader = (async () => {
      while (polling) {
        for (const path of variants) outcomes.push((await t.admin.get(path)).headers.get('x-cache'));
      }
    })();
    const run = await t.admin.post('/jobs/analytics-refresh/run');
    polling = false;
    await reader;
    expect(run.status).toBe(200);
    expect(run.body.outcome).toBe('succeeded');
    expect(run.body.detail.refreshed).toBeGreaterThanOrEqual(variants.length);
    expect(run.body.detail.failed).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => !isHit(outcome))).toEqual([]);

    // The non-default variants survived and carry the new figures.
    for (const path of variants) expect([path, isHit((await t.admin.get(path)).headers.get('x-cache'))]).toEqual([path, true]);
    const popularAfter = (await t.admin.get(variants[0])).body;
    expect(quantityOf(popularAfter, dish2.id)).toBe(quantityOf(popularBefore, dish2.id) + 10 * 2);
    expect((await t.admin.get(variants[1])).body.total_revenue).toBe(dailyBefore.total_revenue + 5);
  });

  it('keeps serving a platform figure whose refresh fails while a retry fits in the bound, and drops it after', async () => {
    const path = '/analytics/popular-items?period=30d&limit=7';
    const refresher = t.app.get(AnalyticsRefresher);
    await refresher.settled();
    await t.admin.get(path);
    // Reads are recorded each second; only a variant read recently is refreshed rather than dropped.
    await sleep(READ_FLUSH_INTERVAL_MS + 500);
    // Not through the contract-checking client: the failing database's 500 is the point here.
    const read = async () => {
      const response = await fetch(`${t.admin.baseUrl}${path}`);
      await response.arrayBuffer();
      return { status: response.status, hit: isHit(response.headers.get('x-cache')) };
    };
    // Every reload of popular items now fails, as it would with the database overloaded.
    await t.db.query('ALTER TABLE order_items RENAME TO order_items_hidden');
    try {
      const failedEarly = await refresher.refreshPlatform(Date.now());
      expect(failedEarly.failed.length).toBeGreaterThan(0);
      expect(failedEarly.dropped.filter((key) => failedEarly.failed.includes(key))).toEqual([]);
      expect(await read()).toEqual({ status: 200, hit: true });

      // Figures stale since a whole bound ago: no retry could finish in time, so they go.
      const failedLate = await refresher.refreshPlatform(Date.now() - BOUND_SECONDS * 1000);
      expect(failedLate.failed).toEqual([]);
      expect(failedLate.dropped).toEqual(expect.arrayContaining(failedEarly.failed));
      expect(await read()).toEqual({ status: 500, hit: false });
    } finally {
      await t.db.query('ALTER TABLE order_items_hidden RENAME TO order_items');
    }
    expect((await t.admin.get(path)).status).toBe(200);
  });

  it('states the staleness bound in /docs on each platform-wide route, and not on per-entity ones', async () => {
    const paths = (await t.admin.get('/docs-json')).body.paths;
    for (const path of [
      '/analytics/revenue-analytics',
      '/analytics/customers/behavior',
      '/analytics/popular-items',
      '/analytics/popular-items/revenue',
      '/restaurants/analytics/popular-cuisines',
    ]) {
      expect([path, paths[path].get.description]).toEqual([path, expect.stringContaining('ANALYTICS_MAX_STALENESS_SECONDS')]);
    }
    expect(paths['/analytics/revenue/daily'].get.description ?? '').not.toContain('ANALYTICS_MAX_STALENESS_SECONDS');
  });

  it('never refreshes through the network: the refresh marker without the process token is an ordinary read', async () => {
    const path = '/analytics/revenue-analytics?period=30d';
    await t.admin.get(path);
    const read = await t.admin.get(path, { headers: { 'x-cache-refresh': 'guess' } });
    expect(isHit(read.headers.get('x-cache'))).toBe(true);
  });
});

const redisUrl = await servicesForMultiInstanceSuite('test/analytics-refresh.e2e-spec.ts');
const describeWithRedis = redisUrl ? describe : describe.skip;

describeWithRedis('platform-wide analytics across two instances', () => {
  const prefix = `tiffin-analytics-${randomBytes(4).toString('hex')}`;
  const env = { ...ENV, REDIS_URL: redisUrl!, CACHE_PREFIX: prefix };
  let a: TestApp;
  let b: TestApp;
  let build: TiffinBuilder;
  let restaurant: Json;
  let dish: Json;
  let customer: Json;

  beforeAll(async () => {
    a = await startTestApp({ env });
    b = await startTestApp({ env, database: a.database });
    build = new TiffinBuilder(a.admin);
    restaurant = await build.restaurant();
    dish = await build.menuItem(restaurant.id);
    customer = await build.customer();
    await build.order(customer.id, restaurant.id, [[dish.id, 1]]);
    await Promise.all([a, b].map((app) => app.app.get(AnalyticsRefresher).settled()));
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await deleteKeysUnderPrefix(redisUrl!, prefix);
  });

  it('recomputes once across the instances, and both serve the new figures within the bound', async () => {
    const path = '/analytics/popular-items?period=7d';
    // Time passing: wait out the refresh the set-up orders made due, so it is not counted below.
    await sleep((BOUND_SECONDS / 3 + 2) * 1000);
    await Promise.all([a, b].map((app) => app.app.get(AnalyticsRefresher).settled()));
    await a.admin.get(path);
    const before = quantityOf((await b.admin.get(path)).body, dish.id);
    expect(isHit((await b.admin.get(path)).headers.get('x-cache'))).toBe(true);
    const refreshes = () => a.app.get(CacheMetrics).of('analytics').refreshes + b.app.get(CacheMetrics).of('analytics').refreshes;
    const refreshesBefore = refreshes();

    await build.order(customer.id, restaurant.id, [[dish.id, 2]]);
    const placedAt = Date.now();
    for (const instance of [a, b]) {
      const polled = await pollHits(instance.admin, path, (body) => quantityOf(body, dish.id) === before + 2, (BOUND_SECONDS + 4) * 1000);
      expect(polled.outcomes.every(isHit)).toBe(true);
    }
    expect(Date.now() - placedAt).toBeLessThanOrEqual(BOUND_SECONDS * 1000);
    await Promise.all([a, b].map((app) => app.app.get(AnalyticsRefresher).settled()));
    // One platform variant is cached: one reload in all, on one instance.
    expect(refreshes() - refreshesBefore).toBe(1);
  });
});
