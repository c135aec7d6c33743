import { Logger } from '@nestjs/common';
import { createClient, createCluster } from '@keyv/redis';
import { randomUUID } from 'node:crypto';
import { withTimeout } from '../common/async/with-timeout.js';
import { crc16, slotOf, spreadHashTags } from './hash-slots.js';
import { RELEASE_LEASE, RENEW_LEASE, scriptDigest } from './redis-scripts.js';

export type RedisClient = ReturnType<typeof createClient>;
export type RedisCluster = ReturnType<typeof createCluster>;
/** A cluster's client of one node. */
type RedisNodeClient = NonNullable<RedisCluster['masters'][number]['client']>;

/**
 * The commands that name their key: a single Redis runs them, a cluster sends each to the master
 * of the key's slot. Commands without a key (INFO, SCAN, PUBLISH, PING, CONFIG) differ between
 * the two and go through {@link RedisConnection}'s own methods.
 */
export type KeyedCommands = Pick<
  RedisClient,
  | 'get'
  | 'set'
  | 'del'
  | 'unlink'
  | 'eval'
  | 'evalSha'
  | 'pTTL'
  | 'pExpire'
  | 'memoryUsage'
  | 'sScan'
  | 'zAdd'
  | 'zRange'
  | 'zRem'
  | 'zRemRangeByScore'
>;

/** A Lua script's keys and arguments, as EVAL takes them. */
export interface ScriptCall {
  keys: string[];
  arguments?: string[];
}

export class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
}

const SKIP_AFTER_TIMEOUT_MS = 1000;

/**
 * Slot groups of the cache's keys on a cluster: each entry lives in one of them, next to the
 * shards of its tag sets. Twelve spread the entries evenly over 1, 2, 3, 4, 6 or 12 masters; an
 * invalidation runs one bounded script per group.
 */
export const CLUSTER_KEY_GROUPS = 12;

/** How often, at most, a cluster re-reads its topology after a node stops answering (a failover moves slots). */
const REDISCOVER_INTERVAL_MS = 500;

/** How often a cluster connection checks that each sharded subscription is on its slot's current master. */
const SUBSCRIPTION_CHECK_MS = 250;

