import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createClient } from '@keyv/redis';
import { createHmac, randomBytes } from 'node:crypto';
import { CacheMetrics } from '../src/cache/cache-metrics.js';
import { insertCustomer, insertMenuItem, insertOrder } from './support/fixtures.js';
import { deleteKeysUnderPrefix } from './support/redis-keys.js';
import { redisForSuite } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const redisUrl = await redisForSuite('test/enterprise.e2e-spec.ts');
const describeWithRedis = redisUrl ? describe : describe.skip;

const ADMIN_TOKEN = `enterprise-${randomBytes(16).toString('hex')}`;
const KEY_SECRET = randomBytes(24).toString('hex');
const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

describeWithRedis('enterprise endpoints over real Redis and Postgres', () => {
  const prefix = `tiffin-enterprise-${randomBytes(4).toString('hex')}`;
  let redis: ReturnType<typeof createClient>;
  let t: TestApp;
  let restaurant: number;
  let other: number;
  let menuItem: number;
  let customer: number;
  let inactiveCustomer: number;
  let order: number;

  const entryExists = async (cacheKey: string) => (await redis.exists(`${prefix}:${cacheKey}`)) === 1;
  const post = (path: string, body?: unknown) => t.admin.post(path, body, admin);
  const get = (path: string) => t.admin.get(path, admin);
  const clearAll = async () => expect((await t.admin.delete('/cache/clear', admin)).status).toBe(200);

  beforeAll(async () => {
    redis = createClient({ url: redisUrl! });
    await redis.connect();
    t = await startTestApp({ env: { REDIS_URL: redisUrl!, CACHE_PREFIX: prefix, ADMIN_TOKEN, CACHE_KEY_SECRET: KEY_SECRET } });
    const create = async (name: string) => {
      const response = await t.admin.post('/restaurants', {
        name,
        cuisine_type: 'Indian',
        address: `2 ${name} Road`,
        phone_number: '+1-555-0100',
      });
      expect(response.status).toBe(201);
      return response.body.id as number;
    };
    restaurant = await create(`First ${prefix}`);
    other = await create(`Second ${prefix}`);
    menuItem = await insertMenuItem(t.db, restaurant);
    customer = await insertCustomer(t.db);
    inactiveCustomer = await insertCustomer(t.db, { is_active: false });
    order = await insertOrder(t.db, {
      customer_id: customer,
      restaurant_id: restaurant,
      order_status: 'delivered',
      items: [[menuItem, 2, '10.00']],
    });
  });

  afterAll(async () => {
    await t?.close();
    await deleteKeysUnderPrefix(redisUrl!, prefix);
    await redis.close();
  });

  describe('patterns', () => {
    const sandboxKey = (pattern: string) => `_sandbox:${pattern}:restaurant:${restaurant}`;

    it('runs cache-aside on a sandbox entry of the first restaurant: cold, miss with a load, then a hit', async () => {
      const response = await get('/enterprise/patterns/cache-aside');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        pattern: 'cache-aside',
        subject: `restaurant ${restaurant}`,
        cache_key: sandboxKey('cache-aside'),
        sandbox: true,
      });
      expect(response.body.explanation).toContain(`${prefix}:_sandbox:`);
      expect(response.body.steps.map((step: { step: string; outcome: string | null }) => [step.step, step.outcome])).toEqual([
        ['start cold', null],
        ['read', 'MISS'],
        ['read again', 'HIT-L1'],
      ]);
      expect(response.body.steps[1].detail).toMatch(/loaded from the database in [\d.]+ ms/);
      expect(await entryExists(sandboxKey('cache-aside'))).toBe(true);
      // Its body is the route's representation of the restaurant.
      const entry = JSON.parse((await redis.get(`${prefix}:${sandboxKey('cache-aside')}`)) as string);
      expect(JSON.parse(entry.value.body)).toEqual((await t.admin.get(`/restaurants/${restaurant}`)).body);
    });

    it('runs write-through on a sandbox entry: the write stores the representation, so the next read is a hit', async () => {
      const response = await get('/enterprise/patterns/write-through');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ pattern: 'write-through', cache_key: sandboxKey('write-through'), sandbox: true });
      expect(response.body.steps.map((step: { step: string; outcome: string | null }) => [step.step, step.outcome])).toEqual([
        ['start cold', null],
        ['read from the database', null],
        ['write through to the cache', null],
        ['read', 'HIT-L1'],
      ]);
      expect(response.body.steps[2].detail).toContain(`Stored ${sandboxKey('write-through')}`);
      expect(await entryExists(sandboxKey('write-through'))).toBe(true);
    });

    it('changes no business data and leaves live entries intact', async () => {
      const liveKeys = [`restaurants:restaurant:${restaurant}`, `restaurants:restaurant-with-menu:${restaurant}`];
      const readLive = async () => {
        const answers = await Promise.all([t.admin.get(`/restaurants/${restaurant}`), t.admin.get(`/restaurants/${restaurant}/with-menu`)]);
        return answers.map((answer) => ({ outcome: answer.headers.get('x-cache'), etag: answer.headers.get('etag'), body: answer.text }));
      };
      await readLive();
      const liveBefore = await readLive();
      expect(liveBefore.map((read) => read.outcome)).toEqual(['HIT-L1', 'HIT-L1']);
      const storedBefore = await Promise.all(liveKeys.map((key) => redis.get(`${prefix}:${key}`)));
      expect(storedBefore.every((value) => typeof value === 'string')).toBe(true);
      const rows = () =>
        t.db.query(`SELECT id, updated_at::text AS updated_at FROM restaurants WHERE id = ANY($1) ORDER BY id`, [[restaurant, other]]);
      const rowsBefore = await rows();

      for (const pattern of ['write-through', 'cache-aside', 'write-through']) {
        expect((await get(`/enterprise/patterns/${pattern}`)).status).toBe(200);
      }

      expect(await rows()).toEqual(rowsBefore);
      expect(await Promise.all(liveKeys.map((key) => redis.get(`${prefix}:${key}`)))).toEqual(storedBefore);
      expect(await readLive()).toEqual(liveBefore);
      // Reads of the audit log wait for the records still queued.
      for (const pattern of ['write-through', 'cache-aside']) {
        expect((await get(`/cache/audit?cause=${encodeURIComponent(`GET /enterprise/patterns/${pattern}`)}`)).body).toEqual([]);
      }
    });
  });

  describe('cascade', () => {
    beforeEach(clearAll);

    it('runs a restaurant change cascade and returns the keys it removed', async () => {
      const warmed = [`/restaurants/${restaurant}`, '/restaurants', '/restaurants/analytics/popular-cuisines', `/restaurants/${other}`];
      for (const path of warmed) expect((await t.admin.get(path)).status).toBe(200);
      const response = await post('/enterprise/invalidation/cascade', { entity: 'restaurant', id: restaurant });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ entity: 'restaurant', id: restaurant, event: 'restaurant.changed', deferred: false });
      expect(response.body.tags).toEqual(
        expect.arrayContaining([`restaurant:${restaurant}`, 'restaurants:lists', 'analytics:popular-cuisines']),
      );
      const removed = [`restaurants:restaurant:${restaurant}`, 'restaurants:restaurants', 'analytics:popular-cuisines'].sort();
      expect(response.body.removed_keys).toEqual(removed);
      expect(response.body).toMatchObject({ removed_l1: 3, removed_l2: 3 });
      for (const key of removed) expect(await entryExists(key)).toBe(false);
      expect(await entryExists(`restaurants:restaurant:${other}`)).toBe(true);
      const audit = await get('/cache/audit?cause=POST%20/enterprise/invalidation/cascade&limit=1');
      expect(audit.body[0]).toMatchObject({
        action: 'invalidate',
        reason: `admin: cascade of restaurant.changed for restaurant ${restaurant}`,
      });
      expect([...audit.body[0].keys].sort()).toEqual(removed);
    });

    it('runs the menu item, customer and order cascades', async () => {
      await t.admin.get(`/menu-items/${menuItem}`);
      await t.admin.get(`/restaurants/${restaurant}/menu`);
      await t.admin.get(`/customers/${customer}`);
      await t.admin.get(`/orders/${order}`);
      await t.admin.get(`/customers/${customer}/orders`);
      const menu = await post('/enterprise/invalidation/cascade', { entity: 'menu_item', id: menuItem });
      // Orders embed their items' names, so the item's change reaches them too.
      expect(menu.body.removed_keys).toEqual([
        `menu-items:menu-item:${menuItem}`,
        `menu-items:restaurant-menu:${restaurant}`,
        `orders:order:${order}`,
        `sessions:owner=operations:customer-orders:${customer}`,
      ]);
      for (const path of [`/customers/${customer}`, `/orders/${order}`]) await t.admin.get(path);
      const profile = await post('/enterprise/invalidation/cascade', { entity: 'customer', id: customer });
      expect(profile.body.removed_keys).toEqual(
        expect.arrayContaining([`sessions:owner=operations:customer:${customer}`, `orders:order:${order}`]),
      );
      await t.admin.get(`/orders/${order}`);
      const status = await post('/enterprise/invalidation/cascade', { entity: 'order', id: order });
      expect(status.body).toMatchObject({ event: 'order.status-changed' });
      expect(status.body.removed_keys).toContain(`orders:order:${order}`);
    });

    it.each([
      [{ entity: 'restaurant', id: 999999 }, 404],
      [{ entity: 'menu_item', id: 999999 }, 404],
      [{ entity: 'customer', id: 999999 }, 404],
      [{ entity: 'order', id: 999999 }, 404],
      [{ entity: 'review', id: 1 }, 400],
      [{ entity: 'restaurant', id: 0 }, 400],
      [{ entity: 'restaurant', id: '1' }, 400],
      [{ entity: 'restaurant' }, 400],
      [{ entity: 'restaurant', id: 1, extra: true }, 400],
    ])('answers %j with %i', async (body, status) => {
      expect((await post('/enterprise/invalidation/cascade', body)).status).toBe(status);
    });
  });

  describe('access patterns and predictive warming', () => {
    it('warms the most requested paths that are not fresh, and says why', async () => {
      for (let i = 0; i < 5; i++) await t.admin.get(`/restaurants/${other}/with-menu`);
      await t.admin.get(`/restaurants/${restaurant}/with-menu`);
      await clearAll();

      const first = await post('/enterprise/warming/predictive', { limit: 1 });
      expect(first.status).toBe(200);
      expect(first.body.chosen).toHaveLength(1);
      expect(first.body.chosen[0]).toMatchObject({
        path: `/restaurants/${other}/with-menu`,
        namespace: 'restaurants',
        status: 200,
        outcome: 'MISS',
      });
      expect(first.body.chosen[0].score).toBeGreaterThan(4.9);
      expect(first.body.chosen[0].reason).toContain('not fresh');

      const second = await post('/enterprise/warming/predictive', {});
      expect(second.body.skipped_fresh).toContainEqual(expect.objectContaining({ path: `/restaurants/${other}/with-menu`, tier: 'L1' }));
      expect(second.body.chosen.map((path: { path: string }) => path.path)).not.toContain(`/restaurants/${other}/with-menu`);
      expect(second.body.chosen.map((path: { path: string }) => path.path)).toContain(`/restaurants/${restaurant}/with-menu`);
      expect((await t.admin.get(`/restaurants/${other}/with-menu`)).headers.get('x-cache')).toBe('HIT-L1');

      expect((await post('/enterprise/warming/predictive', { limit: 0 })).status).toBe(400);
      expect((await post('/enterprise/warming/predictive', { limit: 'ten' })).status).toBe(400);
    });

    it('shows the hottest paths, the reads per minute and what will be needed', async () => {
      const path = `/restaurants/${other}/menu`;
      for (let i = 0; i < 4; i++) await t.admin.get(path);
      const response = await get('/enterprise/analytics/patterns');
      expect(response.status).toBe(200);
      const menuItems = response.body.namespaces.find((namespace: { namespace: string }) => namespace.namespace === 'menu-items');
      expect(menuItems.hottest[0]).toMatchObject({
        path,
        accesses: 4,
        hits: 3,
        misses: 1,
        cache_key: `menu-items:restaurant-menu:${other}`,
      });
      expect(menuItems.hottest[0].expected_next_5_min).toBeGreaterThan(1);
      const minute = menuItems.timeline.at(-1);
      expect(minute.reads).toBeGreaterThanOrEqual(4);
      expect(minute.hit_ratio).toBeCloseTo(minute.hits / minute.reads, 4);
      // Fresh now: nothing to predict for it until it expires or is dropped.
      expect(menuItems.predicted_needs.map((need: { path: string }) => need.path)).not.toContain(path);
      await t.admin.delete('/cache/clear/menu-items', admin);
      const after = await get('/enterprise/analytics/patterns');
      const needs = after.body.namespaces.find((namespace: { namespace: string }) => namespace.namespace === 'menu-items').predicted_needs;
      expect(needs[0]).toMatchObject({ path });
    });
  });

  describe('performance report', () => {
    it('recommends a longer TTL for a namespace that misses without being invalidated, with the figures', async () => {
      await clearAll();
      t.app.get(CacheMetrics).reset();
      for (let i = 0; i < 25; i++) await t.admin.get(`/restaurants/search?location=${i}-nowhere`);
      const response = await get('/enterprise/performance/report');
      expect(response.status).toBe(200);
      expect(response.body.figures.find((figures: { namespace: string }) => figures.namespace === 'search')).toMatchObject({
        reads: 25,
        hit_ratio: 0,
        sets: 25,
        invalidations: 0,
      });
      const search = response.body.recommendations.find((recommendation: { scope: string }) => recommendation.scope === 'search');
      expect(search).toMatchObject({ action: 'increase-ttl', evidence: { reads: 25, hit_ratio: 0, stored: 25, invalidated: 0 } });
      expect(response.body.thresholds).toMatchObject({ minReads: 20, lowHitRatio: 0.6 });
      const comprehensive = await t.admin.get('/cache/performance/comprehensive-report');
      expect(comprehensive.body.recommendations).toContainEqual(expect.objectContaining({ scope: 'search', action: 'increase-ttl' }));
    });
  });

  describe('security', () => {
    it('lets a customer read shared entries, and only their own session entries', async () => {
      const shared = await get(`/enterprise/security/validate/customers?user_id=${customer}`);
      expect(shared.status).toBe(200);
      expect(shared.body).toMatchObject({
        namespace: 'customers',
        user_id: customer,
        allowed: true,
        scope: 'shared',
        owner: null,
        session_policies: [],
        shared_policies: ['customers'],
      });
      const own = await get(`/enterprise/security/validate/sessions?user_id=${customer}`);
      expect(own.body).toMatchObject({
        namespace: 'sessions',
        allowed: true,
        scope: 'own',
        owner: `customer:${customer}`,
        shared_policies: [],
      });
      expect(own.body.session_policies).toEqual(expect.arrayContaining(['customer', 'customer-orders', 'realtime-notifications']));
    });

    it('keeps inactive customers out', async () => {
      expect((await get(`/enterprise/security/validate/deliveries?user_id=${customer}`)).body).toMatchObject({
        allowed: true,
        scope: 'shared',
      });
      expect((await get(`/enterprise/security/validate/search?user_id=${inactiveCustomer}`)).body).toMatchObject({ allowed: false });
    });

    it.each([
      ['/enterprise/security/validate/customers?user_id=999999', 404],
      ['/enterprise/security/validate/nope?user_id=1', 400],
      ['/enterprise/security/validate/customers', 400],
      ['/enterprise/security/validate/customers?user_id=abc', 400],
      ['/enterprise/security/validate/customers?user_id=0', 400],
    ])('answers %s with %i', async (path, status) => {
      expect((await get(path)).status).toBe(status);
    });

    it('derives {prefix}:{namespace}:{HMAC-SHA256} with the configured secret', async () => {
      const response = await post('/enterprise/security/secure-key', { namespace: 'sessions', key: `customer:${customer}:cart` });
      expect(response.status).toBe(200);
      const hmac = createHmac('sha256', KEY_SECRET).update(`sessions:customer:${customer}:cart`).digest('hex');
      expect(response.body).toEqual({
        secure_key: `${prefix}:sessions:${hmac}`,
        namespace: 'sessions',
        algorithm: 'HMAC-SHA256 over "{namespace}:{key}", hex',
      });
    });

    it('answers 503 for a secure key while no CACHE_KEY_SECRET is configured', async () => {
      const unconfigured = await startTestApp({ env: { REDIS_URL: redisUrl!, CACHE_PREFIX: `${prefix}-ns`, ADMIN_TOKEN } });
      try {
        const response = await unconfigured.admin.post(
          '/enterprise/security/secure-key',
          { namespace: 'sessions', key: 'customer:1' },
          { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
        );
        expect(response.status).toBe(503);
        expect(response.body.message).toContain('CACHE_KEY_SECRET');
      } finally {
        await unconfigured.close();
      }
    });

    it.each([
      { namespace: 'nope', key: 'a' },
      { namespace: 'sessions', key: '' },
      { namespace: 'sessions' },
      { namespace: 'sessions', key: 5 },
    ])('refuses the secure-key body %j', async (body) => {
      expect((await post('/enterprise/security/secure-key', body)).status).toBe(400);
    });
  });

  describe('without data', () => {
    it('answers 409 for the patterns and a restaurant load test when there is no restaurant', async () => {
      const empty = await startTestApp({ env: { REDIS_URL: redisUrl!, CACHE_PREFIX: `${prefix}-empty`, ADMIN_TOKEN } });
      try {
        for (const path of ['/enterprise/patterns/cache-aside', '/enterprise/patterns/write-through', '/demo/load-test/restaurant']) {
          const response = await empty.admin.get(path, admin);
          expect(response.status).toBe(409);
          expect(response.body.message).toContain('sample-data');
        }
      } finally {
        await empty.close();
        await deleteKeysUnderPrefix(redisUrl!, `${prefix}-empty`);
      }
    });
  });
});
