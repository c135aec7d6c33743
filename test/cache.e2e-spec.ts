import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CacheMetrics } from '../src/cache/cache-metrics.js';
import { TieredCache } from '../src/cache/tiered-cache.js';
import { SharedRedis } from '../src/redis/redis-connection.js';
import { eventually } from './support/eventually.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { redisTargetForSuite, type RawRedis } from './support/topology.js';

// Runs on every TEST_TOPOLOGY (test/support/topology.ts): a single Redis, a Redis Cluster, read replicas.
const target = await redisTargetForSuite('test/cache.e2e-spec.ts', { multiInstance: true });
const describeWithRedis = target ? describe : describe.skip;
// The outage cases put a TCP proxy in front of one Redis. A cluster client learns every node's own
// address from the cluster and bypasses such a proxy, so they apply to a single Redis only; the
// cluster's own outages (failover) are test/redis-cluster.e2e-spec.ts's.
const describeThroughProxy = target?.clustered ? describe.skip : describe;

let customerCounter = 0;
const customerBody = () => {
  customerCounter++;
  return {
    name: `Cache Customer ${customerCounter}`,
    email: `cache-${customerCounter}-${randomBytes(3).toString('hex')}@example.com`,
    phone_number: '+1-555-0100',
    address: `${customerCounter} Cache Street`,
  };
};

