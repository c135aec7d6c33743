import { NotFoundException } from '@nestjs/common';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { buildEntry, type CacheEntry } from './cache-entry.js';
import { CacheMetrics } from './cache-metrics.js';
import type { RedisTier } from './redis-tier.js';
import { TieredCache, type LoadedValue } from './tiered-cache.js';

const options = {
  l1: { enabled: true, maxEntries: 100, maxBytes: 1e7 },
  staleFactor: 5,
  refreshAheadRatio: 0.25,
  leaseMs: 1000,
  leaseWaitMs: 100,
  ackTimeoutMs: 100,
  invalidationTimeoutMs: 1000,
};

const lookup = { namespace: 'restaurants' as const, key: 'restaurant:1', tags: ['restaurant:1'] };

function counting(body: () => string, ttlMs = 60_000) {
  const calls = { count: 0 };
  const loader = async (): Promise<LoadedValue> => {
    calls.count++;
    return { body: body(), ttlMs, tags: ['restaurant:1'] };
  };
  return { calls, loader };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** Fakes only the clock (Date.now), so TTL arithmetic is exact whatever the machine's load. */
function useClockAt(ms: number): void {
  jest.useFakeTimers({
    doNotFake: [
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'setImmediate',
      'clearImmediate',
      'nextTick',
      'queueMicrotask',
      'performance',
      'hrtime',
    ],
    now: ms,
  });
}

describe('TieredCache with L1 only', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('loads on a miss, then serves from L1', async () => {
    const cache = new TieredCache(options, new CacheMetrics());
    const { calls, loader } = counting(() => '{"v":1}');
    expect((await cache.read(lookup, loader)).outcome).toBe('MISS');
    const hit = await cache.read(lookup, loader);
    expect(hit).toMatchObject({ outcome: 'HIT-L1', body: '{"v":1}' });
    expect(hit.etag).toMatch(/^"/);
    expect(calls.count).toBe(1);
  });

  it('runs the loader once for concurrent misses of one key', async () => {
    const metrics = new CacheMetrics();
    const cache = new TieredCache(options, metrics);
    const gate = deferred<void>();
    let loads = 0;
    const loader = async (): Promise<LoadedValue> => {
      loads++;
      await gate.promise;
      return { body: '"x"', ttlMs: 60_000, tags: [] };
    };
    const reads = Array.from({ length: 200 }, () => cache.read(lookup, loader));
    gate.resolve();
    const results = await Promise.all(reads);
    expect(loads).toBe(1);
    expect(results.every((result) => result.body === '"x"')).toBe(true);
    expect(metrics.of('restaurants').misses).toBe(200);
  });

  it('does not store a load that an invalidation overtook (the stale-set race)', async () => {
    const cache = new TieredCache(options, new CacheMetrics());
    const loadStarted = deferred<void>();
    const finishLoad = deferred<void>();
    const slowLoader = async (): Promise<LoadedValue> => {
      loadStarted.resolve();
      await finishLoad.promise;
      return { body: '"before the write"', ttlMs: 60_000, tags: ['restaurant:1'] };
    };
    const read = cache.read(lookup, slowLoader);
    await loadStarted.promise;
    await cache.invalidate(['restaurant:1']);
    finishLoad.resolve();
    expect((await read).body).toBe('"before the write"');
    const { loader } = counting(() => '"after the write"');
    expect(await cache.read(lookup, loader)).toMatchObject({ outcome: 'MISS', body: '"after the write"' });
  });

  it('invalidates only the tagged entries', async () => {
    const cache = new TieredCache(options, new CacheMetrics());
    const other = { namespace: 'restaurants' as const, key: 'restaurant:2', tags: ['restaurant:2'] };
    await cache.read(lookup, counting(() => '1').loader);
    await cache.read(other, async () => ({ body: '2', ttlMs: 60_000, tags: ['restaurant:2'] }));
    const report = await cache.invalidate(['restaurant:1']);
    expect(report.removed_l1).toEqual(['restaurants:restaurant:1']);
    expect((await cache.read(other, async () => ({ body: 'reloaded', ttlMs: 1, tags: [] }))).outcome).toBe('HIT-L1');
  });

  it('never serves a session entry to another owner', async () => {
    const cache = new TieredCache(options, new CacheMetrics());
    const forA = { ...lookup, owner: 'customer:1' };
    const forB = { ...lookup, owner: 'customer:2' };
    await cache.read(forA, counting(() => '"A"').loader);
    expect(await cache.read(forB, counting(() => '"B"').loader)).toMatchObject({ outcome: 'MISS', body: '"B"' });
  });

  it('serves a recently expired entry when the load fails (stale-if-error), but not a 404', async () => {
    useClockAt(0);
    const cache = new TieredCache({ ...options }, new CacheMetrics());
    await cache.read(lookup, counting(() => '"old"', 1000).loader);
    jest.setSystemTime(3000); // expired (TTL 1 s) but within 5 x TTL
    const failing = async (): Promise<LoadedValue> => {
      throw new Error('connection refused');
    };
    expect(await cache.read(lookup, failing)).toMatchObject({ outcome: 'STALE', body: '"old"' });
    const notFound = async (): Promise<LoadedValue> => {
      throw new NotFoundException('Restaurant 1 not found');
    };
    await expect(cache.read(lookup, notFound)).rejects.toBeInstanceOf(NotFoundException);
    jest.setSystemTime(5001); // past 5 x TTL: gone
    await expect(cache.read(lookup, failing)).rejects.toThrow('connection refused');
  });

  it('refreshes an entry in the background when less than a quarter of its TTL is left', async () => {
    useClockAt(0);
    const cache = new TieredCache(options, new CacheMetrics());
    let version = 1;
    const loader = async (): Promise<LoadedValue> => ({ body: `${version}`, ttlMs: 1000, tags: [] });
    await cache.read(lookup, loader);
    version = 2;
    jest.setSystemTime(700); // 30% left: not due
    expect(await cache.read(lookup, loader)).toMatchObject({ outcome: 'HIT-L1', body: '1' });
    jest.setSystemTime(800); // 20% left: served as it is, reloaded behind the scenes
    expect(await cache.read(lookup, loader)).toMatchObject({ outcome: 'HIT-L1', body: '1' });
    await new Promise((done) => setImmediate(done));
    expect(await cache.read(lookup, loader)).toMatchObject({ outcome: 'HIT-L1', body: '2' });
  });

  it('refresh keeps serving the current entry while it loads, then replaces it with its load time as storedAt', async () => {
    const cache = new TieredCache(options, new CacheMetrics());
    await cache.read(lookup, async () => ({ body: '"old"', ttlMs: 60_000, tags: ['restaurant:1'] }));
    const load = deferred<LoadedValue>();
    const refreshed = cache.refresh({ ...lookup, source: '/restaurants/1' }, () => load.promise);
    const during = await cache.read(lookup, async () => ({ body: '"a miss"', ttlMs: 60_000, tags: ['restaurant:1'] }));
    expect(during).toMatchObject({ outcome: 'HIT-L1', body: '"old"' });
    const startedBefore = Date.now();
    load.resolve({ body: '"new"', ttlMs: 60_000, tags: ['restaurant:1'] });
    expect(await refreshed).toMatchObject({ outcome: 'REFRESH', body: '"new"', stored: true });
    const after = await cache.read(lookup, async () => ({ body: '"a miss"', ttlMs: 60_000, tags: ['restaurant:1'] }));
    expect(after).toMatchObject({ outcome: 'HIT-L1', body: '"new"' });
    expect(after.storedAt).toBeLessThanOrEqual(startedBefore);
    expect((await cache.entry('restaurants:restaurant:1'))?.source).toBe('/restaurants/1');
  });

  it('refresh does not store a load overtaken by an invalidation of its tags', async () => {
    const cache = new TieredCache(options, new CacheMetrics());
    await cache.read(lookup, async () => ({ body: '"old"', ttlMs: 60_000, tags: ['restaurant:1'] }));
    const load = deferred<LoadedValue>();
    const refreshed = cache.refresh(lookup, () => load.promise);
    await cache.invalidate(['restaurant:1']);
    load.resolve({ body: '"before the write"', ttlMs: 60_000, tags: ['restaurant:1'] });
    expect((await refreshed).stored).toBe(false);
    expect((await cache.read(lookup, async () => ({ body: '"after"', ttlMs: 60_000, tags: ['restaurant:1'] }))).body).toBe('"after"');
  });

  it('tells its read listener about hits and stored misses', async () => {
    const cache = new TieredCache(options, new CacheMetrics());
    const reads: string[] = [];
    cache.onRead((namespace, key) => reads.push(`${namespace} ${key}`));
    const { loader } = counting(() => '1');
    await cache.read(lookup, loader);
    await cache.read(lookup, loader);
    expect(reads).toEqual(['restaurants restaurants:restaurant:1', 'restaurants restaurants:restaurant:1']);
  });

  it('does not cache a result its policy declined', async () => {
    const cache = new TieredCache(options, new CacheMetrics());
    const declined = async (): Promise<LoadedValue> => ({ body: '"in progress"', ttlMs: null, tags: [] });
    await cache.read(lookup, declined);
    expect((await cache.read(lookup, declined)).outcome).toBe('MISS');
  });
});

describe('TieredCache while Redis is skipped for a moment', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  /**
   * A Redis tier inside its skip window after one late answer: not ready for reads, the bus not
   * trusted (so L1 is not used), but answering again. It holds the expired entry of `lookup`.
   */
  function skippedRedis(stored: CacheEntry | undefined) {
    const reads: string[] = [];
    const tier = {
      busReady: false,
      onInvalidation: () => {},
      connection: { instanceId: 'this-instance', ready: false, subscribeMessages: () => () => {} },
      get: async (cacheKey: string) => {
        reads.push(cacheKey);
        return stored;
      },
    };
    return { tier: tier as unknown as RedisTier, reads };
  }

  it('asks Redis once more for a stale copy when the load fails, instead of answering the error', async () => {
    useClockAt(10_000);
    const expired = buildEntry({ body: '"old"', tags: ['restaurant:1'], ttlMs: 1000 }, 5, 8_000);
    const { tier, reads } = skippedRedis(expired);
    const cache = new TieredCache({ ...options }, new CacheMetrics(), tier);
    const failing = async (): Promise<LoadedValue> => {
      throw new Error('Query read timeout');
    };
    expect(await cache.read(lookup, failing)).toMatchObject({ outcome: 'STALE', body: '"old"' });
    expect(reads).toEqual(['restaurants:restaurant:1']);
  });

  it('still answers the error when Redis holds nothing usable, and never looks for a caller error', async () => {
    useClockAt(10_000);
    const longGone = buildEntry({ body: '"old"', tags: ['restaurant:1'], ttlMs: 1000 }, 5, 1_000);
    const { tier, reads } = skippedRedis(longGone);
    const cache = new TieredCache({ ...options }, new CacheMetrics(), tier);
    await expect(
      cache.read(lookup, async () => {
        throw new Error('Query read timeout');
      }),
    ).rejects.toThrow('Query read timeout');
    await expect(
      cache.read(lookup, async () => {
        throw new NotFoundException('Restaurant 1 not found');
      }),
    ).rejects.toBeInstanceOf(NotFoundException);
    expect(reads).toEqual(['restaurants:restaurant:1']);
  });
});
