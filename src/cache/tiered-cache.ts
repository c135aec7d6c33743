import { HttpException, Logger } from '@nestjs/common';
import { BoundedLru } from './bounded-lru.js';
import { buildEntry, type CacheEntry } from './cache-entry.js';
import type { CacheMetrics, CacheOutcome } from './cache-metrics.js';
import { cacheKeyOf, namespaceOfKey, type CacheNamespace, type EntryNamespace } from './cache-namespaces.js';
import { type RedisTier, TAG_MEMORY_MS } from './redis-tier.js';
import { withTimeout } from '../common/async/with-timeout.js';
import { ExpiringMap } from '../common/collections/expiring-map.js';
import { RepeatedWarning } from '../common/logging/repeated-warning.js';

/** How often deferred invalidations are retried while Redis is unreachable or slow. */
const REPLAY_INTERVAL_MS = 1000;
const REDIS_REACHED_AGAIN = 'Redis reached again: invalidations land';

export interface TieredCacheOptions {
  l1: { enabled: boolean; maxEntries: number; maxBytes: number };
  staleFactor: number;
  refreshAheadRatio: number;
  leaseMs: number;
  leaseWaitMs: number;
  ackTimeoutMs: number;
  /** The longest a write waits for its invalidation to reach Redis and the other instances, in all. */
  invalidationTimeoutMs: number;
}

export interface CacheLookup {
  namespace: EntryNamespace;
  key: string;
  /** Tags known before loading (from the request); the loader may add more from the result. */
  tags: string[];
  /** Session entries: the principal the entry belongs to. */
  owner?: string;
  /** The request path that reloads the entry (public entries only). */
  source?: string;
}

export interface LoadedValue {
  body: string;
  total?: number;
  /** null: this result must not be cached (e.g. a conditional policy declined it). */
  ttlMs: number | null;
  tags: string[];
}

export interface CacheResult {
  outcome: CacheOutcome | 'REFRESH';
  body: string;
  etag?: string;
  total?: number;
  /** Until then the answer is fresh (the entry it came from or went into); absent for stale and uncached answers. */
  freshUntil?: number;
  /** When the answer was computed (the entry's load); sent as the Age header. */
  storedAt?: number;
}

export interface InvalidationReport {
  tags: string[];
  removed_l1: string[];
  removed_l2: string[];
  /** Other instances that confirmed dropping the tags from their L1, of those subscribed. */
  instances_confirmed: number;
  instances_expected: number;
  /** Redis could not be reached: the tags are replayed to it when it is back. */
  deferred: boolean;
  /** The invalidation sequence Redis recorded on the tags (absent without Redis, or deferred). */
  sequence?: number;
}

type Loader = () => Promise<LoadedValue>;

/** Where the invalidation sequences stood when a load began: its result is stored only if none of its tags moved past them. */
export interface Snapshot {
  startedAt: number;
  local: number;
  redis: number | undefined;
}

const POLL_INTERVAL_MS = 20;

/**
 * Fences: names a clear invalidates like tags (see {@link TieredCache.fence}). No entry carries
 * one; every store checks the two its key falls under.
 */
const FENCE_ALL = '_fence:*';
const fenceOf = (namespace: string) => `_fence:${namespace}`;
const fencesOf = (namespaces: readonly string[] | null) => (namespaces === null ? [FENCE_ALL] : [...new Set(namespaces)].map(fenceOf));

/** Pub/sub channel on which an instance announces that it replaced an entry in Redis (refresh-ahead). */
const REPLACED_CHANNEL = 'cache-replaced';

/** Hears every read of an entry that answered a request (hits, and misses once stored). */
export type ReadListener = (namespace: EntryNamespace, cacheKey: string, entry: CacheEntry) => void;

/** What a read served: refreshes are not reads, so never 'REFRESH'. */
type ReadResult = CacheResult & { outcome: CacheOutcome };