export interface RedisConnectionOptions {
  /** A single Redis. */
  url?: string;
  /** Or the seed nodes of a Redis Cluster (one scheme and one set of credentials for all). */
  clusterNodes?: string[];
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

/** One master's INFO section, named by its address. */
export interface NodeInfo {
  node: string;
  info: string;
}

type Socket = { connectTimeout: number; reconnectStrategy: (attempt: number) => number | false };

/**
 * Cluster client options from seed URLs: credentials and TLS apply to the nodes discovered too.
 * Node connections are made on first use. Connected eagerly, a topology read waits for every node
 * it lists that the client does not hold yet, and under a strategy that retries forever a node
 * that is listed but dead (killed, not yet failed over) never answers: that read never ends, and
 * node-redis hands the same pending read to every later one, so the client's topology stayed
 * frozen on the dead node (measured: still pending after 8 s; settled in 0.3 s when lazy).
 */
function clusterOptions(urls: string[], socket: Socket) {
  const first = new URL(urls[0]);
  return {
    rootNodes: urls.map((url) => ({ url })),
    minimizeConnections: true,
    defaults: {
      username: first.username ? decodeURIComponent(first.username) : undefined,
      password: first.password ? decodeURIComponent(first.password) : undefined,
      disableOfflineQueue: true,
      socket: { ...socket, tls: first.protocol === 'rediss:' ? (true as const) : undefined },
    },
  };
}

/**
 * The app's two Redis connections, shared by the cache tier, the message bus, the distributed
 * lock and the rate-limit store: one for commands, one for subscriptions. Neither queues commands
 * while disconnected and both reconnect by themselves with a bounded backoff, so a slow or absent
 * Redis costs a call at most its bound; after a timeout Redis is skipped for a moment, so it costs
 * one wait, not one per call.
 *
 * Either a single Redis or a Redis Cluster. On a cluster, keyed commands go to their slot's
 * master, pub/sub is sharded (SPUBLISH/SSUBSCRIBE: a channel lives on one master, so a message
 * is not broadcast to every node), INFO and SCAN are run on every master, and after a node stops
 * answering the topology is read again so a promoted replica takes its slots.
 */
export class RedisConnection {
  private readonly logger = new Logger('Redis');
  /** Commands addressed by key, on either topology. */
  readonly client: KeyedCommands;
  /** The node-redis client itself, for libraries that take one (Keyv). */
  readonly native: RedisClient | RedisCluster;
  readonly clustered: boolean;
  private readonly single?: { commands: RedisClient; subscriber: RedisClient };
  private readonly cluster?: { commands: RedisCluster; subscriber: RedisCluster };
  /** The slot-group hash tags of the cache's keys: one empty tag on a single Redis. */
  readonly keyGroups: readonly string[];
  /** This process, as other instances see it in messages and leases. */
  readonly instanceId = randomUUID();
  readonly prefix: string;
  readonly metaPrefix: string;
  /** Full channel name -> handler, subscribed in registration order once the subscriber connects. */
  private readonly channels = new Map<string, (payload: string) => void>();
  private readonly messageHandlers = new Map<string, Set<(payload: string) => void>>();
  private readonly subscriptionListeners: (() => void)[] = [];
  private readonly readyListeners: (() => void)[] = [];
  private subscribedNow = false;
  /** Full channel name -> the address of the master its sharded subscription was made on (cluster only). */
  private readonly subscribedOn = new Map<string, string | undefined>();
  private subscribedOnce = false;
  private clusterConnected = false;
  private subscriptionCheck?: NodeJS.Timeout;
  private checkingSubscriptions = false;
  /** Times the sharded subscriptions were moved to a new master (a failover or a resharding). */
  resubscriptions = 0;
  /** When each cluster client last re-read the topology: each follows a failover on its own. */
  private readonly lastRediscover = new Map<RedisCluster, number>();
  private stopped = false;
  /** The bound of a connection attempt, and of the subscription work that may need one (off the request path). */
  private readonly connectTimeoutMs: number;
  private skipUntil = 0;
  /** The SHA1 of each Lua script run, computed once. */
  private readonly scriptDigests = new Map<string, string>();
  lastError?: { message: string; at: string };

  constructor(private readonly options: RedisConnectionOptions) {
    this.connectTimeoutMs = Math.max(1000, options.timeoutMs * 10);
    const socket: Socket = {
      connectTimeout: this.connectTimeoutMs,
      // Bounded backoff: retries forever, never more than 2 s apart, until stop(). Every client
      // node-redis creates shares this strategy, including any that close() cannot reach (a node
      // client made by a topology read that finished after it), so none reconnects once stopped.
      reconnectStrategy: (attempt: number) => (this.stopped ? false : Math.min(100 * 2 ** attempt, 2000)),
    };
    this.prefix = options.prefix;
    this.metaPrefix = `${options.prefix}:_meta:`;
    if (options.clusterNodes?.length) {
      this.clustered = true;
      this.cluster = {
        commands: createCluster(clusterOptions(options.clusterNodes, socket)),
        subscriber: createCluster(clusterOptions(options.clusterNodes, socket)),
      };
      this.native = this.cluster.commands;
      this.client = this.cluster.commands;
      this.keyGroups = spreadHashTags(CLUSTER_KEY_GROUPS);
      this.listenToCluster(this.cluster.commands, this.cluster.subscriber);
    } else {
      this.clustered = false;
      this.single = {
        commands: createClient({ url: options.url, disableOfflineQueue: true, socket }),
        subscriber: createClient({ url: options.url, disableOfflineQueue: true, socket }),
      };
      this.native = this.single.commands;
      this.client = this.single.commands;
      this.keyGroups = [''];
      this.listenToSingle(this.single.commands, this.single.subscriber);
    }
  }

