import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createClient } from '@keyv/redis';
import { randomBytes } from 'node:crypto';
import { buildEntry } from '../src/cache/cache-entry.js';
import { INVALIDATE_TAGS } from '../src/redis/redis-scripts.js';
import { INVALIDATION_CHUNK, RedisTier, TAG_MEMORY_MS } from '../src/cache/redis-tier.js';
import { RedisConnection } from '../src/redis/redis-connection.js';
import { deleteKeysUnderPrefix } from './support/redis-keys.js';
import { redisForSuite } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { eventually } from './support/eventually.js';

/*
 * The tag index in Redis is bounded: tag sets expire with the entries they index, large sets are
 * invalidated a chunk per call, and tags come from validated values only.
 */

const redisUrl = await redisForSuite('test/tag-index.e2e-spec.ts');
const describeWithRedis = redisUrl ? describe : describe.skip;

describeWithRedis('the tag index in Redis', () => {
  const prefix = `tiffin-tags-${randomBytes(4).toString('hex')}`;
  const meta = `${prefix}:_meta:`;
  let redis: ReturnType<typeof createClient>;
  let tier: RedisTier;

  /** Keys matching a pattern, by SCAN (never KEYS on a shared Redis). */
  const scanKeys = async (match: string) => {
    const found: string[] = [];
    for await (const keys of redis.scanIterator({ MATCH: match, COUNT: 500 })) found.push(...keys);
    return found;
  };
  const entry = (ttlMs: number, tags: string[]) => buildEntry({ body: '[]', tags, ttlMs }, 1);

  beforeAll(async () => {
    redis = createClient({ url: redisUrl! });
    await redis.connect();
    tier = new RedisTier(new RedisConnection({ url: redisUrl!, prefix, timeoutMs: 5000, onError: () => {} }), {
      invalidationTimeoutMs: 10_000,
      onBusReady: () => {},
    });
    tier.connection.start();
    await eventually('the Redis tier to connect', () => tier.connection.ready, { intervalMs: 20 });
  });

  afterAll(async () => {
    await tier?.connection.stop();
    await deleteKeysUnderPrefix(redisUrl!, prefix);
    await redis?.close();
  });

  it('gives a tag set the TTL of its longest-lived entry, raised when a longer one is added, never lowered', async () => {
    const tagSet = `${meta}tag:ttl`;
    expect(await tier.setIfNotInvalidated('search:a', entry(60_000, ['ttl']), await tier.sequence(), [])).toBe(true);
    const first = await redis.pTTL(tagSet);
    expect(first).toBeGreaterThan(55_000);
    expect(first).toBeLessThanOrEqual(60_000);
    expect(await tier.setIfNotInvalidated('search:b', entry(120_000, ['ttl']), await tier.sequence(), [])).toBe(true);
    expect(await redis.pTTL(tagSet)).toBeGreaterThan(115_000);
    expect(await tier.setIfNotInvalidated('search:c', entry(1_000, ['ttl']), await tier.sequence(), [])).toBe(true);
    expect(await redis.pTTL(tagSet)).toBeGreaterThan(115_000);
    expect(await redis.sCard(tagSet)).toBe(3);
  });

  it('lets a tag set expire once its entries have', async () => {
    expect(await tier.setIfNotInvalidated('search:short', entry(300, ['short']), await tier.sequence(), [])).toBe(true);
    expect(await redis.exists(`${meta}tag:short`)).toBe(1);
    await eventually('the tag set to expire with its only entry', async () => (await redis.exists(`${meta}tag:short`)) === 0, {
      timeoutMs: 5000,
    });
    expect(await redis.exists(`${prefix}:search:short`)).toBe(0);
  });

  /** Stores `count` entries under one tag the way SET_IF_NOT_INVALIDATED leaves them, in pipelines. */
  async function fill(tag: string, count: number, keyPrefix: string): Promise<string[]> {
    const keys = Array.from({ length: count }, (_, index) => `${prefix}:search:${keyPrefix}-${index}`);
    for (let start = 0; start < count; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      const multi = redis.multi();
      for (const key of batch) multi.set(key, '{}', { PX: 120_000 });
      multi.sAdd(`${meta}tag:${tag}`, batch);
      multi.pExpire(`${meta}tag:${tag}`, 120_000);
      await multi.exec();
    }
    return keys;
  }

  it('invalidates a 20,000-member tag completely, a chunk per Redis call', async () => {
    const keys = await fill('big', 20_000, 'big');
    const evals = jest.spyOn(tier.connection.client, 'eval');
    try {
      const { removed } = await tier.invalidateTags(['big']);
      expect(removed).toHaveLength(20_000);
      expect(new Set(removed)).toEqual(new Set(keys.map((key) => key.slice(prefix.length + 1))));
      // One call records the sequence and detaches the set, then one per chunk (the last may find it empty).
      expect(evals.mock.calls.length).toBeGreaterThanOrEqual(1 + 20_000 / INVALIDATION_CHUNK);
      expect(evals.mock.calls.length).toBeLessThanOrEqual(2 + 20_000 / INVALIDATION_CHUNK);
    } finally {
      evals.mockRestore();
    }
    expect(await redis.exists(keys.slice(0, 1000))).toBe(0);
    expect(await redis.exists(keys.slice(19_000))).toBe(0);
    expect(await redis.exists(`${meta}tag:big`)).toBe(0);
    expect((await scanKeys(`${meta}drain:*`)).length).toBe(0);
  });

  it('stays correct with a writer storing while a large set is being emptied', async () => {
    await fill('busy', 2_000, 'busy');
    const before = await tier.sequence();
    // The first step alone: the sequence is recorded and the set detached, not yet emptied.
    const [sequence, drains] = (await redis.eval(INVALIDATE_TAGS, {
      arguments: [meta, String(TAG_MEMORY_MS), String(INVALIDATION_CHUNK), '', '', 'busy'],
    })) as [string, string[], string[]];
    expect(drains).toEqual([`${meta}drain:${sequence}:busy`]);
    // A load that began before the invalidation may not store; one that began after may, in a fresh set.
    expect(await tier.setIfNotInvalidated('search:late', entry(60_000, ['busy']), before, [])).toBe(false);
    expect(await tier.setIfNotInvalidated('search:fresh', entry(60_000, ['busy']), Number(sequence), [])).toBe(true);
    expect(await redis.sMembers(`${meta}tag:busy`)).toEqual([`${prefix}:search:fresh`]);
    const removed = await tier.drainTagSet(drains[0]);
    expect(removed).toHaveLength(2_000);
    expect(await redis.exists(`${prefix}:search:fresh`)).toBe(1);
    expect(await redis.exists(drains[0])).toBe(0);
  });

  describe('in the app', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ env: { REDIS_URL: redisUrl!, CACHE_PREFIX: `${prefix}-app` } });
      const created = await t.admin.post('/restaurants', {
        name: 'Tag Trattoria',
        cuisine_type: 'Italian',
        address: '1 Tag Street',
        phone_number: '+1-555-0100',
      });
      expect(created.status).toBe(201);
    });

    afterAll(async () => {
      await t?.close();
      await deleteKeysUnderPrefix(redisUrl!, `${prefix}-app`);
    });

    const searchTags = async () =>
      (await scanKeys(`${prefix}-app:_meta:tag:restaurants:search:*`)).map((key) => key.slice(`${prefix}-app:_meta:tag:`.length)).sort();

    it('tags searches with existing cuisines or `*`, never with free text', async () => {
      for (const cuisine of ['Zz Nonexistent 1', 'Zz Nonexistent 2', 'Italian']) {
        const response = await t.http.get(`/restaurants/search?cuisine=${encodeURIComponent(cuisine)}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('x-cache')).toBe('MISS');
      }
      expect((await t.http.get('/restaurants/search?location=tag')).status).toBe(200);
      expect(await searchTags()).toEqual(['restaurants:search:*', 'restaurants:search:italian']);
      const ttl = await redis.pTTL(`${prefix}-app:_meta:tag:restaurants:search:*`);
      expect(ttl).toBeGreaterThan(0);
    });

    it('finishes, in cleanup, an invalidation whose instance stopped half-way', async () => {
      const appMeta = `${prefix}-app:_meta:`;
      const keys = Array.from({ length: 1200 }, (_, index) => `${prefix}-app:search:orphan-${index}`);
      const multi = redis.multi();
      for (const key of keys) multi.set(key, '{}', { PX: 120_000 });
      multi.sAdd(`${appMeta}drain:1:orphan`, keys);
      await multi.exec();
      const response = await t.admin.delete('/cache/clear/expired');
      expect(response.status).toBe(200);
      expect(response.body.tag_index).toMatchObject({ drains_finished: 1, drained_entries: 1200, complete: true });
      expect(await redis.exists(keys.slice(0, 500))).toBe(0);
      expect(await redis.exists(`${appMeta}drain:1:orphan`)).toBe(0);
    });
  });
});
