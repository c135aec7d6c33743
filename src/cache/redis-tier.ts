import { Logger } from '@nestjs/common';
import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import { randomUUID } from 'node:crypto';
import type { CacheEntry } from './cache-entry.js';
import type { BoundOptions, RedisConnection } from '../redis/redis-connection.js';
import { DRAIN_TAG_SET, INVALIDATE_TAGS, NEXT_SEQUENCE, SET_IF_NOT_INVALIDATED } from '../redis/redis-scripts.js';

/** How long a tag remembers its last invalidation; a load older than this is never stored. */
export const TAG_MEMORY_MS = 10 * 60 * 1000;

/**
 * Tag-set members one invalidation call handles at most (entries unlinked per Lua call), so no
 * single call grows with the tag and a large invalidation never stalls the other clients of
 * Redis for long: a few microseconds per entry on a quiet Redis, about ten times that on a 2-core
 * machine under heavy load (bench/tag-index.mjs measures it).
 */
export const INVALIDATION_CHUNK = 200;

export interface RedisTierOptions {
  /** The bound of invalidations (the tag script and the bus message), longer than the connection's. */
  invalidationTimeoutMs: number;
  /** The invalidation bus came up (or back): the caller must assume it missed messages. */
  onBusReady: () => void;
  /**
   * This instance keeps an L1, so it must hear other instances' invalidations. One that keeps
   * none (the cache or L1 disabled) does not subscribe, so no writer waits for its confirmation.
   */
  holdsL1: boolean;
}

export interface InvalidationMessage {
  id: string;
  origin: string;
  tags: string[];
  /**
   * The channel the writer hears confirmations on (its own). Absent in a message from an instance
   * of an earlier release, which hears them on the channel shared by every instance.
   */
  ackTo?: string;
}

/**
 * L2: Redis through @keyv/redis, on the app's shared connection (src/redis). Reads go through
 * Keyv; writes and invalidations that must be atomic go through Lua on the same client, in Keyv's
 * serialised format. Every call is bounded by the connection's timeout and fails fast while
 * disconnected, so a slow or absent Redis costs a request at most that long.
 */
export class RedisTier {
  private readonly logger = new Logger('RedisTier');
  /** Reads, and the serialised format the Lua writes use. */
  private readonly keyv: Keyv;
  /** `{meta}invalidate`: INVALIDATE_TAGS publishes on the same name, from the meta prefix it is given. */
  private readonly invalidationChannel: string;
  /** Confirmations of this instance's invalidations, and of no other's. */
  private readonly ackChannel: string;
  /** Where instances of an earlier release confirm every invalidation, whoever sent it. */
  private readonly sharedAckChannel: string;
  private readonly pendingAcks = new Map<string, { needed: number; received: number; done: () => void }>();
  private invalidationHandler: (message: InvalidationMessage) => void = () => {};

  constructor(
    readonly connection: RedisConnection,
    private readonly options: RedisTierOptions,
  ) {
    const store = new KeyvRedis(connection.native, {
      namespace: connection.prefix,
      keyPrefixSeparator: ':',
      throwOnConnectError: false,
      throwOnErrors: true,
    });
    this.keyv = new Keyv({ store, namespace: connection.prefix, useKeyPrefix: false });
    this.keyv.throwOnErrors = true;
    this.invalidationChannel = `${connection.metaPrefix}invalidate`;
    this.sharedAckChannel = `${connection.metaPrefix}ack`;
    this.ackChannel = `${connection.metaPrefix}ack:${connection.instanceId}`;
    if (options.holdsL1) connection.subscribe(this.invalidationChannel, (raw) => this.receiveInvalidation(raw));
    connection.subscribe(this.ackChannel, (raw) => this.receiveAck(raw));
    connection.subscribe(this.sharedAckChannel, (raw) => this.receiveAck(raw));
    connection.onSubscriptionsReady(() => this.options.onBusReady());
    connection.onReady(() => void this.checkEvictionPolicy());
  }

  /** Both connections up, answering in time and subscribed: other instances' invalidations reach us. */
  get busReady(): boolean {
    return this.connection.subscriptionsReady;
  }

  redisKey(cacheKey: string): string {
    return this.connection.entryKey(cacheKey);
  }

  onInvalidation(handler: (message: InvalidationMessage) => void): void {
    this.invalidationHandler = handler;
  }