const resultOf = <O extends CacheResult['outcome']>(outcome: O, entry: CacheEntry): CacheResult & { outcome: O } => ({
  outcome,
  body: entry.body,
  etag: entry.etag,
  total: entry.total,
  freshUntil: entry.freshUntil,
  storedAt: entry.storedAt,
});

const isCallerError = (error: unknown) => error instanceof HttpException && error.getStatus() < 500;

/**
 * The read and invalidation paths of the two tiers.
 *
 * Reads: L1, then L2 (promoted into L1 for the time it has left), else one load per key per
 * instance (in-process coalescing) and, with Redis, per cluster (a short lease the others wait
 * on). Expired entries are kept for `staleFactor` x TTL and served if the load fails for a
 * reason other than the caller's (stale-if-error). A fresh hit with less than
 * `refreshAheadRatio` of its TTL left is reloaded in the background.
 *
 * Correctness: every invalidation records a sequence number per tag, locally and in Redis; a
 * load stores its result only if none of its tags was invalidated after the load began, so a
 * slow loader cannot write back data from before a write; a clear records a fence the same way
 * (see {@link TieredCache.fence}), so a load in flight across it is not stored. Other instances drop their L1 entries
 * on a pub/sub message and confirm; while that bus is down this instance cannot hear about other
 * instances' writes, so it does not trust its L1, and it empties it when the bus comes back.
 */
export class TieredCache {
  private readonly logger = new Logger('TieredCache');
  /** While Redis is out of reach every write defers its invalidation: the first is logged, then a count now and then. */
  private readonly deferrals = new RepeatedWarning(this.logger);
  readonly l1: BoundedLru;
  private localSequence = 0;
  /** The local sequence of each tag's last invalidation here, for the loads in flight that began before it. */
  private readonly tagSequences = new ExpiringMap<number>(TAG_MEMORY_MS);
  private readonly inflight = new Map<string, Promise<ReadResult>>();
  /** The fast path's Redis reads under way: concurrent requests for one key share one. */
  private readonly publicL2Reads = new Map<string, Promise<CacheEntry | undefined>>();
  private readonly refreshing = new Set<string>();
  private readListener?: ReadListener;
  /** Tags whose invalidation has not reached Redis yet; L2 is not read until they have. */
  private pendingTags = new Set<string>();
  private replaying = false;
  /**
   * Deferred invalidations are also replayed on this timer, not only on the next read of L2: an
   * instance that wrote and then gets no reads would otherwise leave the others on old data.
   */
  private readonly replayTimer?: NodeJS.Timeout;

  constructor(
    private readonly options: TieredCacheOptions,
    private readonly metrics: CacheMetrics,
    readonly redis?: RedisTier,
  ) {
    this.l1 = new BoundedLru(options.l1, (key) => metrics.of(namespaceOfKey(key)).evictions++);
    redis?.onInvalidation((message) => this.dropLocal(message.tags));
    // Another instance replaced (or dropped) an entry in Redis: drop the old copy from L1, so the
    // next read here takes the new one from L2 instead of serving the old one until it expires.
    redis?.connection.subscribeMessages(REPLACED_CHANNEL, (payload) => {
      const separator = payload.indexOf(' ');
      if (payload.slice(0, separator) !== redis.connection.instanceId) this.l1.delete(payload.slice(separator + 1));
    });
    if (redis) this.replayTimer = setInterval(() => void this.replayPendingInvalidations(), REPLAY_INTERVAL_MS).unref();
  }

  /** Registers the one listener told of reads (the analytics refresher's record of recent reads). */
  onRead(listener: ReadListener): void {
    this.readListener = listener;
  }

  private noteRead(namespace: EntryNamespace, cacheKey: string, entry: CacheEntry): void {
    this.readListener?.(namespace, cacheKey, entry);
  }

  stop(): void {
    clearInterval(this.replayTimer);
  }

