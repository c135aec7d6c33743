import { Logger } from '@nestjs/common';
import KeyvRedis, { createClient } from '@keyv/redis';
import { Keyv } from 'keyv';
import { randomUUID } from 'node:crypto';
import type { CacheEntry } from './cache-entry.js';
import type { RateLimitCount } from '../redis/rate-limit-counter.js';
import { withTimeout } from './with-timeout.js';
import { COUNT_HIT, DRAIN_TAG_SET, INVALIDATE_TAGS, RELEASE_LEASE, RENEW_LEASE, SET_IF_NOT_INVALIDATED } from './redis-scripts.js';

type RedisClient = ReturnType<typeof createClient>;

export class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
}

/** How long a tag remembers its last invalidation; a load older than this is never stored. */
export const TAG_MEMORY_MS = 10 * 60 * 1000;

const SKIP_AFTER_TIMEOUT_MS = 1000;

/**
 * Tag-set members one invalidation call handles at most (entries unlinked per Lua call), so no
 * single call grows with the tag and a large invalidation never stalls the other clients of
 * Redis for long: a few microseconds per entry on a quiet Redis, about ten times that on a 2-core
 * machine under heavy load (bench/tag-index.mjs measures it).
 */
export const INVALIDATION_CHUNK = 200;

export interface RedisTierOptions {
  url: string;
  prefix: string;
  timeoutMs: number;
  /** The bound of invalidations (the tag script and the bus message), longer than `timeoutMs`. */
  invalidationTimeoutMs: number;
  onError: (error: Error) => void;
  /** The invalidation bus came up (or back): the caller must assume it missed messages. */
  onBusReady: () => void;
}

export interface InvalidationMessage {
  id: string;
  origin: string;
  tags: string[];
}

/**
 * L2: Redis through @keyv/redis. Reads go through Keyv; writes and invalidations that must be
 * atomic go through Lua on the same client, in Keyv's serialised format. Every call is bounded
 * by `timeoutMs` and fails fast while disconnected (no offline queue), so a slow or absent
 * Redis costs a request at most that long. The client reconnects by itself.
 */
export class RedisTier {
  private readonly logger = new Logger('RedisTier');
  readonly client: RedisClient;
  private readonly subscriber: RedisClient;
  /** The Keyv store cache-manager holds as its second tier. */
  readonly keyv: Keyv;
  readonly instanceId = randomUUID();
  private readonly metaPrefix: string;
  private readonly invalidationChannel: string;
  private readonly ackChannel: string;
  private readonly pendingAcks = new Map<string, { needed: number; received: number; done: () => void }>();
  private busSubscribed = false;
  private subscribedOnce = false;
  private readonly channelHandlers = new Map<string, Set<(payload: string) => void>>();
  /** After a timeout Redis is skipped for a moment, so a slow Redis costs one wait, not one per call. */
  private skipUntil = 0;
  private invalidationHandler: (message: InvalidationMessage) => void = () => {};
  lastError?: { message: string; at: string };

  constructor(private readonly options: RedisTierOptions) {
    const socket = {
      connectTimeout: Math.max(1000, options.timeoutMs * 10),
      // Bounded backoff: retries forever, never more than 2 s apart.
      reconnectStrategy: (attempt: number) => Math.min(100 * 2 ** attempt, 2000),
    };
    this.client = createClient({ url: options.url, disableOfflineQueue: true, socket });
    this.subscriber = createClient({ url: options.url, disableOfflineQueue: true, socket });
    const store = new KeyvRedis(this.client, {
      namespace: options.prefix,
      keyPrefixSeparator: ':',
      throwOnConnectError: false,
      throwOnErrors: true,
    });
    this.keyv = new Keyv({ store, namespace: options.prefix, useKeyPrefix: false });
    this.keyv.throwOnErrors = true;
    this.metaPrefix = `${options.prefix}:_meta:`;
    this.invalidationChannel = `${this.metaPrefix}invalidate`;
    this.ackChannel = `${this.metaPrefix}ack`;

    for (const [name, client] of [
      ['commands', this.client],
      ['subscriber', this.subscriber],
    ] as const) {
      client.on('error', (error: Error) => this.recordError(error));
      client.on('ready', () => this.logger.log(`Redis ${name} connection ready`));
    }
    this.client.on('ready', () => void this.checkEvictionPolicy());
    this.subscriber.on('end', () => (this.busSubscribed = false));
    this.subscriber.on('reconnecting', () => (this.busSubscribed = false));
    this.subscriber.on('ready', () => void this.subscriberReady());
    // The two connections come back in either order; the bus is usable once both are.
    this.client.on('ready', () => {
      if (this.busReady) this.options.onBusReady();
    });
  }

  /** Connects in the background: Redis being down at start-up is not fatal. */
  start(): void {
    for (const client of [this.client, this.subscriber]) {
      client.connect().catch((error: Error) => this.recordError(error));
    }
  }

  async stop(): Promise<void> {
    for (const client of [this.subscriber, this.client]) {
      if (client.isOpen) await client.close().catch(() => client.destroy());
    }
  }

