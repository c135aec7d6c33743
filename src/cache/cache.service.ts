import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Page } from '../common/pagination/pagination.js';
import { buildEntry, etagOf } from './cache-entry.js';
import { canonicalParams, cacheKeyFor } from './cache-keys.js';
import { CacheMetrics } from './cache-metrics.js';
import { cacheKeyOf } from './cache-namespaces.js';
import type { CachePolicy, RouteParams } from './cache-policy.js';
import { type CacheResult, type InvalidationReport, type LoadedValue, TieredCache } from './tiered-cache.js';
import { TtlPolicy } from './ttl-policy.js';

export type HttpCacheResult = CacheResult & { etag: string };

/** What the rest of the app uses of the cache: reads for @Cached routes, invalidation, write-through. */
@Injectable()
export class CacheService {
  constructor(
    private readonly config: AppConfig,
    readonly tiers: TieredCache,
    readonly ttl: TtlPolicy,
    readonly metrics: CacheMetrics,
  ) {}

  get enabled(): boolean {
    return this.config.cache.enabled;
  }

  async read(
    policy: CachePolicy,
    params: RouteParams,
    query: Record<string, unknown> | undefined,
    loader: () => Promise<LoadedValue>,
  ): Promise<HttpCacheResult> {
    const canonical = canonicalParams(params);
    const result = await this.tiers.read(
      {
        namespace: policy.namespace,
        key: cacheKeyFor(policy, canonical, query),
        tags: policy.tags(canonical),
        owner: policy.owner?.(canonical),
      },
      loader,
    );
    return { ...result, etag: result.etag ?? etagOf(result.body) };
  }

  /** The cache is switched off: load, and answer the same way without storing anything. */
  async bypass(policy: CachePolicy, loader: () => Promise<LoadedValue>): Promise<HttpCacheResult> {
    const loaded = await loader();
    this.metrics.outcome(policy.namespace, 'BYPASS');
    return { outcome: 'BYPASS', body: loaded.body, total: loaded.total, etag: etagOf(loaded.body) };
  }

  /** The one serialisation of a route's result, for the response and the cache alike. */
  serialise(policy: CachePolicy, params: RouteParams, result: unknown): LoadedValue {
    const page = result instanceof Page ? result : undefined;
    const payload = page ? page.items : result;
    const ttlName = policy.ttlFor ? policy.ttlFor(payload) : policy.ttl;
    return {
      body: JSON.stringify(payload),
      total: page?.total,
      ttlMs: ttlName === null ? null : this.ttl.millis(ttlName),
      tags: [...policy.tags(canonicalParams(params)), ...(policy.resultTags?.(payload) ?? [])],
    };
  }

  invalidate(tags: string[]): Promise<InvalidationReport> {
    return this.tiers.invalidate(tags);
  }

  /**
   * Write-through: stores what `load` returns now as the route's entry. Called after the write
   * committed and its tags were invalidated; the snapshot taken before loading makes a later
   * concurrent write win over this one.
   */
  async writeThrough(policy: CachePolicy, params: RouteParams, load: () => Promise<unknown>): Promise<boolean> {
    if (!this.enabled) return false;
    const canonical = canonicalParams(params);
    const snapshot = await this.tiers.snapshot();
    const loaded = this.serialise(policy, canonical, await load());
    if (loaded.ttlMs === null) return false;
    const entry = buildEntry(
      { ...loaded, ttlMs: loaded.ttlMs, owner: policy.owner?.(canonical) },
      this.config.cache.staleFactor,
    );
    return this.tiers.store(
      cacheKeyOf(policy.namespace, cacheKeyFor(policy, canonical, {})),
      entry,
      snapshot.startedAt,
      snapshot.local,
      snapshot.redis,
    );
  }
}
