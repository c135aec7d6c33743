import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { buildEntry } from '../src/cache/cache-entry.js';
import { INVALIDATE_TAGS, NEXT_SEQUENCE } from '../src/redis/redis-scripts.js';
import { INVALIDATION_CHUNK, RedisTier, TAG_MEMORY_MS } from '../src/cache/redis-tier.js';
import { RedisConnection, SharedRedis } from '../src/redis/redis-connection.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { eventually } from './support/eventually.js';
import { redisTargetForSuite, type RawRedis } from './support/topology.js';

/*
 * The tag index in Redis is bounded: tag sets expire with the entries they index, large sets are
 * invalidated a chunk per call, and tags come from validated values only. On a Redis Cluster
 * (TEST_TOPOLOGY=redis-cluster) each tag set is sharded by key group: an entry's tags live in its
 * group's shard (`tag:{group}{tag}`), in the entry's slot; on a single Redis the group is ''.
 */

const target = await redisTargetForSuite('test/tag-index.e2e-spec.ts', { multiInstance: false });
const describeWithRedis = target ? describe : describe.skip;

describeWithRedis('the tag index in Redis', () => {
  const prefix = `tiffin-tags-${randomBytes(4).toString('hex')}`;
  const meta = `${prefix}:_meta:`;
  let redis: RawRedis;
  let tier: RedisTier;

  /** Keys matching a pattern, by SCAN on every master (never KEYS on a shared Redis). */
  const scanKeys = (match: string) => target!.scan(match);
  const entry = (ttlMs: number, tags: string[]) => buildEntry({ body: '[]', tags, ttlMs }, 1);
  /** The key group of a cache key: '' on a single Redis, a hash tag such as `{3}` on a cluster. */
  const groupOf = (cacheKey: string) => tier.connection.keyGroupOf(cacheKey);
  /** `count` cache keys starting with `start` that share one key group, so one tag-set shard indexes them all. */
  const keysInOneGroup = (start: string, count: number) => {
    const keys = [`${start}0`];
    for (let index = 1; keys.length < count; index++) if (groupOf(`${start}${index}`) === groupOf(keys[0])) keys.push(`${start}${index}`);
    return keys;
  };

  beforeAll(async () => {
    redis = await target!.connect();
    const where = target!.clustered ? { clusterNodes: target!.env.REDIS_CLUSTER_NODES.split(',') } : { url: target!.url };
    tier = new RedisTier(new RedisConnection({ ...where, prefix, timeoutMs: 5000, onError: () => {} }), {
      invalidationTimeoutMs: 10_000,
      onBusReady: () => {},
      holdsL1: true,
    });
    tier.connection.start();
    await eventually('the Redis tier to connect', () => tier.connection.ready, { intervalMs: 20 });
  });

  afterAll(async () => {
    await tier?.connection.stop();
    await target!.deleteKeysUnderPrefix(prefix);
    await redis?.close();
  });

  it('gives a tag set the TTL of its longest-lived entry, raised when a longer one is added, never lowered', async () => {
    const [first, second, third] = keysInOneGroup('search:ttl-', 3);
    const tagSet = `${meta}tag:${groupOf(first)}ttl`;
    expect(await tier.setIfNotInvalidated(first, entry(60_000, ['ttl']), await tier.sequence(), [])).toBe(true);
    const firstTtl = await redis.pTTL(tagSet);
    expect(firstTtl).toBeGreaterThan(55_000);
    expect(firstTtl).toBeLessThanOrEqual(60_000);
    expect(await tier.setIfNotInvalidated(second, entry(120_000, ['ttl']), await tier.sequence(), [])).toBe(true);
    expect(await redis.pTTL(tagSet)).toBeGreaterThan(115_000);
    expect(await tier.setIfNotInvalidated(third, entry(1_000, ['ttl']), await tier.sequence(), [])).toBe(true);
    expect(await redis.pTTL(tagSet)).toBeGreaterThan(115_000);
    expect(await redis.sCard(tagSet)).toBe(3);
  });

  it('lets a tag set expire once its entries have', async () => {
    const tagSet = `${meta}tag:${groupOf('search:short')}short`;
    expect(await tier.setIfNotInvalidated('search:short', entry(300, ['short']), await tier.sequence(), [])).toBe(true);
    expect(await redis.exists(tagSet)).toBe(1);
    await eventually('the tag set to expire with its only entry', async () => (await redis.exists(tagSet)) === 0, {
      timeoutMs: 5000,
    });
    expect(await redis.exists(tier.redisKey('search:short'))).toBe(0);
  });

  /**
   * Stores `count` entries under one tag the way SET_IF_NOT_INVALIDATED leaves them, in batches:
   * all in key group `group`, so they and the tag's shard share a slot on a cluster.
   */
  async function fill(tag: string, count: number, keyPrefix: string, group: string): Promise<string[]> {
    const keys = Array.from({ length: count }, (_, index) => `${prefix}:search:${group}${keyPrefix}-${index}`);
    for (let start = 0; start < count; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      await Promise.all(batch.map((key) => redis.set(key, '{}', { PX: 120_000 })));
      await redis.sAdd(`${meta}tag:${group}${tag}`, batch);
      await redis.pExpire(`${meta}tag:${group}${tag}`, 120_000);
    }
    return keys;
  }
  /** Some key group: '' on a single Redis. */
  const aGroup = () => tier.connection.keyGroups[0];

  it('invalidates a 20,000-member tag completely, a chunk per Redis call', async () => {
    const group = aGroup();
    const keys = await fill('big', 20_000, 'big', group);
    const evals = jest.spyOn(tier.connection, 'runScript');
    try {
      const { removed } = await tier.invalidateTags(['big']);
      expect(removed).toHaveLength(20_000);
      // The cache keys: our prefix and the group's hash tag removed.
      expect(new Set(removed)).toEqual(new Set(keys.map((key) => key.slice(prefix.length + 1).replace(group, ''))));
      // On a single Redis one call records the sequence and detaches the set; on a cluster one takes
      // the sequence and one per key group detaches its shard. Then one per chunk (the last may find it empty).
      const firstStep = target!.clustered ? 1 + tier.connection.keyGroups.length : 1;
      expect(evals.mock.calls.length).toBeGreaterThanOrEqual(firstStep + 20_000 / INVALIDATION_CHUNK);
      expect(evals.mock.calls.length).toBeLessThanOrEqual(firstStep + 1 + 20_000 / INVALIDATION_CHUNK);
    } finally {
      evals.mockRestore();
    }
    const existing = async (some: string[]) => (await Promise.all(some.map((key) => redis.exists(key)))).reduce((sum, n) => sum + n, 0);
    expect(await existing(keys.slice(0, 1000))).toBe(0);
    expect(await existing(keys.slice(19_000))).toBe(0);
    expect(await redis.exists(`${meta}tag:${group}big`)).toBe(0);
    expect((await scanKeys(`${meta}drain:*`)).length).toBe(0);
  });

  it('stays correct with a writer storing while a large set is being emptied', async () => {
    const [late, fresh] = keysInOneGroup('search:writer-', 2);
    const group = groupOf(late);
    await fill('busy', 2_000, 'busy', group);
    const before = await tier.sequence();
    // The first step alone, for the group's shard: the sequence is recorded and the set detached, not
    // yet emptied. A single Redis takes the sequence in the same call; a cluster takes it first.
    const client = tier.connection.client;
    const sequenceNow = target!.clustered ? ((await client.eval(NEXT_SEQUENCE, { keys: [`${meta}seq`] })) as string) : '';
    const [sequence, drains] = (await client.eval(INVALIDATE_TAGS, {
      keys: target!.clustered ? [`${meta}tagseq:${group}`] : [],
      arguments: [meta, String(TAG_MEMORY_MS), String(INVALIDATION_CHUNK), group, sequenceNow, '', 'busy'],
    })) as [string, string[], string[]];
    expect(drains).toEqual([`${meta}drain:${group}${sequence}:busy`]);
    // A load that began before the invalidation may not store; one that began after may, in a fresh set.
    expect(await tier.setIfNotInvalidated(late, entry(60_000, ['busy']), before, [])).toBe(false);
    expect(await tier.setIfNotInvalidated(fresh, entry(60_000, ['busy']), Number(sequence), [])).toBe(true);
    expect(await redis.sMembers(`${meta}tag:${group}busy`)).toEqual([tier.redisKey(fresh)]);
    const removed = await tier.drainTagSet(drains[0]);
    expect(removed).toHaveLength(2_000);
    expect(await redis.exists(tier.redisKey(fresh))).toBe(1);
    expect(await redis.exists(drains[0])).toBe(0);
  });

  describe('in the app', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ env: { ...target!.env, CACHE_PREFIX: `${prefix}-app` } });
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
      await target!.deleteKeysUnderPrefix(`${prefix}-app`);
    });

    /** The search tags in the index, each once (a cluster holds a shard per key group in use). */
    const searchTags = async () => {
      const keys = await scanKeys(`${prefix}-app:_meta:tag:*restaurants:search:*`);
      return [...new Set(keys.map((key) => key.slice(`${prefix}-app:_meta:tag:`.length).replace(/^\{[0-9a-z]+\}/, '')))].sort();
    };

    it('tags searches with existing cuisines or `*` and the band of their minimum rating, never with free text', async () => {
      for (const query of [
        'cuisine=Zz Nonexistent 1',
        'cuisine=Zz Nonexistent 2&min_rating=4.7',
        'cuisine=Italian',
        'cuisine=Italian&min_rating=0.2',
      ]) {
        const response = await t.http.get(`/restaurants/search?${query.replaceAll(' ', '%20')}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('x-cache')).toBe('MISS');
      }
      expect((await t.http.get('/restaurants/search?location=tag&min_rating=3.14')).status).toBe(200);
      expect(await searchTags()).toEqual([
        'restaurants:search:*:0.0',
        'restaurants:search:*:3.0',
        'restaurants:search:*:4.5',
        'restaurants:search:italian:0.0',
      ]);
      const everyCuisine = await scanKeys(`${prefix}-app:_meta:tag:*restaurants:search:[*]:*`);
      expect(everyCuisine.length).toBeGreaterThan(0);
      for (const tagSet of everyCuisine) expect(await redis.pTTL(tagSet)).toBeGreaterThan(0);
    });

    it('finishes, in cleanup, an invalidation whose instance stopped half-way', async () => {
      const appMeta = `${prefix}-app:_meta:`;
      // In one key group, as an invalidation leaves them ('' on a single Redis): one slot on a cluster.
      const group = t.app.get(SharedRedis).connection!.keyGroups[0];
      const keys = Array.from({ length: 1200 }, (_, index) => `${prefix}-app:search:${group}orphan-${index}`);
      const drain = `${appMeta}drain:${group}1:orphan`;
      await Promise.all(keys.map((key) => redis.set(key, '{}', { PX: 120_000 })));
      await redis.sAdd(drain, keys);
      const response = await t.admin.delete('/cache/clear/expired');
      expect(response.status).toBe(200);
      expect(response.body.tag_index).toMatchObject({ drains_finished: 1, drained_entries: 1200, complete: true });
      expect(await redis.exists(keys.slice(0, 500))).toBe(0);
      expect(await redis.exists(drain)).toBe(0);
    });
  });
});