  get ready(): boolean {
    return this.client.isReady && Date.now() >= this.skipUntil;
  }

  /** Both connections up, answering in time and subscribed: other instances' invalidations reach us. */
  get busReady(): boolean {
    return this.ready && this.subscriber.isReady && this.busSubscribed;
  }

  redisKey(cacheKey: string): string {
    return `${this.options.prefix}:${cacheKey}`;
  }

  onInvalidation(handler: (message: InvalidationMessage) => void): void {
    this.invalidationHandler = handler;
  }

  async get(cacheKey: string): Promise<CacheEntry | undefined> {
    return this.bounded(this.keyv.get<CacheEntry>(cacheKey));
  }

  /** The current invalidation sequence: taken before a load, compared when storing its result. */
  async sequence(): Promise<number> {
    const value = await this.bounded(this.client.get(`${this.metaPrefix}seq`));
    return Number(value ?? 0);
  }

  /** Stores the entry unless one of its tags was invalidated after `snapshot`. */
  async setIfNotInvalidated(cacheKey: string, entry: CacheEntry, snapshot: number, now = Date.now()): Promise<boolean> {
    const ttl = Math.max(1, entry.staleUntil - now);
    const serialised = await this.keyv.serialize!({ value: entry, expires: entry.staleUntil });
    const stored = await this.bounded(
      this.client.eval(SET_IF_NOT_INVALIDATED, {
        keys: [this.redisKey(cacheKey)],
        arguments: [String(snapshot), serialised as string, String(ttl), this.metaPrefix, ...entry.tags],
      }),
    );
    return stored === 1;
  }