  /** Connects in the background: Redis being down at start-up is not fatal. */
  start(): void {
    if (this.single) {
      for (const client of [this.single.commands, this.single.subscriber]) {
        client.connect().catch((error: Error) => this.recordError(error));
      }
    } else {
      void this.connectCluster(0);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.subscriptionCheck);
    if (this.single) {
      for (const client of [this.single.subscriber, this.single.commands]) {
        if (client.isOpen) await client.close().catch(() => client.destroy());
      }
    } else {
      for (const cluster of [this.cluster!.subscriber, this.cluster!.commands]) {
        if (cluster.isOpen) await cluster.close().catch(() => cluster.destroy());
      }
    }
  }

  get ready(): boolean {
    return this.connected && Date.now() >= this.skipUntil;
  }

  /** Connected now (whatever the recent timeouts), so an operator's call may try it. */
  get connected(): boolean {
    return this.single ? this.single.commands.isReady : this.clusterConnected && this.cluster!.commands.isOpen;
  }

  /** Both connections up, answering in time and subscribed: messages from other instances reach us. */
  get subscriptionsReady(): boolean {
    const subscriberUp = this.single ? this.single.subscriber.isReady : this.cluster!.subscriber.isOpen;
    return this.ready && subscriberUp && this.subscribedNow;
  }

  /** This connection's subscriptions are in place (it hears its own publications too). */
  get subscribed(): boolean {
    return this.subscribedNow;
  }

  /** Called each time subscriptions come up (or back): a listener must assume it missed messages meanwhile. */
  onSubscriptionsReady(listener: () => void): void {
    this.subscriptionListeners.push(listener);
  }

  /** Called each time the command connection comes up (or back). */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /** Our Redis key for a name (`{prefix}:{name}`). */
  key(name: string): string {
    return `${this.prefix}:${name}`;
  }

  /** The slot-group hash tag of a cache key ('' on a single Redis). */
  keyGroupOf(cacheKey: string): string {
    return this.keyGroups.length === 1 ? this.keyGroups[0] : this.keyGroups[crc16(cacheKey) % this.keyGroups.length];
  }

  /**
   * The Redis key of a cache entry (`{namespace}:{key}`): `{prefix}:{namespace}:{key}`, and on a
   * cluster `{prefix}:{namespace}:{group}{key}`, the group's hash tag placing it in its slot.
   * Neither the prefix nor a namespace holds a brace, so the group's is the key's first.
   */
  entryKey(cacheKey: string): string {
    const group = this.keyGroupOf(cacheKey);
    if (group === '') return this.key(cacheKey);
    const separator = cacheKey.indexOf(':');
    return this.key(`${cacheKey.slice(0, separator + 1)}${group}${cacheKey.slice(separator + 1)}`);
  }

  /** The cache key (or meta name) of one of our Redis keys: the prefix, and a cluster's group tag, removed. */
  cacheKeyOf(redisKey: string): string {
    const name = redisKey.slice(this.prefix.length + 1);
    if (!this.clustered) return name;
    const open = name.indexOf('{');
    const close = open < 0 ? -1 : name.indexOf('}', open);
    return close < 0 ? name : name.slice(0, open) + name.slice(close + 1);
  }

  /** Subscribes to a channel (full name) for the life of the connection; resubscribed after reconnects. */
  subscribe(channel: string, handler: (payload: string) => void): void {
    this.channels.set(channel, handler);
    if (this.subscribedOnce) void this.subscribeChannel(channel, handler).catch((error: Error) => this.recordError(error));
  }

  /** Publishes on a full channel name; resolves to the number of subscribers that received it. */
  async publish(channel: string, payload: string): Promise<number> {
    if (this.cluster && !this.clusterConnected) throw new Error('Redis Cluster not connected yet');
    return this.single ? this.single.commands.publish(channel, payload) : this.cluster!.commands.sPublish(channel, payload);
  }