  /** Called when the invalidation bus comes (back) up: anything may have changed meanwhile. */
  busReady(): void {
    const dropped = this.l1.size;
    this.l1.clear();
    if (dropped > 0) this.logger.warn(`Invalidation bus back: emptied L1 (${dropped} entries) as it may have missed messages`);
    void this.replayPendingInvalidations();
  }

  private get l1Usable(): boolean {
    return this.options.l1.enabled && (!this.redis || this.redis.busReady);
  }

  private get l2Usable(): boolean {
    if (!this.redis || !this.redis.connection.ready) return false;
    if (this.pendingTags.size === 0) return true;
    void this.replayPendingInvalidations();
    return false;
  }

  /**
   * A fresh L1 entry of a public route, not due for refresh-ahead, counted as a hit; undefined
   * sends the request down the full path. Synchronous, for the fast path.
   */
  freshPublicL1(namespace: CacheNamespace, cacheKey: string, now = Date.now()): CacheEntry | undefined {
    if (!this.l1Usable) return undefined;
    const entry = this.l1.get(cacheKey, now);
    if (!entry || entry.owner !== undefined || entry.freshUntil <= now) return undefined;
    if (entry.freshUntil - now < entry.ttlMs * this.options.refreshAheadRatio) return undefined;
    this.metrics.outcome(namespace, 'HIT-L1');
    this.noteRead(namespace, cacheKey, entry);
    return entry;
  }

  /**
   * {@link freshPublicL1} one tier down: a fresh public entry read from Redis, not due for
   * refresh-ahead, promoted into L1 and counted as a hit. Undefined (Redis unusable, nothing
   * there, an expired or due entry, a full-path read of the key already under way, or one of its
   * tags invalidated here during the read) sends the request down the full path.
   */
  async freshPublicL2(namespace: CacheNamespace, cacheKey: string): Promise<CacheEntry | undefined> {
    if (!this.l2Usable || this.inflight.has(cacheKey)) return undefined;
    let read = this.publicL2Reads.get(cacheKey);
    if (!read) {
      read = this.readFreshPublicL2(namespace, cacheKey).finally(() => this.publicL2Reads.delete(cacheKey));
      this.publicL2Reads.set(cacheKey, read);
    }
    const entry = await read;
    if (entry) {
      this.metrics.outcome(namespace, 'HIT-L2');
      this.noteRead(namespace, cacheKey, entry);
    }
    return entry;
  }

  private async readFreshPublicL2(namespace: CacheNamespace, cacheKey: string): Promise<CacheEntry | undefined> {
    const localSnapshot = this.localSequence;
    const entry = await this.redis!.get(cacheKey).catch(() => this.countError(namespace));
    const now = Date.now();
    if (!entry || entry.owner !== undefined || entry.freshUntil <= now) return undefined;
    if (entry.freshUntil - now < entry.ttlMs * this.options.refreshAheadRatio) return undefined;
    if (this.invalidatedSince(namespace, entry.tags, localSnapshot)) return undefined;
    this.promote(cacheKey, entry, localSnapshot);
    return entry;
  }

  async read(lookup: CacheLookup, loader: Loader): Promise<ReadResult> {
    const cacheKey = cacheKeyOf(lookup.namespace, lookup.key);
    const now = Date.now();
    if (this.l1Usable) {
      const entry = this.l1.get(cacheKey, now);
      if (entry && entry.freshUntil > now && entry.owner === lookup.owner) {
        this.metrics.outcome(lookup.namespace, 'HIT-L1');
        this.noteRead(lookup.namespace, cacheKey, entry);
        this.refreshAheadIfDue(lookup, cacheKey, entry, loader, now);
        return resultOf('HIT-L1', entry);
      }
    }
    const pending = this.inflight.get(cacheKey);
    if (pending) {
      // Concurrent misses of one key share the first one's read and load.
      const shared = await pending;
      this.metrics.outcome(lookup.namespace, shared.outcome);
      return shared;
    }
    const read = this.readBelowL1(lookup, cacheKey, loader, now).finally(() => this.inflight.delete(cacheKey));
    this.inflight.set(cacheKey, read);
    return read;
  }

