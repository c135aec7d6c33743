import { describe, expect, it } from '@jest/globals';
import { RequestContext } from '../common/context/request-context.js';
import { Page } from '../common/pagination/pagination.js';
import type { AppConfig } from '../config/app-config.js';
import { CacheMetrics } from './cache-metrics.js';
import type { CachePolicy } from './cache-policy.js';
import { type CacheChangeRecord, CacheService } from './cache.service.js';
import { type LoadedValue, TieredCache } from './tiered-cache.js';
import type { TtlName } from '../config/ttl-table.js';
import type { TtlPolicy } from './ttl-policy.js';

/*
 * The cache service over a real in-process TieredCache with L1 only (no Redis): what a route's
 * policy turns into (key, tags, TTL, owner), the one serialisation, bypass, invalidation with its
 * audit record, and write-through.
 */

const TTL_MS: Partial<Record<TtlName, number>> = { restaurants: 3_600_000, customer_profiles: 1_800_000 };
const ttl = { millis: (name: TtlName) => TTL_MS[name] ?? 1000 } as unknown as TtlPolicy;

type Restaurant = { id: number; cuisine_type: string; is_active: boolean };

const restaurantPolicy: CachePolicy<Restaurant> = {
  name: 'restaurant',
  namespace: 'restaurants',
  ttl: 'restaurants',
  tags: (params) => [`restaurant:${params.id}`],
  resultTags: (restaurant) => [`cuisine:${restaurant.cuisine_type}`],
};

const listPolicy: CachePolicy<Restaurant[]> = {
  name: 'restaurants',
  namespace: 'restaurants',
  ttl: 'restaurants',
  tags: (_params, query) => ['restaurants:lists', ...(typeof query?.cuisine === 'string' ? [`cuisine:${query.cuisine}`] : [])],
  // Only active restaurants are cached; the others answer uncached.
  ttlFor: (rows) => (rows.every((row) => row.is_active) ? 'restaurants' : null),
};

const customerPolicy: CachePolicy = {
  name: 'customer',
  namespace: 'sessions',
  ttl: 'customer_profiles',
  tags: (params) => [`customer:${params.id}`],
  owner: (params) => `customer:${params.id}`,
};

function setUp(enabled = true) {
  const config = { cache: { enabled, staleFactor: 5 } } as AppConfig;
  const metrics = new CacheMetrics();
  const tiers = new TieredCache(
    {
      l1: { enabled: true, maxEntries: 100, maxBytes: 1e7 },
      staleFactor: 5,
      refreshAheadRatio: 0.25,
      leaseMs: 1000,
      leaseWaitMs: 100,
      ackTimeoutMs: 100,
      invalidationTimeoutMs: 1000,
    },
    metrics,
  );
  const service = new CacheService(config, tiers, ttl, metrics);
  const changes: CacheChangeRecord[] = [];
  service.onChange((record) => changes.push(record));
  return { service, tiers, metrics, changes };
}

/** A loader serialising `value` through the service, as the interceptor's does, counting its calls. */
function loaderOf(
  service: CacheService,
  policy: CachePolicy,
  params: Record<string, string>,
  value: () => unknown,
  query?: Record<string, unknown>,
) {
  const calls = { count: 0 };
  const load = async (): Promise<LoadedValue> => {
    calls.count++;
    return service.serialise(policy, params, value(), query);
  };
  return { calls, load };
}

