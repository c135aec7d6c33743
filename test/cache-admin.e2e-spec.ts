import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createClient } from '@keyv/redis';
import { randomBytes } from 'node:crypto';
import { CacheMetrics } from '../src/cache/cache-metrics.js';
import { insertCustomer, insertMenuItem, insertOrder, insertRestaurant } from './support/fixtures.js';
import type { HttpResponse } from './support/http-client.js';
import { deleteKeysUnderPrefix } from './support/redis-keys.js';
import { redisForSuite } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const redisUrl = await redisForSuite('test/cache-admin.e2e-spec.ts');
const describeWithRedis = redisUrl ? describe : describe.skip;

const ADMIN_TOKEN = `cache-admin-${randomBytes(16).toString('hex')}`;
const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

/** Every admin route of the cache operations, with its body (jest.each needs every row the same length). */
const ADMIN_ROUTES: [string, string, unknown][] = [
  ['DELETE', '/cache/clear', undefined],
  ['DELETE', '/cache/clear/expired', undefined],
  ['DELETE', '/cache/clear/search', undefined],
  ['POST', '/cache/warm', undefined],
  ['POST', '/cache/warm/popular', undefined],
  ['POST', '/cache/warm/restaurants', undefined],
  ['GET', '/cache/keys/restaurants', undefined],
  ['GET', '/cache/audit', undefined],
  ['GET', '/cache/demo/cache-test/1', undefined],
  ['GET', '/cache/demo/performance-comparison', undefined],
  ['GET', '/demo/cache-performance-test', undefined],
  ['GET', '/demo/load-test/restaurants', undefined],
  ['GET', '/enterprise/patterns/write-through', undefined],
  ['GET', '/enterprise/patterns/cache-aside', undefined],
  ['POST', '/enterprise/invalidation/cascade', { entity: 'restaurant', id: 1 }],
  ['POST', '/enterprise/warming/predictive', {}],
  ['GET', '/enterprise/analytics/patterns', undefined],
  ['GET', '/enterprise/performance/report', undefined],
  ['GET', '/enterprise/security/validate/customers?user_id=1', undefined],
  ['POST', '/enterprise/security/secure-key', { namespace: 'sessions', key: 'customer:1' }],
];

/** Read-only operations figures: admin-only like the rest of /cache (they show keys, memory and load). */
const READ_ROUTES = [
  '/cache/health',
  '/cache/health/detailed',
  '/cache/stats',
  '/cache/stats/detailed',
  '/cache/stats/namespaces',
  '/cache/info',
  '/cache/memory-usage',
  '/cache/metrics/memory-usage',
  '/cache/metrics/hit-ratio',
  '/cache/performance/comprehensive-report',
  '/cache/performance/namespace/restaurants',
  '/analytics/cache-performance',
];

const outcome = (response: HttpResponse) => response.headers.get('x-cache');
const isHit = (response: HttpResponse) => (outcome(response) ?? '').startsWith('HIT');

