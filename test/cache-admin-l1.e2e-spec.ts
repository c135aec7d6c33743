import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CacheMetrics } from '../src/cache/cache-metrics.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ADMIN_TOKEN = `l1-only-${randomBytes(16).toString('hex')}`;
const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

/** Without Redis (REDIS_URL empty): every figure comes from L1 and the counters. Runs on the embedded Postgres too. */
describe('cache operations with L1 only', () => {
  let t: TestApp;
  let restaurant: number;

  beforeAll(async () => {
    t = await startTestApp({ env: { REDIS_URL: '', ADMIN_TOKEN } });
    const created = await t.admin.post('/restaurants', {
      name: `Local ${randomBytes(3).toString('hex')}`,
      cuisine_type: 'Thai',
      address: '4 Local Lane',
      phone_number: '+1-555-0100',
    });
    restaurant = created.body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('reports health without Redis', async () => {
    const health = await t.admin.get('/cache/health/detailed');
    expect(health.body).toMatchObject({
      status: 'healthy',
      tiers: ['l1'],
      redis: { configured: false, connected: false, ping_ms: null, instance_id: null },
    });
    const memory = await t.admin.get('/cache/memory-usage');
    expect(memory.body).toMatchObject({ redis: null, redis_error: null, scan: null });
  });

  it('lists keys from the LRU with their fresh time and size, paging by offset', async () => {
    await t.admin.delete('/cache/clear', admin);
    for (let skip = 0; skip < 5; skip++) await t.admin.get(`/menu-items?skip=${skip}`);
    const first = await t.admin.get('/cache/keys/menu-items?count=3', admin);
    expect(first.body).toMatchObject({ source: 'l1', cursor: '3' });
    expect(first.body.keys).toHaveLength(3);
    expect(first.body.keys[0].fresh_for_ms).toBeGreaterThan(0);
    expect(first.body.keys[0].ttl_ms).toBeGreaterThan(first.body.keys[0].fresh_for_ms);
    // The L1 estimate of each entry's size, the figure /cache/memory-usage sums.
    expect(first.body.keys[0].bytes).toBeGreaterThan(first.body.keys[0].key.length);
    const second = await t.admin.get('/cache/keys/menu-items?count=3&cursor=3', admin);
    expect(second.body).toMatchObject({ cursor: '0' });
    expect([...first.body.keys, ...second.body.keys].map((key: { key: string }) => key.key).sort()).toEqual(
      [0, 1, 2, 3, 4].map((skip) => `menu-items:menu-items?skip=${skip}`).sort(),
    );
  });

  it('clears L1 and reports the hit ratio of the reads made', async () => {
    await t.admin.get(`/restaurants/${restaurant}/with-menu`);
    const cleared = await t.admin.delete('/cache/clear/restaurant-menus', admin);
    expect(cleared.body).toMatchObject({
      removed: { total: 1, redis: 0, l1: 1 },
      keys: [`restaurants:restaurant-with-menu:${restaurant}`],
      other_instances: { expected: 0 },
    });
    t.app.get(CacheMetrics).reset();
    await t.admin.get(`/restaurants/${restaurant}/with-menu`);
    await t.admin.get(`/restaurants/${restaurant}/with-menu`);
    const ratio = await t.admin.get('/cache/metrics/hit-ratio');
    expect(ratio.body.overall).toMatchObject({ reads: 2, hits: 1, hit_ratio: 0.5, l2_hit_ratio: 0 });
    const expired = await t.admin.delete('/cache/clear/expired', admin);
    expect(expired.body).toMatchObject({ removed_l1: 0, tag_index: null });
  });

  it('writes the audit log on the embedded database without blocking requests', async () => {
    const since = new Date().toISOString();
    await t.admin.put(`/restaurants/${restaurant}`, { description: 'Local change' });
    const rows = (await t.admin.get(`/cache/audit?since=${since}`, admin)).body;
    expect(rows).toEqual([expect.objectContaining({ action: 'invalidate', cause: 'PUT /restaurants/:id', reason: 'restaurant.changed' })]);
  });

  it('with the cache switched off, says so and stores nothing, even for the demonstrations', async () => {
    const off = await startTestApp({
      env: { REDIS_URL: '', ADMIN_TOKEN, CACHE_ENABLED: 'false' },
      database: t.database.poolSize === 1 ? undefined : t.database,
    });
    try {
      await off.admin.post('/restaurants', {
        name: `Off ${randomBytes(3).toString('hex')}`,
        cuisine_type: 'Thai',
        address: '5 Off Road',
        phone_number: '+1-555-0100',
      });
      expect((await off.admin.get('/cache/health')).body.status).toBe('disabled');
      const pattern = await off.admin.get('/enterprise/patterns/cache-aside', admin);
      expect(pattern.body.steps.map((step: { outcome: string | null }) => step.outcome)).toEqual([null, 'BYPASS', 'BYPASS']);
      const test = await off.admin.get('/demo/load-test/restaurants?requests=5', admin);
      expect(test.body).toMatchObject({ cache_outcomes: { BYPASS: 5 }, hit_ratio: null });
      expect((await off.admin.get('/cache/stats')).body.l1.entries).toBe(0);
    } finally {
      await off.close();
    }
  });
});