  /** How many connections subscribe to a full channel name now. */
  async subscriberCount(channel: string): Promise<number> {
    if (this.single) return Number(Object.values(await this.single.commands.pubSubNumSub(channel))[0] ?? 0);
    const reply = await this.cluster!.commands.sendCommand<[string, number]>(channel, true, ['PUBSUB', 'SHARDNUMSUB', channel]);
    return Number(reply[1] ?? 0);
  }

  /** Publishes an application message to every instance (this one included) on `channel`. */
  async publishMessage(channel: string, payload: string): Promise<void> {
    await this.bounded(this.publish(`${this.metaPrefix}channel:${channel}`, payload));
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

  /**
   * Runs a Lua script by its SHA1 (EVALSHA), and by its text (EVAL, which also caches it on that
   * server) only when the server does not know it: a new or restarted server, SCRIPT FLUSH, or a
   * cluster node that never ran it. EVAL would send the script's text (a kilobyte for the
   * invalidation and store scripts) with every call, and Redis would hash it every time.
   */
  async runScript(script: string, call: ScriptCall): Promise<unknown> {
    let digest = this.scriptDigests.get(script);
    if (digest === undefined) {
      digest = scriptDigest(script);
      this.scriptDigests.set(script, digest);
    }
    try {
      return await this.client.evalSha(digest, call);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.client.eval(script, call);
    }
  }

  /** A lease on `{prefix}:_meta:lease:{name}`, so that at most one holder works on it at a time. Returns the token if taken. */
  async acquireLease(name: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    const taken = await this.bounded(this.client.set(`${this.metaPrefix}lease:${name}`, token, { NX: true, PX: ttlMs }));
    return taken === 'OK' ? token : undefined;
  }

  async renewLease(name: string, token: string, ttlMs: number): Promise<boolean> {
    const renewed = await this.bounded(
      this.runScript(RENEW_LEASE, { keys: [`${this.metaPrefix}lease:${name}`], arguments: [token, String(ttlMs)] }),
    );
    return renewed === 1;
  }

  async releaseLease(name: string, token: string): Promise<void> {
    await this.bounded(this.runScript(RELEASE_LEASE, { keys: [`${this.metaPrefix}lease:${name}`], arguments: [token] }));
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.bounded<unknown>(this.single ? this.single.commands.ping() : this.cluster!.commands.sendCommand(undefined, true, ['PING']));
    return performance.now() - started;
  }

  /** The clients of every master (the one Redis when single), for commands each must run: SCAN, INFO, CONFIG. */
  async masters(): Promise<RedisClient[]> {
    if (this.single) return [this.single.commands];
    const cluster = this.cluster!.commands;
    return Promise.all(cluster.masters.map((master) => cluster.nodeClient(master)));
  }

  /** INFO `section` of every master, named `host:port`. */
  async info(section: string): Promise<NodeInfo[]> {
    if (this.single) return [{ node: 'redis', info: await this.single.commands.info(section) }];
    const cluster = this.cluster!.commands;
    return Promise.all(
      cluster.masters.map(async (master) => ({
        node: `${master.host}:${master.port}`,
        info: await (await cluster.nodeClient(master)).info(section),
      })),
    );
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
      // A dead master's calls fail at once ("client is offline") without a node event, and its
      // reconnection attempts (the only events it raises) back off to 2 s apart: without this, a
      // replica promoted meanwhile waited up to that long for its slots and the subscriptions.
      if (this.cluster) this.rediscover(this.cluster.commands);
      throw error;
    }
  }

  recordError(error: Error): void {
    // After stop() the only errors are the closing connections' own (a last failed reconnect).
    if (this.stopped) return;
    this.lastError = { message: error.message, at: new Date().toISOString() };
    this.options.onError(error);
  }