  private async readBelowL1(lookup: CacheLookup, cacheKey: string, loader: Loader, now: number): Promise<ReadResult> {
    const localSnapshot = this.localSequence;
    let stale = this.l1Usable ? this.usableStale(this.l1.peek(cacheKey), lookup, now) : undefined;
    if (this.l2Usable) {
      const entry = await this.redis!.get(cacheKey).catch(() => this.countError(lookup.namespace));
      if (entry && entry.owner === lookup.owner) {
        if (entry.freshUntil > now) {
          this.promote(cacheKey, entry, localSnapshot);
          this.metrics.outcome(lookup.namespace, 'HIT-L2');
          this.noteRead(lookup.namespace, cacheKey, entry);
          this.refreshAheadIfDue(lookup, cacheKey, entry, loader, now);
          return resultOf('HIT-L2', entry);
        }
        stale ??= this.usableStale(entry, lookup, now);
      }
    }
    return this.loadAndStore(lookup, cacheKey, loader, localSnapshot, stale);
  }

  private async loadAndStore(
    lookup: CacheLookup,
    cacheKey: string,
    loader: Loader,
    localSnapshot: number,
    stale: CacheEntry | undefined,
  ): Promise<ReadResult> {
    let redisSnapshot: number | undefined;
    let lease: string | undefined;
    if (this.l2Usable) {
      try {
        redisSnapshot = await this.redis!.sequence();
        lease = await this.redis!.connection.acquireLease(cacheKey, this.options.leaseMs);
        if (!lease) {
          const loadedElsewhere = await this.waitForOtherLoader(lookup, cacheKey);
          if (loadedElsewhere) {
            this.promote(cacheKey, loadedElsewhere, localSnapshot);
            this.metrics.outcome(lookup.namespace, 'HIT-L2');
            this.noteRead(lookup.namespace, cacheKey, loadedElsewhere);
            return resultOf('HIT-L2', loadedElsewhere);
          }
        }
      } catch {
        this.countError(lookup.namespace);
        redisSnapshot = undefined;
      }
    }
    const startedAt = Date.now();
    let value: LoadedValue;
    try {
      value = await this.timedLoad(lookup.namespace, loader);
    } catch (error) {
      if (isCallerError(error)) throw error;
      stale ??= await this.staleAfterFailedLoad(lookup, cacheKey);
      if (stale) {
        this.logger.warn(`Serving stale ${cacheKey}: the load failed (${(error as Error).message})`);
        this.metrics.outcome(lookup.namespace, 'STALE');
        return resultOf('STALE', stale);
      }
      throw error;
    } finally {
      if (lease) this.redis!.connection.releaseLease(cacheKey, lease).catch(() => this.countError(lookup.namespace));
    }
    this.metrics.outcome(lookup.namespace, 'MISS');
    if (value.ttlMs === null) return { outcome: 'MISS', body: value.body, total: value.total };
    const entry = buildEntry(
      { ...value, ttlMs: value.ttlMs, owner: lookup.owner, source: lookup.source },
      this.options.staleFactor,
      startedAt,
    );
    if (await this.store(cacheKey, entry, startedAt, localSnapshot, redisSnapshot)) this.noteRead(lookup.namespace, cacheKey, entry);
    return resultOf('MISS', entry);
  }

