import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { buildEntry } from '../src/cache/cache-entry.js';
import { INVALIDATION_CHUNK, RedisTier } from '../src/cache/redis-tier.js';
import { RedisConnection } from '../src/redis/redis-connection.js';
import { eventually } from './support/eventually.js';
import { redisForSuite } from './support/services.js';

/*
 * The invalidation bus over a real Redis: who must confirm an invalidation, and where the
 * confirmations go. Three tiers share one prefix: two keep an L1, one keeps none.
 */

const url = await redisForSuite('test/invalidation-bus.e2e-spec.ts');
const describeWithRedis = url ? describe : describe.skip;

describeWithRedis('the invalidation bus', () => {
  const prefix = `tiffin-bus-${randomBytes(4).toString('hex')}`;
  const connections: RedisConnection[] = [];
  const dropped = new Map<string, string[][]>();

  function tier(name: string, holdsL1: boolean): RedisTier {
    const connection = new RedisConnection({ url: url!, prefix, timeoutMs: 5000, onError: () => {} });
    connections.push(connection);
    const created = new RedisTier(connection, { invalidationTimeoutMs: 5000, onBusReady: () => {}, holdsL1 });
    dropped.set(name, []);
    created.onInvalidation((message) => dropped.get(name)!.push(message.tags));
    connection.start();
    return created;
  }

  let writer: RedisTier;
  let reader: RedisTier;
  let withoutL1: RedisTier;
  /** Everything published on the confirmation channel every instance shared before directed ones. */
  const onSharedChannel: string[] = [];
  let listener: RedisConnection;

  beforeAll(async () => {
    writer = tier('writer', true);
    reader = tier('reader', true);
    withoutL1 = tier('without L1', false);
    listener = new RedisConnection({ url: url!, prefix, timeoutMs: 5000, onError: () => {} });
    connections.push(listener);
    listener.subscribe(`${prefix}:_meta:ack`, (raw) => onSharedChannel.push(raw));
    listener.start();
    await eventually('every connection subscribed', () => connections.every((connection) => connection.subscriptionsReady), {
      intervalMs: 10,
    });
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.stop()));
  });

  it('waits for the instances that keep an L1 only, and sends each confirmation to the writer alone', async () => {
    const { acks } = await writer.invalidateEverywhere(['restaurant:1'], 2000);
    expect(acks).toEqual({ expected: 1, confirmed: 1 });
    expect(dropped.get('reader')).toEqual([['restaurant:1']]);
    expect(dropped.get('without L1')).toEqual([]);
    expect(dropped.get('writer')).toEqual([]);

    // An instance without an L1 still writes, and waits for both that keep one.
    expect((await withoutL1.invalidateEverywhere(['restaurant:2'], 2000)).acks).toEqual({ expected: 2, confirmed: 2 });
    expect(dropped.get('writer')).toEqual([['restaurant:2']]);
    expect(onSharedChannel).toEqual([]);
  });

  it('announces an invalidation in its own call when nothing was left to drain, otherwise after the drain', async () => {
    const entry = buildEntry({ body: '[]', tags: ['menu:big'], ttlMs: 60_000 }, 1);
    const keys = Array.from({ length: INVALIDATION_CHUNK * 2 }, (_, index) => `search:big-${index}`);
    for (const key of keys) expect(await writer.setIfNotInvalidated(key, entry, await writer.sequence(), [])).toBe(true);
    // What the other instance finds in Redis when the message reaches it (its next command runs after the publication).
    let leftWhenHeard: Promise<number> | undefined;
    reader.onInvalidation(() => {
      const reads = keys.map((key) => reader.connection.client.get(reader.redisKey(key)));
      leftWhenHeard = Promise.all(reads).then((values) => values.filter((value) => value !== null).length);
    });

    const drained = await writer.invalidateEverywhere(['menu:big'], 2000);
    expect(drained.removed).toHaveLength(keys.length);
    expect(drained.acks).toEqual({ expected: 1, confirmed: 1 });
    expect(await leftWhenHeard).toBe(0);

    const small = JSON.stringify({
      id: randomUUID(),
      origin: writer.connection.instanceId,
      tags: ['menu:small'],
      ackTo: `${prefix}:_meta:ack:nobody`,
    });
    expect((await writer.invalidateTags(['menu:small'], small)).receivers).toBe(2);
    for (const key of keys) expect(await writer.setIfNotInvalidated(key, entry, await writer.sequence(), [])).toBe(true);
    expect((await writer.invalidateTags(['menu:big'], small)).receivers).toBeUndefined();
  });

  it('confirms on the shared channel a message from an instance of an earlier release, which names no channel', async () => {
    const id = randomUUID();
    const legacy = { id, origin: 'an-earlier-release', tags: ['customer:7'] };
    expect(await listener.publish(`${prefix}:_meta:invalidate`, JSON.stringify(legacy))).toBe(2);
    await eventually('both instances with an L1 to confirm', () => onSharedChannel.length === 2, { intervalMs: 10 });
    const confirmations = onSharedChannel.map((raw) => JSON.parse(raw) as { id: string; from: string });
    expect(confirmations.map((confirmation) => confirmation.id)).toEqual([id, id]);
    expect(new Set(confirmations.map((confirmation) => confirmation.from))).toEqual(
      new Set([writer.connection.instanceId, reader.connection.instanceId]),
    );
  });

  it('counts confirmations an instance of an earlier release sends on the shared channel', async () => {
    // What such an instance does: it answers every invalidation on the shared channel.
    listener.subscribe(`${prefix}:_meta:invalidate`, (raw) => {
      const { id } = JSON.parse(raw) as { id: string };
      void listener.publish(`${prefix}:_meta:ack`, JSON.stringify({ id, from: 'an-earlier-release' }));
    });
    await eventually('the earlier release subscribed', async () => (await listener.subscriberCount(`${prefix}:_meta:invalidate`)) === 3, {
      intervalMs: 10,
    });
    expect((await writer.invalidateEverywhere(['order:9'], 2000)).acks).toEqual({ expected: 2, confirmed: 2 });
  });
});