  private listenToSingle(commands: RedisClient, subscriber: RedisClient): void {
    for (const [name, client] of [
      ['commands', commands],
      ['subscriber', subscriber],
    ] as const) {
      client.on('error', (error: Error) => this.recordError(error));
      client.on('ready', () => this.logger.log(`Redis ${name} connection ready`));
    }
    subscriber.on('end', () => (this.subscribedNow = false));
    subscriber.on('reconnecting', () => (this.subscribedNow = false));
    subscriber.on('ready', () => void this.subscriberReady());
    // The two connections come back in either order; subscriptions are usable once both are.
    commands.on('ready', () => {
      this.notifyReady();
      if (this.subscriptionsReady) this.notifySubscriptionsReady();
    });
  }

  /**
   * A cluster client reports per node. A node that stops answering may have failed over: the
   * topology is read again (at most every {@link REDISCOVER_INTERVAL_MS}) so its slots move to the
   * promoted replica instead of waiting for the dead node. While a subscriber node is down its
   * sharded channels may miss messages, so subscriptions count as down until it is back.
   */
  private listenToCluster(commands: RedisCluster, subscriber: RedisCluster): void {
    for (const cluster of [commands, subscriber]) {
      cluster.on('error', (error: Error) => this.recordError(error));
      cluster.on('node-error', (error: Error) => {
        this.recordError(error);
        this.rediscover(cluster);
      });
      cluster.on('node-reconnecting', () => this.rediscover(cluster));
    }
    // Back up is decided by followShardedChannels, which looks at every channel's client.
    subscriber.on('node-reconnecting', () => (this.subscribedNow = false));
  }

  private rediscover(cluster: RedisCluster): void {
    if (this.stopped || !cluster.isOpen || Date.now() - (this.lastRediscover.get(cluster) ?? 0) < REDISCOVER_INTERVAL_MS) return;
    this.lastRediscover.set(cluster, Date.now());
    const start = this.discoveryStart();
    if (start) cluster._slots.rediscover(start).catch((error: Error) => this.recordError(error));
  }

  /**
   * A node client to read the topology from: a ready one of either connection (the subscriber
   * may hold only subscription clients), else any, since a read that fails on it falls back to
   * the seed nodes. Only its address is used.
   */
  private discoveryStart(): RedisNodeClient | undefined {
    const { commands, subscriber } = this.cluster!;
    const clients = [
      ...commands.masters.map((master) => master.client),
      ...subscriber.masters.map((master) => master.pubSub?.client),
    ].filter((client) => client !== undefined);
    return clients.find((client) => client.isReady) ?? clients[0];
  }

  /** A cluster's first connection fails when no seed answers; it is retried with the same bounded backoff. */
  private async connectCluster(attempt: number): Promise<void> {
    const { commands, subscriber } = this.cluster!;
    try {
      if (!commands.isOpen) await commands.connect();
      this.clusterConnected = true;
      this.logger.log(`Redis Cluster connected: ${commands.masters.length} masters`);
      this.notifyReady();
      if (!subscriber.isOpen) await subscriber.connect();
      await this.subscriberReady();
      this.subscriptionCheck ??= setInterval(() => void this.followShardedChannels(), SUBSCRIPTION_CHECK_MS).unref();
    } catch (error) {
      this.recordError(error as Error);
      if (!this.stopped) setTimeout(() => void this.connectCluster(attempt + 1), Math.min(100 * 2 ** attempt, 2000)).unref();
    }
  }

