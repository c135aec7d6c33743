import { Logger } from '@nestjs/common';
import { createClient } from '@keyv/redis';
import { randomUUID } from 'node:crypto';
import { withTimeout } from '../common/async/with-timeout.js';
import { RELEASE_LEASE, RENEW_LEASE } from './redis-scripts.js';

export type RedisClient = ReturnType<typeof createClient>;

export class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
}

const SKIP_AFTER_TIMEOUT_MS = 1000;

export interface RedisConnectionOptions {
  url: string;
  /** Every key and channel of this app starts with `{prefix}:`; its own bookkeeping with `{prefix}:_meta:`. */
  prefix: string;
  /** The bound of every call unless the caller names another. */
  timeoutMs: number;
  onError: (error: Error) => void;
}

export interface BoundOptions {
  /** Skip Redis for a moment after this call times out (default); false for calls made on every request. */
  skipOnTimeout?: boolean;
  timeoutMs?: number;
}

/**
 * The app's two Redis connections, shared by the cache tier, the message bus, the distributed
 * lock and the rate-limit store: one for commands, one for subscriptions. Neither queues commands
 * while disconnected and both reconnect by themselves with a bounded backoff, so a slow or absent
 * Redis costs a call at most its bound; after a timeout Redis is skipped for a moment, so it costs
 * one wait, not one per call.
 */
export class RedisConnection {
  private readonly logger = new Logger('Redis');
  readonly client: RedisClient;
  private readonly subscriber: RedisClient;
  /** This process, as other instances see it in messages and leases. */
  readonly instanceId = randomUUID();
  readonly prefix: string;
  readonly metaPrefix: string;
  /** Full channel name -> handler, subscribed in registration order once the subscriber connects. */
  private readonly channels = new Map<string, (payload: string) => void>();
  private readonly messageHandlers = new Map<string, Set<(payload: string) => void>>();
  private readonly subscriptionListeners: (() => void)[] = [];
  private subscribedNow = false;
  private subscribedOnce = false;
  private skipUntil = 0;
  lastError?: { message: string; at: string };

