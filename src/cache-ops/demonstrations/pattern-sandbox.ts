import { Injectable } from '@nestjs/common';
import { CacheStoreAdmin } from '../maintenance/cache-store-admin.js';
import { buildEntry } from '../../cache/cache-entry.js';
import { cacheKeyOf, SANDBOX_NAMESPACE } from '../../cache/cache-namespaces.js';
import { CacheService } from '../../cache/cache.service.js';
import { type CacheResult, type LoadedValue, TieredCache } from '../../cache/tiered-cache.js';
import { AppConfig } from '../../config/app-config.js';

/**
 * The pattern demonstrations' own entries, under `{prefix}:_sandbox:{pattern}:{key}`: stored and
 * read through the same tiers (L1, Redis, leases, the same entry format and stale window) as route
 * entries, but no route serves them and no demonstration touches a live entry or business data.
 * They carry no tags, so no invalidation reaches them and they reach nothing; they expire with
 * their TTL.
 */
@Injectable()
export class PatternSandbox {
  constructor(
    private readonly config: AppConfig,
    private readonly cache: CacheService,
    private readonly tiers: TieredCache,
    private readonly store: CacheStoreAdmin,
  ) {}

  /** The sandbox entry's cache key (`_sandbox:{pattern}:{key}`, without the prefix). */
  keyOf(pattern: string, key: string): string {
    return cacheKeyOf(SANDBOX_NAMESPACE, `${pattern}:${key}`);
  }

  /** Removes the demonstration's own entry from this instance's L1 and from Redis. */
  async remove(cacheKey: string): Promise<boolean> {
    const removed = await this.store.deleteKey(cacheKey);
    return removed.l1 || removed.l2;
  }

  /** Cache-aside read of the sandbox entry: L1, then Redis, else `load` once and store. */
  read(cacheKey: string, load: () => Promise<LoadedValue>): Promise<CacheResult> {
    if (!this.cache.enabled) return load().then((loaded) => ({ outcome: 'BYPASS' as const, body: loaded.body }));
    return this.tiers.read({ namespace: SANDBOX_NAMESPACE, key: this.keyIn(cacheKey), tags: [] }, load);
  }

  /** Write-through of the sandbox entry: stores `value` in both tiers now, as a write's write-back does. */
  async write(cacheKey: string, value: LoadedValue): Promise<boolean> {
    if (!this.cache.enabled || value.ttlMs === null) return false;
    const snapshot = await this.tiers.snapshot();
    const entry = buildEntry({ ...value, ttlMs: value.ttlMs }, this.config.cache.staleFactor);
    return this.tiers.store(cacheKey, entry, snapshot.startedAt, snapshot.local, snapshot.redis);
  }

  /** When this instance's L1 stored the entry, if it holds it. */
  storedAt(cacheKey: string): number | null {
    return this.store.l1StoredAt(cacheKey);
  }

  private keyIn(cacheKey: string): string {
    return cacheKey.slice(SANDBOX_NAMESPACE.length + 1);
  }
}
