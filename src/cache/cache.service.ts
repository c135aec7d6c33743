import { Injectable, Optional } from '@nestjs/common';
import { RequestContext } from '../common/context/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { Page } from '../common/pagination/pagination.js';
import { buildEntry, etagOf } from './cache-entry.js';
import { cacheKeyFor } from './cache-keys.js';
import { CacheMetrics } from './cache-metrics.js';
import { cacheKeyOf } from './cache-namespaces.js';
import type { CachePolicy, RouteParams } from './cache-policy.js';
import { type CacheResult, type InvalidationReport, type LoadedValue, TieredCache } from './tiered-cache.js';
import { TtlPolicy } from './ttl-policy.js';
import { traceInvalidation, traceLookup } from './cache-spans.js';
import { LoadRouting } from './load-routing.js';

export type HttpCacheResult = CacheResult & { etag: string };

/** What an invalidation or clear removed and why, for the audit log. */
export interface CacheChangeRecord {
  /** The route or job that caused it ("PUT /restaurants/:id", "job:cleanup"). */
  cause: string;
  action: 'invalidate' | 'clear' | 'clear-namespace' | 'clear-expired' | 'delete-key';
  namespace: string | null;
  tags: string[];
  keys: string[];
  reason: string;
  /**
   * Durable records of work this change completes (rows of the domain's cache invalidation
   * outbox): the audit deletes them in the statement that writes this record.
   */
  completes?: string[];
}

/** What the rest of the app uses of the cache: reads for @Cached routes, invalidation, write-through. */
@Injectable()
export class CacheService {
  private readonly changeListeners: ((record: CacheChangeRecord) => void)[] = [];

  constructor(
    private readonly config: AppConfig,
    readonly tiers: TieredCache,
    readonly ttl: TtlPolicy,
    readonly metrics: CacheMetrics,
    /** Absent in unit specs; without DATABASE_REPLICA_URLS it is disabled and loads run as they are. */
    @Optional() private readonly routing?: LoadRouting,
  ) {}

  get enabled(): boolean {
    return this.config.cache.enabled;
  }

  async read(
    policy: CachePolicy,
    params: RouteParams,
    query: Record<string, unknown> | undefined,
    loader: () => Promise<LoadedValue>,
    sessionOwner?: string,
    /** The request path, kept with a public entry so that refresh-ahead can request it again. */
    source?: string,
  ): Promise<HttpCacheResult> {
    const lookup = this.lookup(policy, params, query, sessionOwner);
    const result = await traceLookup(policy.namespace, 'full', () =>
      this.tiers.read({ ...lookup, source }, this.routed(lookup.tags, loader)),
    );
    return { ...result, etag: result.etag ?? etagOf(result.body) };
  }

  /** Refresh-ahead of a route's entry: loads it again and replaces it; readers keep the current one meanwhile. */
  async refresh(
    policy: CachePolicy,
    params: RouteParams,
    query: Record<string, unknown> | undefined,
    loader: () => Promise<LoadedValue>,
    sessionOwner?: string,
    source?: string,
  ): Promise<HttpCacheResult> {
    const lookup = this.lookup(policy, params, query, sessionOwner);
    const result = await this.tiers.refresh({ ...lookup, source }, this.routed(lookup.tags, loader));
    return { ...result, etag: result.etag ?? etagOf(result.body) };
  }

  /** The load on a replica that has replayed the latest write of its tags, else on the primary. */
  private routed(tags: string[], loader: () => Promise<LoadedValue>): () => Promise<LoadedValue> {
    const routing = this.routing;
    return routing?.enabled ? () => routing.load(tags, loader) : loader;
  }

  private lookup(policy: CachePolicy, params: RouteParams, query: Record<string, unknown> | undefined, sessionOwner?: string) {
    const owner = policy.owner ? (sessionOwner ?? policy.owner(params)) : undefined;
    return {
      namespace: policy.namespace,
      key: cacheKeyFor(policy, params, query, owner),
      tags: policy.tags(params, query),
      owner,
    };
  }