  /**
   * Removes the tagged entries; returns the sequence it recorded and the cache keys removed. The
   * first call records the sequence and removes small tag sets; a large set is detached and
   * emptied {@link INVALIDATION_CHUNK} entries per call (see INVALIDATE_TAGS). This returns once
   * every entry the tags indexed is gone.
   */
  async invalidateTags(tags: string[]): Promise<{ sequence: number; removed: string[] }> {
    const [sequence, drains, redisKeys] = (await this.bounded(
      this.client.eval(INVALIDATE_TAGS, { arguments: [this.metaPrefix, String(TAG_MEMORY_MS), String(INVALIDATION_CHUNK), ...tags] }),
      { timeoutMs: this.options.invalidationTimeoutMs },
    )) as [string, string[], string[]];
    const removed = [...redisKeys];
    for (const drain of drains) removed.push(...(await this.drainTagSet(drain)));
    return { sequence: Number(sequence), removed: removed.map((key) => this.cacheKeyOf(key)) };
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
        this.client.eval(DRAIN_TAG_SET, { keys: [drainKey], arguments: [String(INVALIDATION_CHUNK)] }),
        { timeoutMs: this.options.invalidationTimeoutMs },
      )) as [number, string[]];
      removed.push(...keys);
      left = Number(remaining);
    } while (left > 0);
    return removed;
  }

  /** The cache key (`{namespace}:{key}`) of one of our Redis keys. */
  cacheKeyOf(redisKey: string): string {
    return redisKey.slice(this.options.prefix.length + 1);
  }

  async delete(cacheKey: string): Promise<boolean> {
    return (await this.bounded(this.client.unlink(this.redisKey(cacheKey)))) === 1;
  }

  /** A short lease so that at most one instance loads a key at a time. Returns the token if taken. */
  async acquireLease(cacheKey: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    const taken = await this.bounded(this.client.set(`${this.metaPrefix}lease:${cacheKey}`, token, { NX: true, PX: ttlMs }));
    return taken === 'OK' ? token : undefined;
  }

  async renewLease(cacheKey: string, token: string, ttlMs: number): Promise<boolean> {
    const renewed = await this.bounded(
      this.client.eval(RENEW_LEASE, { keys: [`${this.metaPrefix}lease:${cacheKey}`], arguments: [token, String(ttlMs)] }),
    );
    return renewed === 1;
  }

  async releaseLease(cacheKey: string, token: string): Promise<void> {
    await this.bounded(
      this.client.eval(RELEASE_LEASE, { keys: [`${this.metaPrefix}lease:${cacheKey}`], arguments: [token] }),
    );
  }

  /** Counts a hit against a rate limit shared by every instance (see COUNT_HIT). */
  async countHit(key: string, windowMs: number, limit: number, blockMs: number): Promise<RateLimitCount> {
    const base = `${this.metaPrefix}rate:${key}`;
    const [hits, windowLeftMs, blockLeftMs] = (await this.bounded(
      this.client.eval(COUNT_HIT, { keys: [base, `${base}:block`], arguments: [String(windowMs), String(limit), String(blockMs)] }),
      { skipOnTimeout: false },
    )) as number[];
    return { hits, windowLeftMs, blockLeftMs };
  }

  /**
   * Tells the other instances to drop the tags from their L1, and waits (up to `ackTimeoutMs`)
   * until each has confirmed, so a response sent after this cannot be contradicted by another
   * instance's L1. Returns how many instances confirmed and how many were expected.
   */
  async broadcastInvalidation(tags: string[], ackTimeoutMs: number): Promise<{ expected: number; confirmed: number }> {
    const message: InvalidationMessage = { id: randomUUID(), origin: this.instanceId, tags };
    let entry: { needed: number; received: number; done: () => void } | undefined;
    const allConfirmed = new Promise<void>((done) => {
      entry = { needed: Number.POSITIVE_INFINITY, received: 0, done };
      this.pendingAcks.set(message.id, entry);
    });
    try {
      const receivers = Number(
        await this.bounded(this.client.publish(this.invalidationChannel, JSON.stringify(message)), {
          timeoutMs: this.options.invalidationTimeoutMs,
        }),
      );
      entry!.needed = receivers - (this.busSubscribed ? 1 : 0);
      if (entry!.received >= entry!.needed) return { expected: entry!.needed, confirmed: entry!.received };
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([allConfirmed, new Promise<void>((done) => (timer = setTimeout(done, ackTimeoutMs)))]);
      clearTimeout(timer);
      return { expected: entry!.needed, confirmed: entry!.received };
    } finally {
      this.pendingAcks.delete(message.id);
    }
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.bounded(this.client.ping());
    return performance.now() - started;
  }

  /** Publishes an application message to every instance (this one included) on `channel`. */
  async publishMessage(channel: string, payload: string): Promise<void> {
    await this.bounded(this.client.publish(`${this.metaPrefix}channel:${channel}`, payload));
  }

  /** Delivers every message published on `channel` to `handler`; returns the unsubscribe function. */
  subscribeMessages(channel: string, handler: (payload: string) => void): () => void {
    let handlers = this.channelHandlers.get(channel);
    if (!handlers) {
      this.channelHandlers.set(channel, (handlers = new Set()));
      if (this.subscribedOnce) void this.subscribeChannel(channel);
    }
    handlers.add(handler);
    return () => handlers!.delete(handler);
  }

  /**
   * Subscribes once: node-redis itself resubscribes after a reconnect, so subscribing again on
   * every 'ready' would deliver each message twice.
   */
  private async subscriberReady(): Promise<void> {
    try {
      if (!this.subscribedOnce) {
        await this.subscriber.subscribe(this.invalidationChannel, (raw) => this.receiveInvalidation(raw));
        await this.subscriber.subscribe(this.ackChannel, (raw) => this.receiveAck(raw));
        this.subscribedOnce = true;
        for (const channel of this.channelHandlers.keys()) await this.subscribeChannel(channel);
      }
      this.busSubscribed = true;
      if (this.busReady) this.options.onBusReady();
    } catch (error) {
      this.recordError(error as Error);
    }
  }

  private async subscribeChannel(channel: string): Promise<void> {
    await this.subscriber
      .subscribe(`${this.metaPrefix}channel:${channel}`, (payload) => {
        for (const handler of this.channelHandlers.get(channel) ?? []) handler(payload);
      })
      .catch((error: Error) => this.recordError(error));
  }

  /**
   * Tag sets have TTLs (so the index is bounded by the entries' own TTLs), so every evicting
   * policy, volatile-* included, may evict a tag set while entries it indexes live on; an
   * invalidation then misses them. Only noeviction keeps the index whole.
   */
  private async checkEvictionPolicy(): Promise<void> {
    try {
      const policy = (await this.bounded(this.client.configGet('maxmemory-policy')))['maxmemory-policy'];
      if (policy && policy !== 'noeviction') {
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
    if (message.origin === this.instanceId) return;
    this.invalidationHandler(message);
    this.client
      .publish(this.ackChannel, JSON.stringify({ id: message.id, from: this.instanceId }))
      .catch((error: Error) => this.recordError(error));
  }

  private receiveAck(raw: string): void {
    const { id } = JSON.parse(raw) as { id: string };
    const pending = this.pendingAcks.get(id);
    if (!pending) return;
    pending.received++;
    if (pending.received >= pending.needed) pending.done();
  }

  /**
   * Bounds a call by the timeout. A late answer makes the cache skip Redis for a moment, unless
   * `skipOnTimeout` is false: a rate-limit count is made on every request, and under a burst one
   * arriving late says more about this process's busy event loop than about Redis.
   */
  private async bounded<T>(operation: Promise<T>, { skipOnTimeout = true, timeoutMs = this.options.timeoutMs } = {}): Promise<T> {
    try {
      return await withTimeout(operation, timeoutMs, () => new RedisTimeoutError(`Redis did not answer within ${timeoutMs} ms`));
    } catch (error) {
      if (error instanceof RedisTimeoutError && skipOnTimeout) this.skipUntil = Date.now() + SKIP_AFTER_TIMEOUT_MS;
      this.recordError(error as Error);
      throw error;
    }
  }

  private recordError(error: Error): void {
    this.lastError = { message: error.message, at: new Date().toISOString() };
    this.options.onError(error);
  }
}