  /**
   * Refresh-ahead of one entry: loads it again and replaces it on both tiers, then tells the other
   * instances to drop their L1 copy (they read the new one from Redis). Readers keep getting the
   * current entry until the new one is stored: nothing is removed first. The new entry is refused,
   * like any load's, if one of its tags was invalidated meanwhile (a write won).
   */
  async refresh(lookup: CacheLookup, loader: Loader): Promise<CacheResult & { stored: boolean }> {
    const cacheKey = cacheKeyOf(lookup.namespace, lookup.key);
    const snapshot = await this.snapshot();
    const value = await this.timedLoad(lookup.namespace, loader);
    this.metrics.of(lookup.namespace).refreshes++;
    if (value.ttlMs === null) return { outcome: 'REFRESH', body: value.body, total: value.total, stored: false };
    const entry = buildEntry(
      { ...value, ttlMs: value.ttlMs, owner: lookup.owner, source: lookup.source },
      this.options.staleFactor,
      snapshot.startedAt,
    );
    const stored = await this.store(cacheKey, entry, snapshot.startedAt, snapshot.local, snapshot.redis);
    if (stored) await this.announceReplaced(cacheKey);
    return { ...resultOf('REFRESH', entry), stored };
  }

  /** The entry stored under a key (L1, else Redis), fresh or not; not counted as a read. */
  async entry(cacheKey: string): Promise<CacheEntry | undefined> {
    const local = this.l1Usable ? this.l1.peek(cacheKey) : undefined;
    if (local || !this.l2Usable) return local;
    return this.redis!.get(cacheKey).catch(() => this.countError(namespaceOfKey(cacheKey)));
  }

  /** Drops one entry from both tiers and from every instance's L1. */
  async drop(cacheKey: string): Promise<void> {
    this.l1.delete(cacheKey);
    if (!this.redis) return;
    await this.redis.delete(cacheKey);
    await this.announceReplaced(cacheKey);
  }

  private async announceReplaced(cacheKey: string): Promise<void> {
    if (!this.redis) return;
    await this.redis.connection.publishMessage(REPLACED_CHANNEL, `${this.redis.connection.instanceId} ${cacheKey}`).catch(() => {
      this.countError(namespaceOfKey(cacheKey));
      this.logger.warn(`Could not announce the replacement of ${cacheKey}: other instances keep their L1 copy until it expires`);
    });
  }

  /**
   * Stores a freshly loaded entry in both tiers unless one of its tags was invalidated since the
   * load began. Returns whether it was stored.
   */
  async store(
    cacheKey: string,
    entry: CacheEntry,
    loadStartedAt: number,
    localSnapshot: number,
    redisSnapshot: number | undefined,
  ): Promise<boolean> {
    const namespace = namespaceOfKey(cacheKey);
    const counters = this.metrics.of(namespace);
    if (Date.now() - loadStartedAt > TAG_MEMORY_MS || this.invalidatedSince(namespace, entry.tags, localSnapshot)) {
      counters.sets_refused++;
      return false;
    }
    if (this.redis) {
      if (redisSnapshot === undefined || !this.l2Usable) return false;
      try {
        if (!(await this.redis.setIfNotInvalidated(cacheKey, entry, redisSnapshot, [FENCE_ALL, fenceOf(namespace)]))) {
          counters.sets_refused++;
          return false;
        }
      } catch {
        this.countError(namespace);
        return false;
      }
      // The L2 write took a round trip: an invalidation may have arrived meanwhile.
      if (this.invalidatedSince(namespace, entry.tags, localSnapshot)) {
        counters.sets_refused++;
        return false;
      }
    }
    if (this.l1Usable) this.l1.set(cacheKey, entry);
    counters.sets++;
    return true;
  }

  /** Snapshots for a load about to start outside {@link read} (write-through, warming). */
  async snapshot(): Promise<Snapshot> {
    const local = this.localSequence;
    let redis: number | undefined;
    if (this.l2Usable) redis = await this.redis!.sequence().catch(() => undefined);
    return { startedAt: Date.now(), local, redis };
  }

  /**
   * Snapshots for a load that starts right after `invalidation` (a write-through), without asking
   * Redis again: its sequence stands in for the current one. A store is then refused if any of its
   * tags was invalidated after that invalidation, which includes every invalidation a fresh
   * snapshot would refuse (those come later still), so nothing is stored that a fresh snapshot
   * would have kept out. Without a sequence (no Redis, or the invalidation was deferred) the store
   * into Redis is refused, as it would be with Redis unusable.
   */
  snapshotAfter(invalidation: InvalidationReport): Snapshot {
    return { startedAt: Date.now(), local: this.localSequence, redis: invalidation.sequence };
  }