  /**
   * A failover does not tell sharded subscribers (the demoted master keeps their subscriptions,
   * and publications now go to the promoted one), so each channel's slot is checked: a keyed read
   * routed there makes the command connection follow a MOVED, and when its master differs from
   * the one the subscription is on, the subscriber re-reads the topology and subscribes again.
   * Meanwhile subscriptions count as down, and coming back tells the listeners they may have
   * missed messages (the cache then drops its L1).
   */
  private async followShardedChannels(): Promise<void> {
    if (this.checkingSubscriptions || this.stopped) return;
    this.checkingSubscriptions = true;
    const { commands, subscriber } = this.cluster!;
    try {
      // The first subscriptions failed (a channel's master died before they were made): again.
      if (!this.subscribedOnce) return await this.subscriberReady();
      const channels = [...this.channels.keys()];
      await this.bounded(Promise.all(channels.map((channel) => commands.exists(channel))), { skipOnTimeout: false });
      if (!this.subscriptionsMoved(commands) && !this.subscriptionsMoved(subscriber)) {
        // A node back after a blip: node-redis has made its subscriptions again, but a client
        // reports only its first 'ready' to the cluster, so each channel's client is looked at.
        if (!this.subscribedNow && this.subscriptionsLive(subscriber)) this.markSubscribed();
        return;
      }
      this.subscribedNow = false;
      // Bounded: a call left waiting on a dead node would hold this check, and every later one, for good.
      const start = this.discoveryStart();
      if (start) await this.bounded(subscriber._slots.rediscover(start), { skipOnTimeout: false, timeoutMs: this.connectTimeoutMs });
      for (const [channel, handler] of this.channels) await this.subscribeChannel(channel, handler);
      this.resubscriptions++;
      this.logger.log('Redis Cluster: sharded subscriptions moved to the new masters');
      this.markSubscribed();
    } catch (error) {
      this.recordError(error as Error);
    } finally {
      this.checkingSubscriptions = false;
    }
  }

  /**
   * Subscribes once: node-redis itself resubscribes after a reconnect, so subscribing again on
   * every 'ready' would deliver each message twice.
   */
  private async subscriberReady(): Promise<void> {
    try {
      if (!this.subscribedOnce) {
        for (const [channel, handler] of this.channels) await this.subscribeChannel(channel, handler);
        this.subscribedOnce = true;
      }
      this.markSubscribed();
    } catch (error) {
      this.recordError(error as Error);
    }
  }

  private async subscribeChannel(channel: string, handler: (payload: string) => void): Promise<void> {
    if (this.single) await this.single.subscriber.subscribe(channel, handler);
    else {
      const subscriber = this.cluster!.subscriber;
      // Bounded: a channel whose master is dead waits for a client that cannot connect.
      await this.bounded(subscriber.sSubscribe(channel, handler), { skipOnTimeout: false, timeoutMs: this.connectTimeoutMs });
      this.subscribedOn.set(channel, subscriber.slots[slotOf(channel)]?.master.address);
    }
  }

  /**
   * Whether some channel's slot is served, in `view`'s topology, by another master than the one
   * its subscription was made on. Compared with the subscription itself, not with the subscriber
   * client's topology: when the subscriber re-reads the topology first after a master died, its
   * slots already name the promoted replica, yet the subscription died with the old master's
   * connection (node-redis drops a removed node's listeners) and has to be made again.
   */
  private subscriptionsMoved(view: RedisCluster): boolean {
    return [...this.channels.keys()].some((channel) => view.slots[slotOf(channel)]?.master.address !== this.subscribedOn.get(channel));
  }

  /** Every channel's subscription is where it was made and its client is up. */
  private subscriptionsLive(subscriber: RedisCluster): boolean {
    return (
      !this.subscriptionsMoved(subscriber) &&
      [...this.channels.keys()].every((channel) => subscriber.slots[slotOf(channel)]?.master.pubSub?.client.isReady === true)
    );
  }

  private markSubscribed(): void {
    this.subscribedNow = true;
    if (this.subscriptionsReady) this.notifySubscriptionsReady();
  }

  private notifyReady(): void {
    for (const listener of this.readyListeners) listener();
  }

  private notifySubscriptionsReady(): void {
    for (const listener of this.subscriptionListeners) listener();
  }
}

/** The app's Redis connection, absent without REDIS_URL or REDIS_CLUSTER_NODES: every user then falls back to this process alone. */
export class SharedRedis {
  /** This process as other instances see it: the connection's id (in messages and leases), else its own. */
  readonly instanceId: string;

  constructor(readonly connection: RedisConnection | undefined) {
    this.instanceId = connection?.instanceId ?? `process-${randomUUID()}`;
  }
}