describe('CacheService', () => {
  it('serialises a result once: the JSON body, the TTL of its class, and the request and result tags', () => {
    const { service } = setUp();
    expect(service.serialise(restaurantPolicy, { id: '7' }, { id: 7, cuisine_type: 'Thai', is_active: true })).toEqual({
      body: '{"id":7,"cuisine_type":"Thai","is_active":true}',
      total: undefined,
      ttlMs: 3_600_000,
      tags: ['restaurant:7', 'cuisine:Thai'],
    });
  });

  it('serialises a page as its items and carries its total; a conditional policy may decline to cache', () => {
    const { service } = setUp();
    const active = new Page([{ id: 1, cuisine_type: 'Thai', is_active: true }], 12);
    expect(service.serialise(listPolicy, {}, active, { cuisine: 'Thai' })).toEqual({
      body: '[{"id":1,"cuisine_type":"Thai","is_active":true}]',
      total: 12,
      ttlMs: 3_600_000,
      tags: ['restaurants:lists', 'cuisine:Thai'],
    });
    const inactive = new Page([{ id: 2, cuisine_type: 'Thai', is_active: false }], 1);
    expect(service.serialise(listPolicy, {}, inactive).ttlMs).toBeNull();
  });

  it('loads on the first read and serves the second from L1 with the same body and ETag', async () => {
    const { service } = setUp();
    const { calls, load } = loaderOf(service, restaurantPolicy, { id: '7' }, () => ({ id: 7, cuisine_type: 'Thai', is_active: true }));
    const first = await service.read(restaurantPolicy, { id: '7' }, {}, load);
    const second = await service.read(restaurantPolicy, { id: '7' }, {}, load);
    expect(first.outcome).toBe('MISS');
    expect(second).toMatchObject({ outcome: 'HIT-L1', body: first.body, etag: first.etag });
    expect(first.etag).toMatch(/^"/);
    expect(calls.count).toBe(1);
  });

  it('keys reads by their arguments: another id or another query is another entry', async () => {
    const { service } = setUp();
    const { calls, load } = loaderOf(service, listPolicy, {}, () => [{ id: 1, cuisine_type: 'Thai', is_active: true }]);
    await service.read(listPolicy, {}, { cuisine: 'Thai' }, load);
    await service.read(listPolicy, {}, { cuisine: 'Thai' }, load);
    expect(calls.count).toBe(1);
    expect((await service.read(listPolicy, {}, { cuisine: 'Greek' }, load)).outcome).toBe('MISS');
    expect(calls.count).toBe(2);
  });

  it('never stores a result its policy declined', async () => {
    const { service } = setUp();
    const { calls, load } = loaderOf(service, listPolicy, {}, () => [{ id: 2, cuisine_type: 'Thai', is_active: false }]);
    await service.read(listPolicy, {}, {}, load);
    expect((await service.read(listPolicy, {}, {}, load)).outcome).toBe('MISS');
    expect(calls.count).toBe(2);
  });

  it("keys a session read by the signed-in principal, not by the URL's id", async () => {
    const { service } = setUp();
    const { calls, load } = loaderOf(service, customerPolicy, { id: '3' }, () => ({ id: 3 }));
    await service.read(customerPolicy, { id: '3' }, {}, load, 'customer:3');
    expect((await service.read(customerPolicy, { id: '3' }, {}, load, 'customer:3')).outcome).toBe('HIT-L1');
    // Another principal asking for the same URL never gets the first one's entry.
    expect((await service.read(customerPolicy, { id: '3' }, {}, load, 'operations')).outcome).toBe('MISS');
    expect(calls.count).toBe(2);
  });

  it('bypass loads every time, stores nothing, and counts a BYPASS', async () => {
    const { service, metrics } = setUp(false);
    const { calls, load } = loaderOf(service, restaurantPolicy, { id: '7' }, () => ({ id: 7, cuisine_type: 'Thai', is_active: true }));
    const answer = await service.bypass(restaurantPolicy, load);
    await service.bypass(restaurantPolicy, load);
    expect(answer.outcome).toBe('BYPASS');
    expect(answer.etag).toMatch(/^"/);
    expect(calls.count).toBe(2);
    expect(metrics.of('restaurants')).toMatchObject({ bypasses: 2 });
  });

  it('invalidates by tag on the next read, and tells the audit listeners what was removed and why', async () => {
    const { service, changes } = setUp();
    let cuisine = 'Thai';
    const { calls, load } = loaderOf(service, restaurantPolicy, { id: '7' }, () => ({ id: 7, cuisine_type: cuisine, is_active: true }));
    await service.read(restaurantPolicy, { id: '7' }, {}, load);
    cuisine = 'Greek';
    // A result tag (not known from the request) reaches the entry too.
    const report = await RequestContext.run('PUT /restaurants/:id', () => service.invalidate(['cuisine:Thai'], 'restaurant.updated'));
    expect(report.removed_l1).toEqual(['restaurants:restaurant:7']);
    expect(JSON.parse((await service.read(restaurantPolicy, { id: '7' }, {}, load)).body)).toMatchObject({ cuisine_type: 'Greek' });
    expect(calls.count).toBe(2);
    expect(changes).toEqual([
      {
        cause: 'PUT /restaurants/:id',
        action: 'invalidate',
        namespace: null,
        tags: ['cuisine:Thai'],
        keys: ['restaurants:restaurant:7'],
        reason: 'restaurant.updated',
        completes: [],
      },
    ]);
  });

  it('passes the outbox rows an invalidation completes to the audit, unless it was deferred (Redis not reached)', async () => {
    const { service, tiers, changes } = setUp();
    await service.invalidate(['restaurant:7'], 'restaurant.changed', ['41']);
    const deferred = {
      tags: ['restaurant:8'],
      removed_l1: [],
      removed_l2: [],
      instances_confirmed: 0,
      instances_expected: 0,
      deferred: true,
    };
    tiers.invalidate = () => Promise.resolve(deferred);
    await service.invalidate(['restaurant:8'], 'restaurant.changed', ['42']);
    expect(changes.map((change) => [change.tags, change.completes])).toEqual([
      [['restaurant:7'], ['41']],
      [['restaurant:8'], []],
    ]);
  });

  it('names the cause "internal" outside a request or job', () => {
    const { service, changes } = setUp();
    service.recordChange({ action: 'clear', namespace: 'restaurants', tags: [], keys: [], reason: 'test' });
    expect(changes[0].cause).toBe('internal');
  });

  it('write-through stores the value under the key a read of the route uses', async () => {
    const { service } = setUp();
    const invalidation = await service.invalidate(['restaurant:9'], 'restaurant.changed');
    expect(
      await service.writeThrough(
        restaurantPolicy,
        { id: '9' },
        async () => ({ id: 9, cuisine_type: 'Thai', is_active: true }),
        invalidation,
      ),
    ).toBe(true);
    const { calls, load } = loaderOf(service, restaurantPolicy, { id: '9' }, () => ({ id: 9, cuisine_type: 'stale', is_active: true }));
    const read = await service.read(restaurantPolicy, { id: '9' }, {}, load);
    expect(read.outcome).toBe('HIT-L1');
    expect(JSON.parse(read.body)).toEqual({ id: 9, cuisine_type: 'Thai', is_active: true });
    expect(calls.count).toBe(0);
  });

  it('says whether an invalidation removed the entry a read of the route had cached', async () => {
    const { service } = setUp();
    const { load } = loaderOf(service, restaurantPolicy, { id: '9' }, () => ({ id: 9, cuisine_type: 'Thai', is_active: true }));
    await service.read(restaurantPolicy, { id: '9' }, {}, load);
    const removing = await service.invalidate(['restaurant:9'], 'restaurant.changed');
    expect(service.removedBy(removing, restaurantPolicy, { id: '9' })).toBe(true);
    expect(service.removedBy(removing, restaurantPolicy, { id: '10' })).toBe(false);
    // Nothing cached any more: the same invalidation again removes nothing.
    const again = await service.invalidate(['restaurant:9'], 'restaurant.changed');
    expect(service.removedBy(again, restaurantPolicy, { id: '9' })).toBe(false);
  });

  it('write-through of a session route stores under the owner a read by that principal uses', async () => {
    const { service } = setUp();
    const invalidation = await service.invalidate(['customer:4'], 'customer.changed');
    expect(await service.writeThrough(customerPolicy, { id: '4' }, async () => ({ id: 4 }), invalidation)).toBe(true);
    const { calls, load } = loaderOf(service, customerPolicy, { id: '4' }, () => ({ id: 4 }));
    expect((await service.read(customerPolicy, { id: '4' }, {}, load, 'customer:4')).outcome).toBe('HIT-L1');
    expect(calls.count).toBe(0);
  });

  it('write-through stores nothing when one of its tags is invalidated again while it loads', async () => {
    const { service } = setUp();
    const invalidation = await service.invalidate(['restaurant:9'], 'restaurant.changed');
    const stored = await service.writeThrough(
      restaurantPolicy,
      { id: '9' },
      async () => {
        await service.invalidate(['restaurant:9'], 'restaurant.changed');
        return { id: 9, cuisine_type: 'Thai', is_active: true };
      },
      invalidation,
    );
    expect(stored).toBe(false);
  });

  it('write-through stores nothing when the cache is off or the policy declines the value', async () => {
    const off = setUp(false);
    let loads = 0;
    const offInvalidation = await off.service.invalidate(['restaurant:9'], 'restaurant.changed');
    expect(await off.service.writeThrough(restaurantPolicy, { id: '9' }, async () => (loads++, { id: 9 }), offInvalidation)).toBe(false);
    expect(loads).toBe(0);

    const { service } = setUp();
    const invalidation = await service.invalidate(['restaurants:lists'], 'restaurant.changed');
    expect(await service.writeThrough(listPolicy, {}, async () => [{ id: 2, cuisine_type: 'Thai', is_active: false }], invalidation)).toBe(
      false,
    );
    const { calls, load } = loaderOf(service, listPolicy, {}, () => []);
    expect((await service.read(listPolicy, {}, {}, load)).outcome).toBe('MISS');
    expect(calls.count).toBe(1);
  });
});