describeWithRedis('cache operations over real Redis and Postgres', () => {
  const prefix = `tiffin-admin-${randomBytes(4).toString('hex')}`;
  // Outside our prefix: one shares its first characters, one is unrelated. Both must survive every clear.
  const outsideKeys = [`${prefix}x:search:restaurant-search`, `other-${randomBytes(4).toString('hex')}`];
  let redis: ReturnType<typeof createClient>;
  let t: TestApp;
  let popular: number;
  let quiet: number;
  let menuItem: number;

  /** The cache keys (without prefix) under `{prefix}:{match}`, from Redis directly. */
  const redisKeys = async (match = '*') => {
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: `${prefix}:${match}`, COUNT: 500 })) keys.push(...batch);
    return keys.map((key) => key.slice(prefix.length + 1)).sort();
  };
  const entryKeys = async () => (await redisKeys()).filter((key) => !key.startsWith('_meta:'));
  const get = (path: string) => t.admin.get(path);
  const expectOutsideKeysIntact = async () => {
    for (const key of outsideKeys) expect(await redis.get(key)).toBe('must survive');
  };

  beforeAll(async () => {
    redis = createClient({ url: redisUrl! });
    await redis.connect();
    for (const key of outsideKeys) await redis.set(key, 'must survive');
    t = await startTestApp({ env: { REDIS_URL: redisUrl!, CACHE_PREFIX: prefix, ADMIN_TOKEN } });
    const create = async (name: string) => {
      const response = await t.admin.post('/restaurants', {
        name,
        cuisine_type: 'Thai',
        address: `1 ${name} Street`,
        phone_number: '+1-555-0100',
      });
      expect(response.status).toBe(201);
      return response.body.id as number;
    };
    quiet = await create(`Quiet ${prefix}`);
    popular = await create(`Popular ${prefix}`);
    menuItem = await insertMenuItem(t.db, popular);
    await insertMenuItem(t.db, quiet);
    const customer = await insertCustomer(t.db);
    for (const restaurant of [popular, popular, quiet]) {
      await insertOrder(t.db, { customer_id: customer, restaurant_id: restaurant, items: [[menuItem, 1, '10.00']] });
    }
  });

  afterAll(async () => {
    await t?.close();
    await deleteKeysUnderPrefix(redisUrl!, prefix);
    await redis.unlink(outsideKeys);
    await redis.close();
  });

  describe('protection', () => {
    it.each(ADMIN_ROUTES)('%s %s answers 401 without the admin token and with a wrong one', async (method, path, body) => {
      const missing = await t.http.request(method, path, body);
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ status: 401, error: 'Unauthorized', path: path.split('?')[0] });
      const wrong = await t.http.request(method, path, body, { headers: { authorization: `Bearer ${ADMIN_TOKEN}-wrong` } });
      expect(wrong.status).toBe(401);
      const notBearer = await t.http.request(method, path, body, { headers: { authorization: ADMIN_TOKEN } });
      expect(notBearer.status).toBe(401);
    });

    it.each(READ_ROUTES)('GET %s answers an admin and refuses anyone else (401)', async (path) => {
      expect((await get(path)).status).toBe(200);
      expect((await t.http.get(path)).status).toBe(401);
    });
  });

  describe('figures', () => {
    beforeEach(async () => {
      expect((await t.admin.delete('/cache/clear', admin)).status).toBe(200);
      t.app.get(CacheMetrics).reset();
    });

    it('reports the hit ratio of exactly the reads the test made, per namespace and tier', async () => {
      const reads = [
        await get('/restaurants'),
        await get('/restaurants'),
        await get(`/restaurants/${popular}`),
        await get('/restaurants'),
        await get('/menu-items'),
        await get('/menu-items?limit=5'),
        await get('/menu-items'),
      ];
      const count = (namespace: string) => {
        const inNamespace = reads.filter((response) => (namespace === 'menu-items') === response.text.includes('"price"'));
        return { reads: inNamespace.length, hits: inNamespace.filter(isHit).length };
      };
      const restaurants = count('restaurants');
      const menuItems = count('menu-items');
      expect(restaurants).toEqual({ reads: 4, hits: 2 });
      expect(menuItems).toEqual({ reads: 3, hits: 1 });

      const ratio = await get('/cache/metrics/hit-ratio');
      expect(ratio.body.overall).toMatchObject({ reads: 7, hits: 3, misses: 4, hit_ratio: Number((3 / 7).toFixed(4)), rating: 'poor' });
      const byNamespace = Object.fromEntries(ratio.body.namespaces.map((row: { namespace: string }) => [row.namespace, row]));
      expect(byNamespace.restaurants).toMatchObject({
        reads: 4,
        hits: 2,
        hits_l1: 2,
        hits_l2: 0,
        hit_ratio: 0.5,
        l1_hit_ratio: 0.5,
        l2_hit_ratio: 0,
        rating: 'poor',
      });
      expect(byNamespace['menu-items']).toMatchObject({ reads: 3, hits: 1, hit_ratio: 0.3333, rating: 'poor' });
      expect(byNamespace.search).toMatchObject({ reads: 0, hit_ratio: null, rating: 'no traffic' });

      const stats = await get('/cache/stats');
      expect(stats.body.totals).toMatchObject({ reads: 7, hits: 3, misses: 4, loads: 4 });
      const performance = await get('/analytics/cache-performance');
      expect(performance.body.overall).toMatchObject({ reads: 7, hits: 3, misses: 4, hit_ratio: 0.4286, miss_ratio: 0.5714 });
      const namespaces = await get('/cache/stats/namespaces');
      expect(namespaces.body.namespaces.find((row: { namespace: string }) => row.namespace === 'restaurants')).toMatchObject({
        reads: 4,
        hits: 2,
      });
    });

    it('rates a namespace good above 60% and excellent above 80% of hits', async () => {
      for (let i = 0; i < 3; i++) await get('/restaurants/active');
      let ratio = await get('/cache/metrics/hit-ratio');
      expect(ratio.body.namespaces.find((row: { namespace: string }) => row.namespace === 'restaurants')).toMatchObject({
        hit_ratio: 0.6667,
        rating: 'good',
      });
      for (let i = 0; i < 3; i++) await get('/restaurants/active');
      ratio = await get('/cache/metrics/hit-ratio');
      expect(ratio.body.namespaces.find((row: { namespace: string }) => row.namespace === 'restaurants')).toMatchObject({
        hit_ratio: 0.8333,
        rating: 'excellent',
      });
    });

    it('counts the keys and sampled bytes of each namespace from Redis, and L1 entries', async () => {
      for (const path of ['/restaurants', '/restaurants/active', '/menu-items', `/restaurants/${popular}/menu`]) await get(path);
      const memory = await get('/cache/memory-usage');
      expect(memory.status).toBe(200);
      expect(memory.body.redis.used_memory_bytes).toBeGreaterThan(0);
      expect(memory.body.scan.complete).toBe(true);
      const row = (namespace: string) => memory.body.namespaces.find((entry: { namespace: string }) => entry.namespace === namespace);
      const restaurantKeys = (await redisKeys('restaurants:*')).length;
      expect(row('restaurants')).toMatchObject({ redis_keys: restaurantKeys, sampled: restaurantKeys, l1_entries: 2 });
      expect(row('restaurants').estimated_redis_bytes).toBe(row('restaurants').sampled_bytes);
      expect(row('menu-items').redis_keys).toBe(2);
      expect(row('_meta').redis_keys).toBeGreaterThan(0);
      expect((await get('/cache/metrics/memory-usage')).body.namespaces).toHaveLength(memory.body.namespaces.length);
    });

    it('measures health now and shows the effective configuration', async () => {
      const health = await get('/cache/health/detailed');
      expect(health.body).toMatchObject({ status: 'healthy', tiers: ['l1', 'redis'], prefix, deferred_invalidations: 0 });
      expect(health.body.redis).toMatchObject({ configured: true, connected: true, bus_ready: true, ping_error: null });
      expect(health.body.redis.ping_ms).toBeGreaterThan(0);
      const info = await get('/cache/info');
      expect(info.body.prefix).toBe(prefix);
      expect(info.body.ttl.find((entry: { name: string }) => entry.name === 'live_tracking')).toEqual({
        name: 'live_tracking',
        seconds: 30,
        source: 'table',
      });
      expect(info.body.routes).toContainEqual(
        expect.objectContaining({
          route: '/restaurants/:id/with-menu',
          policy: 'restaurant-with-menu',
          namespace: 'restaurants',
          session: false,
        }),
      );
      expect(info.body.routes).toContainEqual(expect.objectContaining({ route: '/customers/:id', session: true }));
    });

    it('reports one namespace, and refuses an unknown one', async () => {
      await get('/restaurants');
      await get('/restaurants');
      const report = await get('/cache/performance/namespace/restaurants');
      expect(report.body).toMatchObject({ namespace: 'restaurants', reads: 2, hits: 1, l1_entries: 1 });
      expect(report.body.routes).toContain('/restaurants/:id');
      expect(report.body.timeline.at(-1)).toMatchObject({ reads: expect.any(Number) });
      const scores = report.body.hottest.map((path: { score: number }) => path.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(report.body.hottest).toContainEqual(
        expect.objectContaining({ path: '/restaurants', namespace: 'restaurants', cache_key: 'restaurants:restaurants' }),
      );
      const unknown = await get('/cache/performance/namespace/nope');
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0]).toMatchObject({ field: 'namespace', rule: 'isIn' });
    });
  });

  describe('clearing', () => {
    const warmEverything = async () => {
      for (const path of [
        '/restaurants',
        `/restaurants/${popular}`,
        `/restaurants/${popular}/with-menu`,
        `/restaurants/${quiet}/with-menu`,
        `/restaurants/${popular}/menu`,
        '/menu-items',
        '/restaurants/search?cuisine=thai',
        '/menu-items/search?vegetarian=true',
        '/restaurants/analytics/popular-cuisines',
      ]) {
        expect((await get(path)).status).toBe(200);
      }
    };

    it('clears one namespace only, in Redis and L1, and says what it removed', async () => {
      await warmEverything();
      const before = await entryKeys();
      const searchKeys = before.filter((key) => key.startsWith('search:'));
      expect(searchKeys.length).toBe(2);
      const cleared = await t.admin.delete('/cache/clear/search', admin);
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ target: 'search', selections: [{ namespace: 'search', key_prefix: null }] });
      expect(cleared.body.removed).toMatchObject({ total: 2, redis: 2, l1: 2, other_instances_l1: 0 });
      expect([...cleared.body.keys].sort()).toEqual(searchKeys);
      expect(await entryKeys()).toEqual(before.filter((key) => !key.startsWith('search:')));
      expect(outcome(await get('/restaurants/search?cuisine=thai'))).toBe('MISS');
      expect(outcome(await get('/restaurants'))).toBe('HIT-L1');
      await expectOutsideKeysIntact();
    });

    it('clears restaurant-menus: the with-menu and menu entries, nothing else', async () => {
      await warmEverything();
      const before = await entryKeys();
      const menus = before.filter(
        (key) => key.startsWith('restaurants:restaurant-with-menu:') || key.startsWith('menu-items:restaurant-menu:'),
      );
      expect(menus).toHaveLength(3);
      const cleared = await t.admin.delete('/cache/clear/restaurant-menus', admin);
      expect(cleared.status).toBe(200);
      expect([...cleared.body.keys].sort()).toEqual(menus);
      expect(await entryKeys()).toEqual(before.filter((key) => !menus.includes(key)));
      expect(outcome(await get(`/restaurants/${popular}`))).toBe('HIT-L1');
      expect(outcome(await get(`/restaurants/${popular}/with-menu`))).toBe('MISS');
      await expectOutsideKeysIntact();
    });

    it.each(['restaurants', 'menu-items', 'analytics', 'customers', 'orders', 'reviews'])(
      'clears the %s namespace only',
      async (target) => {
        await warmEverything();
        const before = await entryKeys();
        const cleared = await t.admin.delete(`/cache/clear/${target}`, admin);
        expect(cleared.status).toBe(200);
        const removed = before.filter((key) => key.startsWith(`${target}:`));
        expect(cleared.body.removed.redis).toBe(removed.length);
        expect(await entryKeys()).toEqual(before.filter((key) => !key.startsWith(`${target}:`)));
        await expectOutsideKeysIntact();
      },
    );

    it('refuses an unknown target', async () => {
      const response = await t.admin.delete('/cache/clear/everything', admin);
      expect(response.status).toBe(400);
      expect(response.body.errors[0]).toMatchObject({ field: 'target', rule: 'isIn' });
    });

    it('clears every key under the prefix but the coordination keys, and the tag index with them', async () => {
      await warmEverything();
      expect((await redisKeys('_meta:tag:*')).length).toBeGreaterThan(0);
      const before = await entryKeys();
      const cleared = await t.admin.delete('/cache/clear', admin);
      expect(cleared.status).toBe(200);
      expect(cleared.body.target).toBe('all');
      expect(cleared.body.removed.redis).toBe(before.length);
      expect(cleared.body.tag_index.complete).toBe(true);
      expect(cleared.body.tag_index.members_pruned).toBeGreaterThan(0);
      const left = await redisKeys();
      expect(left.every((key) => key.startsWith('_meta:') && !key.startsWith('_meta:tag:'))).toBe(true);
      expect(left).toContain('_meta:seq');
      expect(t.app.get(CacheMetrics)).toBeDefined();
      expect((await get('/cache/stats')).body.l1.entries).toBe(0);
      await expectOutsideKeysIntact();
    });

    it('prunes tag-index members whose entry Redis dropped, and purges nothing fresh from L1', async () => {
      await t.admin.delete('/cache/clear', admin);
      await get(`/restaurants/${popular}`);
      const entry = 'restaurants:restaurant:' + popular;
      const tagSet = `${prefix}:_meta:tag:restaurant:${popular}`;
      expect(await redis.sIsMember(tagSet, `${prefix}:${entry}`)).toBe(1);
      // As if Redis had expired the entry.
      await redis.unlink(`${prefix}:${entry}`);
      const response = await t.admin.delete('/cache/clear/expired', admin);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ removed_l1: 0, keys: [], stale_kept_l1: 0 });
      expect(response.body.tag_index).toMatchObject({ complete: true, members_pruned: 1 });
      expect(await redis.sIsMember(tagSet, `${prefix}:${entry}`)).toBe(0);
      expect(outcome(await get(`/restaurants/${popular}`))).toBe('HIT-L1');
    });
  });

  describe('keys', () => {
    it('pages through a namespace by SCAN cursor, each key with its TTL left and size', async () => {
      await t.admin.delete('/cache/clear', admin);
      for (let skip = 0; skip < 25; skip++) await get(`/menu-items?skip=${skip}`);
      const expected = await redisKeys('menu-items:*');
      expect(expected).toHaveLength(25);
      const seen = new Set<string>();
      let cursor = '0';
      let pages = 0;
      do {
        const page = await t.admin.get(`/cache/keys/menu-items?count=10&cursor=${cursor}`, admin);
        expect(page.status).toBe(200);
        expect(page.body).toMatchObject({ namespace: 'menu-items', prefix, source: 'redis' });
        for (const key of page.body.keys) {
          expect(key.ttl_ms).toBeGreaterThan(0);
          // MEMORY USAGE of the key: at least the bytes of its name.
          expect(key.bytes).toBeGreaterThan(key.key.length);
          seen.add(key.key);
        }
        cursor = page.body.cursor;
        pages++;
      } while (cursor !== '0' && pages < 100);
      expect(cursor).toBe('0');
      expect([...seen].sort()).toEqual(expected);
      expect(pages).toBeGreaterThan(1);
    });

    it.each([
      ['/cache/keys/menu-items?count=0', 'count'],
      ['/cache/keys/menu-items?count=1001', 'count'],
      ['/cache/keys/menu-items?cursor=abc', 'cursor'],
      ['/cache/keys/menu-items?other=1', 'other'],
      ['/cache/keys/nope', 'namespace'],
    ])('refuses %s', async (path, field) => {
      const response = await t.admin.get(path, admin);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });
  });

  describe('warming', () => {
    it('warms the entry pages, then finds them cached', async () => {
      await t.admin.delete('/cache/clear', admin);
      const first = await t.admin.post('/cache/warm', undefined, admin);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ scope: 'default', requested: 5, loaded: 5, already_cached: 0, failed: 0 });
      expect(first.body.paths.map((path: { path: string }) => path.path)).toEqual([
        '/restaurants',
        '/restaurants/active',
        '/restaurants/analytics/popular-cuisines',
        '/restaurants/analytics/price-ranges',
        '/menu-items',
      ]);
      const second = await t.admin.post('/cache/warm', undefined, admin);
      expect(second.body).toMatchObject({ loaded: 0, already_cached: 5 });
      expect(outcome(await get('/restaurants/analytics/price-ranges'))).toBe('HIT-L1');
    });

    it('warms the most ordered restaurants, counted in SQL, with their with-menu and menu routes', async () => {
      await t.admin.delete('/cache/clear', admin);
      const response = await t.admin.post('/cache/warm/popular?limit=1', undefined, admin);
      expect(response.status).toBe(200);
      expect(response.body.restaurants).toEqual([{ restaurant_id: popular, name: `Popular ${prefix}`, orders: 2 }]);
      expect(response.body.paths.map((path: { path: string; outcome: string }) => [path.path, path.outcome])).toEqual([
        [`/restaurants/${popular}`, 'MISS'],
        [`/restaurants/${popular}/with-menu`, 'MISS'],
        [`/restaurants/${popular}/menu`, 'MISS'],
      ]);
      expect(await entryKeys()).toEqual(
        [
          `menu-items:restaurant-menu:${popular}`,
          `restaurants:restaurant-with-menu:${popular}`,
          `restaurants:restaurant:${popular}`,
        ].sort(),
      );
      // The rule the start-up job uses too: active restaurants only (the closed one has the most orders), up to 50 by default.
      const closed = await insertRestaurant(t.db, { is_active: false });
      const customer = await insertCustomer(t.db);
      for (let i = 0; i < 3; i += 1)
        await insertOrder(t.db, { customer_id: customer, restaurant_id: closed, items: [[menuItem, 1, '10.00']] });
      const both = await t.admin.post('/cache/warm/popular', undefined, admin);
      expect(both.body.restaurants.map((restaurant: { restaurant_id: number }) => restaurant.restaurant_id)).toEqual([popular, quiet]);
      expect((await t.admin.post('/cache/warm/popular?limit=0', undefined, admin)).status).toBe(400);
    });

    it('warms a namespace with its id-less reads and recently requested paths', async () => {
      await get('/restaurants/search?cuisine=thai');
      await t.admin.delete('/cache/clear', admin);
      const response = await t.admin.post('/cache/warm/search', undefined, admin);
      expect(response.status).toBe(200);
      expect(response.body.paths.map((path: { path: string }) => path.path)).toEqual(
        expect.arrayContaining(['/restaurants/search', '/menu-items/search', '/restaurants/search?cuisine=thai']),
      );
      expect(
        response.body.paths.every((path: { namespace: string; status: number }) => path.namespace === 'search' && path.status === 200),
      ).toBe(true);
      expect((await entryKeys()).every((key) => key.startsWith('search:'))).toBe(true);
      expect((await t.admin.post('/cache/warm/nope', undefined, admin)).status).toBe(400);
    });
  });

  describe('timings and load', () => {
    it('times a restaurant with its menu uncached and cached, 5 times each', async () => {
      await t.admin.delete('/cache/clear', admin);
      const response = await t.admin.get(`/cache/demo/cache-test/${popular}`, admin);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        restaurant_id: popular,
        path: `/restaurants/${popular}/with-menu`,
        cache_key: `restaurants:restaurant-with-menu:${popular}`,
      });
      expect(response.body.uncached.runs).toHaveLength(5);
      expect(response.body.cached.runs.map((run: { outcome: string }) => run.outcome)).toEqual([
        'MISS',
        'HIT-L1',
        'HIT-L1',
        'HIT-L1',
        'HIT-L1',
      ]);
      const means = (runs: { ms: number }[]) => Math.round((runs.reduce((sum, run) => sum + run.ms, 0) / runs.length) * 100) / 100;
      expect(response.body.uncached.mean_ms).toBeCloseTo(means(response.body.uncached.runs), 1);
      expect(response.body.cached.mean_ms).toBeCloseTo(means(response.body.cached.runs), 1);
      // What the cache stored is what the route serves.
      const served = await get(`/restaurants/${popular}/with-menu`);
      expect(outcome(served)).toBe('HIT-L1');
      expect(served.body.id).toBe(popular);
      expect((await t.admin.get('/cache/demo/cache-test/999999', admin)).status).toBe(404);
      expect((await t.admin.get('/cache/demo/cache-test/abc', admin)).status).toBe(400);
    });

    it('compares the entry reads uncached and cached', async () => {
      const response = await t.admin.get('/cache/demo/performance-comparison', admin);
      expect(response.status).toBe(200);
      expect(response.body.runs).toBe(5);
      expect(response.body.comparisons.map((comparison: { path: string }) => comparison.path)).toEqual([
        '/restaurants',
        '/restaurants/active',
        '/restaurants/analytics/popular-cuisines',
        '/restaurants/analytics/price-ranges',
        '/menu-items',
        `/restaurants/${quiet}/with-menu`,
      ]);
      for (const comparison of response.body.comparisons) {
        expect(comparison.cached.runs.slice(1).every((run: { outcome: string }) => run.outcome === 'HIT-L1')).toBe(true);
      }
    });

    it('times each entry read cold then warm on sandbox entries, leaving the live entries as they were', async () => {
      for (const path of ['/restaurants', '/menu-items', `/restaurants/${popular}/with-menu`]) expect((await get(path)).status).toBe(200);
      const liveKeys = async () => (await entryKeys()).filter((key) => !key.startsWith('_sandbox:'));
      const liveBefore = await liveKeys();
      expect(liveBefore.length).toBeGreaterThan(0);
      const response = await t.admin.get('/demo/cache-performance-test', admin);
      expect(response.status).toBe(200);
      for (const result of response.body.results) {
        expect(result.cache_key).toMatch(/^_sandbox:cache-performance-test:/);
        expect(result.requests.map((request: { outcome: string }) => request.outcome)).toEqual([
          'MISS',
          'HIT-L1',
          'HIT-L1',
          'HIT-L1',
          'HIT-L1',
        ]);
        expect(result.cold_ms).toBe(result.requests[0].ms);
      }
      expect(await liveKeys()).toEqual(liveBefore);
      const audit = await t.admin.get('/cache/audit?action=delete-key&cause=GET%20/demo/cache-performance-test', admin);
      expect(audit.status).toBe(200);
      expect(audit.body).toEqual([]);
    });

    it('runs a bounded load against a read route and reports its own hit ratio from X-Cache', async () => {
      await t.admin.delete('/cache/clear', admin);
      const response = await t.admin.get('/demo/load-test/restaurants?requests=60&concurrency=5', admin);
      expect(response.status).toBe(200);
      const body = response.body;
      expect(body).toMatchObject({
        endpoint: 'restaurants',
        path: '/restaurants',
        requested: 60,
        completed: 60,
        concurrency: 5,
        errors: 0,
        stopped_by: 'request-limit',
      });
      expect(body.status_counts).toEqual({ '200': 60 });
      const outcomes = body.cache_outcomes as Record<string, number>;
      expect(Object.values(outcomes).reduce((sum, count) => sum + count, 0)).toBe(60);
      const hits = (outcomes['HIT-L1'] ?? 0) + (outcomes['HIT-L2'] ?? 0);
      expect(body.hit_ratio).toBeCloseTo(hits / 60, 4);
      // A cold start costs at most one miss per concurrent worker.
      expect(outcomes.MISS).toBeGreaterThanOrEqual(1);
      expect(outcomes.MISS).toBeLessThanOrEqual(5);
      expect(body.latency_ms.count).toBe(60);
      expect(body.latency_ms.p50).toBeLessThanOrEqual(body.latency_ms.p95);
      expect(body.latency_ms.p95).toBeLessThanOrEqual(body.latency_ms.p99);
      expect(body.requests_per_second).toBeGreaterThan(0);

      const withRestaurant = await t.admin.get('/demo/load-test/menu?requests=10', admin);
      expect(withRestaurant.body).toMatchObject({ path: `/restaurants/${quiet}/menu`, completed: 10, errors: 0 });
    });

    it.each([
      ['/demo/load-test/orders', 'endpoint'],
      ['/demo/load-test/restaurants?requests=2001', 'requests'],
      ['/demo/load-test/restaurants?concurrency=11', 'concurrency'],
      ['/demo/load-test/restaurants?requests=ten', 'requests'],
    ])('refuses %s', async (path, field) => {
      const response = await t.admin.get(path, admin);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });
  });

  describe('audit log', () => {
    it('lists each invalidation the test caused, with the route as cause, and each clear', async () => {
      const since = new Date().toISOString();
      const updated = await t.admin.put(`/restaurants/${quiet}`, { description: 'Audited' });
      expect(updated.status).toBe(200);
      await t.admin.delete('/cache/clear/reviews', admin);
      await t.admin.delete('/cache/clear', admin);

      const all = await t.admin.get(`/cache/audit?since=${since}`, admin);
      expect(all.status).toBe(200);
      const rows = all.body as {
        id: number;
        cause: string;
        action: string;
        namespace: string | null;
        tags: string[];
        reason: string;
        key_count: number;
        keys: string[];
        occurred_at: string;
      }[];
      expect(Number(all.headers.get('x-total-count'))).toBe(3);
      // Newest first.
      expect(rows.map((row) => [row.action, row.cause])).toEqual([
        ['clear', 'DELETE /cache/clear'],
        ['clear-namespace', 'DELETE /cache/clear/:target'],
        ['invalidate', 'PUT /restaurants/:id'],
      ]);
      expect(rows[2]).toMatchObject({ namespace: null, reason: 'restaurant.changed' });
      expect(rows[2].tags).toEqual(expect.arrayContaining([`restaurant:${quiet}`, 'restaurants:lists']));
      expect(rows[1]).toMatchObject({ namespace: 'reviews', reason: 'admin: clear namespace reviews' });
      expect(rows[0].key_count).toBe(rows[0].keys.length);

      const invalidations = await t.admin.get(`/cache/audit?since=${since}&action=invalidate&cause=PUT%20/restaurants/:id`, admin);
      expect(invalidations.body).toHaveLength(1);
      const reviews = await t.admin.get(`/cache/audit?since=${since}&namespace=reviews`, admin);
      expect(reviews.body.map((row: { action: string }) => row.action)).toEqual(['clear-namespace']);
      const paged = await t.admin.get(`/cache/audit?since=${since}&skip=1&limit=1`, admin);
      expect(paged.body.map((row: { id: number }) => row.id)).toEqual([rows[1].id]);
      expect(paged.headers.get('x-total-count')).toBe('3');
      const none = await t.admin.get(`/cache/audit?until=${encodeURIComponent('2000-01-01T00:00:00Z')}`, admin);
      expect(none.body).toEqual([]);
    });

    it('lists the keys an invalidation removed, and finds it by their namespace', async () => {
      await get(`/restaurants/${quiet}/with-menu`);
      const since = new Date().toISOString();
      await t.admin.put(`/restaurants/${quiet}`, { description: 'Audited again' });
      const rows = (await t.admin.get(`/cache/audit?since=${since}&namespace=restaurants&action=invalidate`, admin)).body;
      expect(rows).toHaveLength(1);
      expect(rows[0].keys).toContain(`restaurants:restaurant-with-menu:${quiet}`);
    });

    it.each([
      ['action=drop', 'action'],
      ['namespace=nope', 'namespace'],
      ['since=yesterday', 'since'],
      ['since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z', 'until'],
      ['limit=101', 'limit'],
    ])('refuses ?%s', async (query, field) => {
      const response = await t.admin.get(`/cache/audit?${query}`, admin);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });
  });
});