  constructor(private readonly options: RedisConnectionOptions) {
    const socket = {
      connectTimeout: Math.max(1000, options.timeoutMs * 10),
      // Bounded backoff: retries forever, never more than 2 s apart.
      reconnectStrategy: (attempt: number) => Math.min(100 * 2 ** attempt, 2000),
    };
    this.client = createClient({ url: options.url, disableOfflineQueue: true, socket });
    this.subscriber = createClient({ url: options.url, disableOfflineQueue: true, socket });
    this.prefix = options.prefix;
    this.metaPrefix = `${options.prefix}:_meta:`;

    for (const [name, client] of [
      ['commands', this.client],
      ['subscriber', this.subscriber],
    ] as const) {
      client.on('error', (error: Error) => this.recordError(error));
      client.on('ready', () => this.logger.log(`Redis ${name} connection ready`));
    }
    this.subscriber.on('end', () => (this.subscribedNow = false));
    this.subscriber.on('reconnecting', () => (this.subscribedNow = false));
    this.subscriber.on('ready', () => void this.subscriberReady());
    // The two connections come back in either order; subscriptions are usable once both are.
    this.client.on('ready', () => {
      if (this.subscriptionsReady) this.notifySubscriptionsReady();
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

  /** Both connections up, answering in time and subscribed: messages from other instances reach us. */
  get subscriptionsReady(): boolean {
    return this.ready && this.subscriber.isReady && this.subscribedNow;
  }

  /** This connection's subscriptions are in place (it hears its own publications too). */
  get subscribed(): boolean {
    return this.subscribedNow;
  }

  /** Called each time subscriptions come up (or back): a listener must assume it missed messages meanwhile. */
  onSubscriptionsReady(listener: () => void): void {
    this.subscriptionListeners.push(listener);
  }

  /** Our Redis key for a name (`{prefix}:{name}`). */
  key(name: string): string {
    return `${this.prefix}:${name}`;
  }

  /** Subscribes to a channel (full name) for the life of the connection; resubscribed after reconnects. */
  subscribe(channel: string, handler: (payload: string) => void): void {
    this.channels.set(channel, handler);
    if (this.subscribedOnce) void this.subscribeChannel(channel, handler);
  }

  /** Publishes an application message to every instance (this one included) on `channel`. */
  async publishMessage(channel: string, payload: string): Promise<void> {
    await this.bounded(this.client.publish(`${this.metaPrefix}channel:${channel}`, payload));
  }

  /** Delivers every message published on `channel` to `handler`; returns the unsubscribe function. */
  subscribeMessages(channel: string, handler: (payload: string) => void): () => void {
    let handlers = this.messageHandlers.get(channel);
    if (!handlers) {
      const registered = new Set<(payload: string) => void>();
      this.messageHandlers.set(channel, (handlers = registered));
      this.subscribe(`${this.metaPrefix}channel:${channel}`, (payload) => {
        for (const deliver of registered) deliver(payload);
      });
    }
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  /** A lease on `{prefix}:_meta:lease:{name}`, so that at most one holder works on it at a time. Returns the token if taken. */
  async acquireLease(name: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    const taken = await this.bounded(this.client.set(`${this.metaPrefix}lease:${name}`, token, { NX: true, PX: ttlMs }));
    return taken === 'OK' ? token : undefined;
  }

  async renewLease(name: string, token: string, ttlMs: number): Promise<boolean> {
    const renewed = await this.bounded(
      this.client.eval(RENEW_LEASE, { keys: [`${this.metaPrefix}lease:${name}`], arguments: [token, String(ttlMs)] }),
    );
    return renewed === 1;
  }

  async releaseLease(name: string, token: string): Promise<void> {
    await this.bounded(this.client.eval(RELEASE_LEASE, { keys: [`${this.metaPrefix}lease:${name}`], arguments: [token] }));
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.bounded(this.client.ping());
    return performance.now() - started;
  }

  /**
   * Bounds a call by the timeout. A late answer makes every user skip Redis for a moment, unless
   * `skipOnTimeout` is false: a rate-limit count is made on every request, and under a burst one
   * arriving late says more about this process's busy event loop than about Redis.
   */
  async bounded<T>(operation: Promise<T>, { skipOnTimeout = true, timeoutMs = this.options.timeoutMs }: BoundOptions = {}): Promise<T> {
    try {
      return await withTimeout(operation, timeoutMs, () => new RedisTimeoutError(`Redis did not answer within ${timeoutMs} ms`));
    } catch (error) {
      if (error instanceof RedisTimeoutError && skipOnTimeout) this.skipUntil = Date.now() + SKIP_AFTER_TIMEOUT_MS;
      this.recordError(error as Error);
      throw error;
    }
  }

  recordError(error: Error): void {
    this.lastError = { message: error.message, at: new Date().toISOString() };
    this.options.onError(error);
  }

  /**
   * Subscribes once: node-redis itself resubscribes after a reconnect, so subscribing again on
   * every 'ready' would deliver each message twice.
   */
  private async subscriberReady(): Promise<void> {
    try {
      if (!this.subscribedOnce) {
        for (const [channel, handler] of this.channels) await this.subscriber.subscribe(channel, handler);
        this.subscribedOnce = true;
      }
      this.subscribedNow = true;
      if (this.subscriptionsReady) this.notifySubscriptionsReady();
    } catch (error) {
      this.recordError(error as Error);
    }
  }

  private async subscribeChannel(channel: string, handler: (payload: string) => void): Promise<void> {
    await this.subscriber.subscribe(channel, handler).catch((error: Error) => this.recordError(error));
  }

  private notifySubscriptionsReady(): void {
    for (const listener of this.subscriptionListeners) listener();
  }
}

/** The app's Redis connection, absent without REDIS_URL: every user then falls back to this process alone. */
export class SharedRedis {
  /** This process as other instances see it: the connection's id (in messages and leases), else its own. */
  readonly instanceId: string;

  constructor(readonly connection: RedisConnection | undefined) {
    this.instanceId = connection?.instanceId ?? `process-${randomUUID()}`;
  }
}