  async invalidate(tags: string[]): Promise<InvalidationReport> {
    const unique = [...new Set(tags)];
    const report: InvalidationReport = {
      tags: unique,
      removed_l1: this.dropLocal(unique),
      removed_l2: [],
      instances_confirmed: 0,
      instances_expected: 0,
      deferred: false,
    };
    if (this.redis) {
      try {
        const redis = this.redis;
        const reached = async () => {
          const { sequence, removed, acks } = await redis.invalidateEverywhere(unique, this.options.ackTimeoutMs);
          // A large tag is emptied over several calls; a read here meanwhile may have promoted an
          // entry not yet removed from Redis into L1. Dropping the tags again closes that window
          // (the other instances drop theirs on the message, sent only once Redis holds none).
          return { sequence, removed, promoted: this.dropLocal(unique), acks };
        };
        // One deadline for the whole invalidation: past it the write answers, and the replay timer
        // repeats the invalidation (harmless if the late one lands too).
        const { sequence, removed, promoted, acks } = await withTimeout(
          reached(),
          this.options.invalidationTimeoutMs,
          () => new Error(`invalidation not confirmed within ${this.options.invalidationTimeoutMs} ms`),
        );
        report.removed_l2 = removed;
        report.sequence = sequence;
        report.removed_l1.push(...promoted);
        report.instances_confirmed = acks.confirmed;
        report.instances_expected = acks.expected;
        this.deferrals.recovered(REDIS_REACHED_AGAIN);
        if (acks.confirmed < acks.expected) {
          this.logger.warn(`Only ${acks.confirmed} of ${acks.expected} instances confirmed invalidating ${unique.join(', ')}`);
        }
      } catch {
        for (const tag of unique) this.pendingTags.add(tag);
        report.deferred = true;
        this.deferrals.warn(
          `Redis unreachable or slow: invalidation of ${unique.join(', ')} deferred, replayed every second until it lands`,
        );
      }
    }
    for (const key of new Set([...report.removed_l1, ...report.removed_l2])) {
      this.metrics.of(namespaceOfKey(key)).invalidations++;
    }
    return report;
  }

  /**
   * Makes a clear a barrier: no load of these namespaces (all of them when null) that began before
   * now stores its entry afterwards, in this instance's L1 and, for {@link fence}, in Redis for
   * every instance. Without it a load in flight across a clear would store what it read before,
   * which is stale when the clear follows a change made outside the application (a row fixed in
   * SQL). A refused store costs only a reload: the read that began earlier still gets its answer.
   */
  fenceLocal(namespaces: readonly string[] | null): void {
    this.dropLocal(fencesOf(namespaces));
  }

  /** {@link fenceLocal}, and the same fence in Redis; call it before removing what the clear removes. */
  async fence(namespaces: readonly string[] | null): Promise<void> {
    this.fenceLocal(namespaces);
    if (this.redis) await this.redis.invalidateTags(fencesOf(namespaces));
  }

  /** Replays invalidations that could not reach Redis; L2 is read again once they have. */
  async replayPendingInvalidations(): Promise<void> {
    if (!this.redis || this.pendingTags.size === 0 || !this.redis.connection.ready || this.replaying) return;
    this.replaying = true;
    const tags = [...this.pendingTags];
    try {
      await this.redis.invalidateEverywhere(tags, this.options.ackTimeoutMs);
      for (const tag of tags) this.pendingTags.delete(tag);
      this.deferrals.recovered(REDIS_REACHED_AGAIN);
      this.logger.log(`Replayed ${tags.length} deferred invalidation tag(s) to Redis`);
    } catch {
      // Still unreachable; the next attempt replays them.
    } finally {
      this.replaying = false;
    }
  }