  /** The cache is switched off: load, and answer the same way without storing anything. */
  async bypass(policy: CachePolicy, loader: () => Promise<LoadedValue>): Promise<HttpCacheResult> {
    const loaded = await loader();
    this.metrics.outcome(policy.namespace, 'BYPASS');
    return { outcome: 'BYPASS', body: loaded.body, total: loaded.total, etag: etagOf(loaded.body) };
  }

  /** The one serialisation of a route's result, for the response and the cache alike. */
  serialise(policy: CachePolicy, params: RouteParams, result: unknown, query?: Record<string, unknown>): LoadedValue {
    const page = result instanceof Page ? result : undefined;
    const payload = page ? page.items : result;
    const ttlName = policy.ttlFor ? policy.ttlFor(payload) : policy.ttl;
    return {
      body: JSON.stringify(payload),
      total: page?.total,
      ttlMs: ttlName === null ? null : this.ttl.millis(ttlName),
      tags: [...policy.tags(params, query), ...(policy.resultTags?.(payload, query) ?? [])],
    };
  }

  /**
   * Drops the tagged entries on every instance; `reason` says why (an event type, an admin action).
   * `completes` (outbox rows) is passed on to the audit record only if the invalidation reached
   * Redis: one deferred (Redis unreachable) lives in this process's memory until it lands, so its
   * rows stay to be replayed should the process die first.
   */
  async invalidate(tags: string[], reason: string, completes: string[] = []): Promise<InvalidationReport> {
    // Before the entries go: a load that starts once they are gone must see the write's position.
    if (this.routing?.enabled) await this.routing.recordWrite(tags);
    const report = await traceInvalidation(tags, reason, () => this.tiers.invalidate(tags));
    this.recordChange({
      action: 'invalidate',
      namespace: null,
      tags: report.tags,
      keys: [...new Set([...report.removed_l1, ...report.removed_l2])],
      reason,
      completes: report.deferred ? [] : completes,
    });
    return report;
  }

  /** Listeners (the audit log) hear of every invalidation and clear. */
  onChange(listener: (record: CacheChangeRecord) => void): void {
    this.changeListeners.push(listener);
  }

  /** Reports a change made to the cache; the cause is taken from the current request or job. */
  recordChange(change: Omit<CacheChangeRecord, 'cause'>): void {
    const record = { cause: RequestContext.cause() ?? 'internal', ...change };
    for (const listener of this.changeListeners) listener(record);
  }

  /**
   * Whether the route's entry for `params` (read without a query) was cached, in this instance's
   * L1 or in Redis, until `invalidation` removed it.
   */
  removedBy(invalidation: InvalidationReport, policy: CachePolicy, params: RouteParams): boolean {
    const key = cacheKeyOf(policy.namespace, cacheKeyFor(policy, params, {}));
    return invalidation.removed_l2.includes(key) || invalidation.removed_l1.includes(key);
  }

  /**
   * Write-through: stores what `load` returns now as the route's entry. Called after the write
   * committed and its tags were invalidated (`invalidation`, whose sequence serves as the
   * snapshot, see TieredCache.snapshotAfter); the snapshot taken before loading makes a later
   * concurrent write win over this one.
   */
  async writeThrough(
    policy: CachePolicy,
    params: RouteParams,
    load: () => Promise<unknown>,
    invalidation: InvalidationReport,
  ): Promise<boolean> {
    if (!this.enabled) return false;
    const snapshot = this.tiers.snapshotAfter(invalidation);
    const loaded = this.serialise(policy, params, await load());
    if (loaded.ttlMs === null) return false;
    const entry = buildEntry({ ...loaded, ttlMs: loaded.ttlMs, owner: policy.owner?.(params) }, this.config.cache.staleFactor);
    return this.tiers.store(
      cacheKeyOf(policy.namespace, cacheKeyFor(policy, params, {})),
      entry,
      snapshot.startedAt,
      snapshot.local,
      snapshot.redis,
    );
  }
}