  async get(cacheKey: string): Promise<CacheEntry | undefined> {
    // Keyv adds the prefix itself.
    return this.bounded(this.keyv.get<CacheEntry>(this.redisKey(cacheKey).slice(this.connection.prefix.length + 1)));
  }

  /** The current invalidation sequence: taken before a load, compared when storing its result. */
  async sequence(): Promise<number> {
    const value = await this.bounded(this.connection.client.get(`${this.connection.metaPrefix}seq`));
    return Number(value ?? 0);
  }

  /** Stores the entry unless one of its tags or `fences` was invalidated after `snapshot`. */
  async setIfNotInvalidated(
    cacheKey: string,
    entry: CacheEntry,
    snapshot: number,
    fences: readonly string[],
    now = Date.now(),
  ): Promise<boolean> {
    const ttl = Math.max(1, entry.staleUntil - now);
    const serialised = await this.keyv.serialize!({ value: entry, expires: entry.staleUntil });
    const stored = await this.bounded(
      this.connection.runScript(SET_IF_NOT_INVALIDATED, {
        keys: [this.redisKey(cacheKey)],
        arguments: [
          String(snapshot),
          serialised,
          String(ttl),
          this.connection.metaPrefix,
          this.connection.keyGroupOf(cacheKey),
          String(fences.length),
          ...fences,
          ...entry.tags,
        ],
      }),
    );
    return stored === 1;
  }

  /**
   * Removes the tagged entries; returns the sequence it recorded, the cache keys removed, and how
   * many subscribers received `announcement` when the call could publish it (on a single Redis,
   * with nothing left to drain). The first call records the sequence and removes small tag sets;
   * a large set is detached and emptied {@link INVALIDATION_CHUNK} entries per call (see
   * INVALIDATE_TAGS). This returns once every entry the tags indexed is gone.
   */
  async invalidateTags(tags: string[], announcement = ''): Promise<{ sequence: number; removed: string[]; receivers?: number }> {
    const { metaPrefix, keyGroups } = this.connection;
    const bound = { timeoutMs: this.options.invalidationTimeoutMs };
    const invalidateGroup = (group: string, sequence: string, keys: string[], message: string) =>
      this.bounded(
        this.connection.runScript(INVALIDATE_TAGS, {
          keys,
          arguments: [metaPrefix, String(TAG_MEMORY_MS), String(INVALIDATION_CHUNK), group, sequence, message, ...tags],
        }),
        bound,
      ) as Promise<[string, string[], string[], number]>;
    let sequence: string;
    let receivers: number | undefined;
    const replies: [string, string[], string[], number][] = [];
    if (!this.connection.clustered) {
      // One call on a single Redis: it takes the sequence too, and announces when it removed everything.
      const reply = await invalidateGroup('', '', [], announcement);
      sequence = reply[0];
      if (reply[3] >= 0) receivers = reply[3];
      replies.push(reply);
    } else {
      // On a cluster each key group's tag shards are in their own slot: one bounded call per group,
      // after the sequence; the announcement (a sharded publication, in its channel's slot) follows.
      sequence = (await this.bounded(this.connection.runScript(NEXT_SEQUENCE, { keys: [`${metaPrefix}seq`] }), bound)) as string;
      replies.push(
        ...(await Promise.all(keyGroups.map((group) => invalidateGroup(group, sequence, [`${metaPrefix}tagseq:${group}`], '')))),
      );
    }
    const removed: string[] = [];
    for (const [, drains, redisKeys] of replies) {
      removed.push(...redisKeys);
      for (const drain of drains) removed.push(...(await this.drainTagSet(drain)));
    }
    return { sequence: Number(sequence), removed: removed.map((key) => this.cacheKeyOf(key)), receivers };
  }

  /**
   * Empties a drain key left by an invalidation, a chunk per call; returns the Redis keys it
   * removed. Used by the invalidation itself and by the cleanup for one whose instance stopped
   * half-way.
   */
  async drainTagSet(drainKey: string): Promise<string[]> {
    const removed: string[] = [];
    let left: number;
    do {
      const [remaining, keys] = (await this.bounded(
        this.connection.runScript(DRAIN_TAG_SET, { keys: [drainKey], arguments: [String(INVALIDATION_CHUNK)] }),
        { timeoutMs: this.options.invalidationTimeoutMs },
      )) as [number, string[]];
      removed.push(...keys);
      left = Number(remaining);
    } while (left > 0);
    return removed;
  }