describeWithRedis('the cache over real Redis and Postgres', () => {
  const prefix = `tiffin-test-${randomBytes(4).toString('hex')}`;
  const outsideKey = `not-tiffin-${randomBytes(4).toString('hex')}`;
  let redis: RawRedis;
  let a: TestApp;
  let b: TestApp;
  // A generous lease wait: these tests are about the cache's logic, not about a busy CI machine
  // keeping a loader past the production bound (the outage case below has the production bounds).
  const env = () => ({ ...target!.env, CACHE_PREFIX: prefix, CACHE_LEASE_WAIT_MS: '10000' });

  const createCustomer = async (app: TestApp) => {
    const response = await app.admin.post('/customers', customerBody());
    expect(response.status).toBe(201);
    return response.body as { id: number; name: string };
  };
  const loads = (app: TestApp, namespace: 'customers' | 'sessions') => app.app.get(CacheMetrics).of(namespace).loads;
  /**
   * The Redis key of a cache entry, found by SCAN: `{prefix}:{namespace}:{key}`, and on a cluster
   * `{prefix}:{namespace}:{group}{key}`, the group's hash tag placing the entry in its slot group.
   */
  const entryKey = async (namespace: string, key: string) => {
    const found = await target!.scan(`${prefix}:${namespace}:*${key}`);
    expect(found).toHaveLength(1);
    const group = target!.clustered ? String.raw`\{[0-9a-z]+\}` : '';
    expect(found[0]).toMatch(new RegExp(`^${prefix}:${namespace}:${group}${key}$`));
    return found[0];
  };

  beforeAll(async () => {
    redis = await target!.connect();
    await redis.set(outsideKey, 'must survive');
    a = await startTestApp({ env: env() });
    b = await startTestApp({ env: env(), database: a.database });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await target!.deleteKeysUnderPrefix(prefix);
    await redis?.unlink(outsideKey);
    await redis?.close();
  });

  it('answers MISS, then HIT-L1 with the same ETag and body, and 304 for a matching If-None-Match', async () => {
    const customer = await createCustomer(a);
    await a.admin.put(`/customers/${customer.id}`, { address: '1 New Street' });
    const path = `/customers/${customer.id}/analytics`;
    const first = await a.admin.get(path);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]+-[\w-]+"$/);
    const second = await a.admin.get(path);
    expect(second.headers.get('x-cache')).toBe('HIT-L1');
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.text).toBe(first.text);
    const notModified = await a.admin.get(path, { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect((await a.admin.get(path, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });

  it('shares entries through Redis: the other instance answers HIT-L2, then from its own L1', async () => {
    const customer = await createCustomer(a);
    const path = `/customers/${customer.id}/analytics`;
    expect((await a.admin.get(path)).headers.get('x-cache')).toBe('MISS');
    const fromRedis = await b.admin.get(path);
    expect(fromRedis.headers.get('x-cache')).toBe('HIT-L2');
    expect((await b.admin.get(path)).headers.get('x-cache')).toBe('HIT-L1');
  });

  it('keeps every entry under {prefix}:{namespace}:{key}', async () => {
    const customer = await createCustomer(a);
    await a.admin.get(`/customers/${customer.id}/analytics`);
    // Session entries carry who read them: here the admin token's principal.
    const key = await entryKey('sessions', `owner=operations:customer-analytics:${customer.id}`);
    expect(await redis.exists(key)).toBe(1);
    expect(await redis.pTTL(key)).toBeGreaterThan(0);
  });

  it('writes an updated restaurant through to the cache and no instance serves the old one', async () => {
    const created = await a.admin.post('/restaurants', {
      name: 'Written Through',
      cuisine_type: 'Thai',
      address: '1 Main St',
      phone_number: '+1-555-0100',
    });
    const path = `/restaurants/${created.body.id}`;
    await a.http.get(path);
    await b.http.get(path);
    expect((await b.http.get(path)).headers.get('x-cache')).toBe('HIT-L1');

    const updated = await a.admin.put(path, { name: 'Renamed Through A' });
    expect(updated.status).toBe(200);
    const readOnB = await b.http.get(path);
    expect(readOnB.body.name).toBe('Renamed Through A');
    // Written through to Redis after the commit: B finds it there, not in the database.
    expect(readOnB.headers.get('x-cache')).toBe('HIT-L2');
    expect(readOnB.text).toBe(updated.text);
  });

  it('never reads stale data across instances over a randomised run of writes and reads', async () => {
    const customers = await Promise.all([createCustomer(a), createCustomer(a), createCustomer(a)]);
    const expected = new Map(customers.map((customer) => [customer.id, customer.name]));
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 150; step++) {
      const customer = customers[Math.floor(random() * customers.length)];
      const [writer, reader] = random() < 0.5 ? [a, b] : [b, a];
      if (random() < 0.3) {
        const name = `Name ${step}`;
        expect((await writer.admin.put(`/customers/${customer.id}`, { name })).status).toBe(200);
        expected.set(customer.id, name);
      }
      const profile = await reader.admin.get(`/customers/${customer.id}`);
      expect(profile.body.name).toBe(expected.get(customer.id));
      const list = await reader.admin.get(`/customers?limit=100&skip=0`);
      const listed = (list.body as { id: number; name: string }[]).find((row) => row.id === customer.id);
      expect(listed?.name).toBe(expected.get(customer.id));
    }
  });

  it('loads a cold key once for 200 concurrent requests spread over both instances', async () => {
    const customer = await createCustomer(a);
    const path = `/customers/${customer.id}/analytics`;
    const before = loads(a, 'sessions') + loads(b, 'sessions');
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).admin.get(path)));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(new Set(responses.map((response) => response.text)).size).toBe(1);
    expect(loads(a, 'sessions') + loads(b, 'sessions') - before).toBe(1);
  });

  it('serves byte-identical bodies whether cached or not', async () => {
    const uncached = await startTestApp({ env: { CACHE_ENABLED: 'false' }, database: a.database });
    try {
      const customer = await createCustomer(a);
      for (const path of [`/customers/${customer.id}`, `/customers/${customer.id}/analytics`, '/customers?limit=5']) {
        await a.admin.get(path);
        const cached = await a.admin.get(path);
        expect(cached.headers.get('x-cache')).toBe('HIT-L1');
        const direct = await uncached.admin.get(path);
        expect(direct.headers.get('x-cache')).toBe('BYPASS');
        expect(cached.text).toBe(direct.text);
        expect(cached.headers.get('etag')).toBe(direct.headers.get('etag'));
        expect(cached.headers.get('x-total-count')).toBe(direct.headers.get('x-total-count'));
      }
    } finally {
      await uncached.close();
    }
  });

  it('writes an order through with its conditional TTL: order status while in progress, orders once final', async () => {
    const fixture = await a.db.query(
      `WITH r AS (INSERT INTO restaurants (name, cuisine_type, address, phone_number) VALUES ($1, 'Thai', '1 Road', '+1-555-0100') RETURNING id),
            m AS (INSERT INTO menu_items (name, price, category, restaurant_id) SELECT 'Green Curry', 11.50, 'Main Course', id FROM r RETURNING id, restaurant_id)
       SELECT restaurant_id, id AS menu_item_id FROM m`,
      [`Cache Thai ${randomBytes(3).toString('hex')}`],
    );
    const customer = await createCustomer(a);
    const placed = await a.admin.post(`/orders/customers/${customer.id}/orders/`, {
      restaurant_id: fixture[0].restaurant_id,
      delivery_address: '2 Road',
      order_items: [{ menu_item_id: fixture[0].menu_item_id, quantity: 1 }],
    });
    expect(placed.status).toBe(201);
    // Read first: a change writes back only an order that was cached.
    expect((await a.admin.get(`/orders/${placed.body.id}`)).headers.get('x-cache')).toBe('MISS');
    await a.admin.put(`/orders/${placed.body.id}/status`, { order_status: 'confirmed' });
    const key = await entryKey('orders', `order:${placed.body.id}`);
    const inProgressTtl = await redis.pTTL(key);
    // Physical TTL is the stale window: 5 x the logical TTL (120 s order status, 300 s orders).
    expect(inProgressTtl).toBeGreaterThan(0);
    expect(inProgressTtl).toBeLessThanOrEqual(5 * 120_000);
    await a.admin.put(`/orders/${placed.body.id}/status`, { order_status: 'cancelled' });
    expect(await redis.pTTL(key)).toBeGreaterThan(5 * 120_000);
  });

  it('answers fresh public hits before the Nest pipeline, with the same body, headers and 304', async () => {
    const [{ id }] = await a.db.query(
      `INSERT INTO restaurants (name, cuisine_type, address, phone_number) VALUES ($1, 'Thai', '1 Road', '+1-555-0100') RETURNING id`,
      [`Fast Path ${randomBytes(3).toString('hex')}`],
    );
    const miss = await a.admin.get(`/restaurants/${id}`);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const hit = await a.admin.get(`/restaurants/${id}`, { headers: { 'x-request-id': 'fast-path-1' } });
    expect(hit.headers.get('x-cache')).toBe('HIT-L1');
    expect(hit.text).toBe(miss.text);
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    expect(hit.headers.get('content-type')).toBe(miss.headers.get('content-type'));
    expect(hit.headers.get('x-request-id')).toBe('fast-path-1');
    // The rate-limit guard, which sets this header, never ran: Nest's pipeline was skipped.
    expect([miss.headers.get('x-ratelimit-limit'), hit.headers.get('x-ratelimit-limit')]).toEqual([expect.any(String), null]);
    const notModified = await a.admin.get(`/restaurants/${id}`, { headers: { 'if-none-match': miss.headers.get('etag')! } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('x-cache')).toBe('HIT-L1');
    // A list keeps its total on the fast path too.
    const listMiss = await a.admin.get('/restaurants?limit=3');
    const listHit = await a.admin.get('/restaurants?limit=3');
    expect(listHit.headers.get('x-cache')).toBe('HIT-L1');
    expect(listHit.headers.get('x-total-count')).toBe(listMiss.headers.get('x-total-count'));
    // Input the full path refuses is still refused.
    expect((await a.admin.get('/restaurants/abc')).status).toBe(400);
    expect((await a.admin.get('/restaurants?limit=1000')).status).toBe(400);
  });

  it('answers fresh public L2 hits before the Nest pipeline as well, promoting them into L1', async () => {
    const [{ id }] = await a.db.query(
      `INSERT INTO restaurants (name, cuisine_type, address, phone_number) VALUES ($1, 'Thai', '1 Road', '+1-555-0100') RETURNING id`,
      [`Fast L2 ${randomBytes(3).toString('hex')}`],
    );
    const miss = await a.admin.get(`/restaurants/${id}/with-menu`);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const [shared, notModified] = await Promise.all([
      b.admin.get(`/restaurants/${id}/with-menu`),
      b.admin.get(`/restaurants/${id}/with-menu`, { headers: { 'if-none-match': miss.headers.get('etag')! } }),
    ]);
    expect([shared.headers.get('x-cache'), shared.headers.get('x-ratelimit-limit')]).toEqual(['HIT-L2', null]);
    expect([shared.text, shared.headers.get('etag')]).toEqual([miss.text, miss.headers.get('etag')]);
    expect([notModified.status, notModified.headers.get('x-cache')]).toEqual([304, 'HIT-L2']);
    expect((await b.admin.get(`/restaurants/${id}/with-menu`)).headers.get('x-cache')).toBe('HIT-L1');
    // A write through A drops the entry from Redis and from B's L1: B loads the new data.
    await a.admin.put(`/restaurants/${id}`, { name: `Renamed ${id}` });
    const after = await b.admin.get(`/restaurants/${id}/with-menu`);
    expect([after.headers.get('x-cache'), after.body.name]).toEqual(['MISS', `Renamed ${id}`]);
  });

  it('never deletes a key outside its prefix', async () => {
    expect(await redis.get(outsideKey)).toBe('must survive');
  });

  describeThroughProxy('when Redis drops out and comes back (through a proxy in front of a single Redis)', () => {
    let proxy: TcpProxy;
    let c: TestApp;

    beforeAll(async () => {
      const redisAddress = new URL(target!.url!);
      proxy = new TcpProxy(redisAddress.hostname, Number(redisAddress.port) || 6379);
      await proxy.start();
      c = await startTestApp({ env: { REDIS_URL: proxy.url, CACHE_PREFIX: prefix, CACHE_REDIS_TIMEOUT_MS: '100' }, database: a.database });
      await eventually(
        'the instance behind the proxy to answer with a cache outcome',
        async () => (await c.admin.get('/customers?limit=1')).headers.get('x-cache') !== null,
      );
    });

    afterAll(async () => {
      await c?.close();
      await proxy?.stop();
    });

    it('answers every request while each Redis reply is delayed 500 ms, without waiting on Redis', async () => {
      const customer = await createCustomer(c);
      const path = `/customers/${customer.id}/analytics`;
      proxy.delayMs = 500;
      try {
        const reads = await Promise.all(Array.from({ length: 20 }, () => c.admin.get(path)));
        expect(reads.every((read) => read.status === 200)).toBe(true);
        expect(new Set(reads.map((read) => read.text)).size).toBe(1);
        // Redis did not answer within CACHE_REDIS_TIMEOUT_MS (the rate limit's count or the cache's read,
        // whichever asked first): the instance skips Redis for a moment and reads the database.
        expect(c.app.get(SharedRedis).connection!.lastError?.message).toMatch(/did not answer within/);
        expect(reads.some((read) => read.headers.get('x-cache') === 'MISS')).toBe(true);
      } finally {
        proxy.delayMs = 0;
      }
    });

    it('a write through an instance whose Redis answers 150 ms late still reaches the others before it answers', async () => {
      const created = await a.admin.post('/restaurants', {
        name: 'Slow Link',
        cuisine_type: 'Thai',
        address: '1 Main St',
        phone_number: '+1-555-0100',
      });
      const path = `/restaurants/${created.body.id}`;
      await a.http.get(path);
      expect((await a.http.get(path)).headers.get('x-cache')).toBe('HIT-L1');
      // C over its earlier Redis trouble: its invalidation bus is up.
      await eventually("C's invalidation bus to be ready", () => c.app.get(TieredCache).redis!.busReady);
      proxy.delayMs = 150;
      try {
        const updated = await c.admin.put(path, { name: 'Renamed Over A Slow Link' });
        expect(updated.status).toBe(200);
        // No read through C replays anything: A must already have dropped its copy.
        const read = await a.http.get(path);
        expect(read.body.name).toBe('Renamed Over A Slow Link');
      } finally {
        proxy.delayMs = 0;
      }
    });

    it('keeps answering every request, from the database, and recovers its hit ratio', async () => {
      const customer = await createCustomer(c);
      const path = `/customers/${customer.id}`;
      await c.admin.get(path);
      await eventually('a hit in L1', async () => (await c.admin.get(path)).headers.get('x-cache') === 'HIT-L1');

      proxy.cut();
      const during: string[] = [];
      for (let i = 0; i < 30; i++) {
        const read = await c.admin.get(path);
        expect(read.status).toBe(200);
        during.push(read.headers.get('x-cache')!);
        if (i === 10) {
          const write = await c.admin.put(path, { name: 'Written During Outage' });
          expect(write.status).toBe(200);
        }
        if (i > 10) expect(read.body.name).toBe('Written During Outage');
      }
      // Without the invalidation bus this instance cannot trust its L1: it reads the database.
      expect(during.slice(2).every((outcome) => outcome === 'MISS')).toBe(true);

      await proxy.restore();
      await eventually(
        'a cache hit once Redis is back',
        async () => (await c.admin.get(path)).headers.get('x-cache')?.startsWith('HIT') ?? false,
      );
      const after = await c.admin.get(path);
      expect(after.body.name).toBe('Written During Outage');
      // The invalidation deferred during the outage reached Redis: the other instances agree.
      expect((await a.admin.get(path)).body.name).toBe('Written During Outage');
    });
  });
});