  get deferredInvalidations(): number {
    return this.pendingTags.size;
  }

  /** Drops tags from L1 and remembers when, so loads that began earlier are not stored. */
  private dropLocal(tags: string[]): string[] {
    this.localSequence++;
    for (const tag of tags) this.tagSequences.set(tag, this.localSequence);
    return this.l1.deleteTagged(tags);
  }

  private invalidatedSince(namespace: string, tags: string[], snapshot: number): boolean {
    const after = (tag: string) => (this.tagSequences.get(tag) ?? 0) > snapshot;
    return after(FENCE_ALL) || after(fenceOf(namespace)) || tags.some(after);
  }

  /**
   * A last look for a stale copy when a load failed and the read found none. One Redis answer
   * later than its bound makes reads skip Redis for a moment, and L1 is not trusted meanwhile (the
   * bus may be late too), so the read saw neither tier; without this, stale-if-error would become
   * an error exactly when both Redis and the database are slow. Redis is asked once more, bounded
   * as usual: invalidations delete from it, so an entry it still holds was not invalidated, unless
   * invalidations are waiting to be replayed (then nothing is served from it).
   */
  private async staleAfterFailedLoad(lookup: CacheLookup, cacheKey: string): Promise<CacheEntry | undefined> {
    if (!this.redis || this.pendingTags.size > 0) return undefined;
    const entry = await this.redis.get(cacheKey).catch(() => undefined);
    return this.usableStale(entry, lookup, Date.now());
  }

  private promote(cacheKey: string, entry: CacheEntry, localSnapshot: number): void {
    if (this.l1Usable && !this.invalidatedSince(namespaceOfKey(cacheKey), entry.tags, localSnapshot)) this.l1.set(cacheKey, entry);
  }

  private usableStale(entry: CacheEntry | undefined, lookup: CacheLookup, now: number): CacheEntry | undefined {
    return entry && entry.owner === lookup.owner && entry.staleUntil > now ? entry : undefined;
  }

  private async waitForOtherLoader(lookup: CacheLookup, cacheKey: string): Promise<CacheEntry | undefined> {
    const deadline = Date.now() + this.options.leaseWaitMs;
    while (Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, POLL_INTERVAL_MS));
      const entry = await this.redis!.get(cacheKey).catch(() => undefined);
      if (entry && entry.owner === lookup.owner && entry.freshUntil > Date.now()) return entry;
    }
    return undefined;
  }

  private refreshAheadIfDue(lookup: CacheLookup, cacheKey: string, entry: CacheEntry, loader: Loader, now: number): void {
    if (entry.freshUntil - now >= entry.ttlMs * this.options.refreshAheadRatio || this.refreshing.has(cacheKey)) return;
    this.refreshing.add(cacheKey);
    void (async () => {
      let lease: string | undefined;
      try {
        // One reload across the instances: whoever holds the key's lease reloads it; the others
        // keep serving what they have and take the new entry from Redis once it is announced.
        if (this.l2Usable) {
          lease = await this.redis!.connection.acquireLease(cacheKey, this.options.leaseMs);
          if (!lease) return;
        }
        await this.refresh(lookup, loader);
      } catch (error) {
        this.countError(lookup.namespace);
        this.logger.warn(`Refresh-ahead of ${cacheKey} failed: ${(error as Error).message}`);
      } finally {
        if (lease) this.redis!.connection.releaseLease(cacheKey, lease).catch(() => this.countError(lookup.namespace));
        this.refreshing.delete(cacheKey);
      }
    })();
  }

  private async timedLoad(namespace: EntryNamespace, loader: Loader): Promise<LoadedValue> {
    const started = performance.now();
    try {
      return await loader();
    } finally {
      this.metrics.load(namespace, performance.now() - started);
    }
  }

  private countError(namespace: EntryNamespace): undefined {
    this.metrics.of(namespace).errors++;
    return undefined;
  }
}