  /** The cache key (`{namespace}:{key}`) of one of our Redis keys. */
  cacheKeyOf(redisKey: string): string {
    return this.connection.cacheKeyOf(redisKey);
  }

  async delete(cacheKey: string): Promise<boolean> {
    return (await this.bounded(this.connection.client.unlink(this.redisKey(cacheKey)))) === 1;
  }

  /**
   * Removes the tagged entries from Redis (see {@link invalidateTags}), then tells the other
   * instances to drop the tags from their L1 and waits (up to `ackTimeoutMs`) until each has
   * confirmed, so a response sent after this cannot be contradicted by another instance's L1. On
   * a single Redis the message goes out in the invalidation's own call when nothing was left to
   * drain. Returns the invalidation and how many instances confirmed of those expected.
   */
  async invalidateEverywhere(
    tags: string[],
    ackTimeoutMs: number,
  ): Promise<{ sequence: number; removed: string[]; acks: { expected: number; confirmed: number } }> {
    const message: InvalidationMessage = { id: randomUUID(), origin: this.connection.instanceId, tags, ackTo: this.ackChannel };
    const raw = JSON.stringify(message);
    // Registered first: a confirmation can arrive before the reply that announced the message.
    let entry: { needed: number; received: number; done: () => void } | undefined;
    const allConfirmed = new Promise<void>((done) => {
      entry = { needed: Number.POSITIVE_INFINITY, received: 0, done };
      this.pendingAcks.set(message.id, entry);
    });
    try {
      const { sequence, removed, receivers: announcedTo } = await this.invalidateTags(tags, raw);
      const receivers =
        announcedTo ??
        Number(
          await this.bounded(this.connection.publish(this.invalidationChannel, raw), { timeoutMs: this.options.invalidationTimeoutMs }),
        );
      // The publication reached this instance too when it listens (and is subscribed by now).
      entry!.needed = receivers - (this.options.holdsL1 && this.connection.subscribed ? 1 : 0);
      if (entry!.received < entry!.needed) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([allConfirmed, new Promise<void>((done) => (timer = setTimeout(done, ackTimeoutMs)))]);
        clearTimeout(timer);
      }
      return { sequence, removed, acks: { expected: entry!.needed, confirmed: entry!.received } };
    } finally {
      this.pendingAcks.delete(message.id);
    }
  }

  /**
   * Tag sets have TTLs (so the index is bounded by the entries' own TTLs), so every evicting
   * policy, volatile-* included, may evict a tag set while entries it indexes live on; an
   * invalidation then misses them. Only noeviction keeps the index whole.
   */
  private async checkEvictionPolicy(): Promise<void> {
    try {
      const masters = await this.bounded(this.connection.masters());
      const policies = await this.bounded(Promise.all(masters.map((master) => master.configGet('maxmemory-policy'))));
      const policy = policies.map((reply) => reply['maxmemory-policy']).find((name) => name && name !== 'noeviction');
      if (policy) {
        this.logger.warn(
          `Redis maxmemory-policy is ${policy}: it can evict the cache's tag index (tag sets expire with their entries, so they carry TTLs), after which an invalidation can miss entries. Use noeviction.`,
        );
      }
    } catch {
      // CONFIG is often disabled on managed Redis; the README states the requirement.
    }
  }

  private receiveInvalidation(raw: string): void {
    const message = JSON.parse(raw) as InvalidationMessage;
    if (message.origin === this.connection.instanceId) return;
    this.invalidationHandler(message);
    this.connection
      .publish(message.ackTo ?? this.sharedAckChannel, JSON.stringify({ id: message.id, from: this.connection.instanceId }))
      .catch((error: Error) => this.connection.recordError(error));
  }

  private receiveAck(raw: string): void {
    const { id } = JSON.parse(raw) as { id: string };
    const pending = this.pendingAcks.get(id);
    if (!pending) return;
    pending.received++;
    if (pending.received >= pending.needed) pending.done();
  }

  private bounded<T>(operation: Promise<T>, options?: BoundOptions): Promise<T> {
    return this.connection.bounded(operation, options);
  }
}
