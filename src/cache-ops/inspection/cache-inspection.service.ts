import { Injectable } from '@nestjs/common';
import { CacheStoreAdmin, type KeyPage } from '../maintenance/cache-store-admin.js';
import { CacheMetrics, type NamespaceCounters } from '../../cache/cache-metrics.js';
import { CACHE_NAMESPACES, isCacheNamespace, type CacheNamespace, type EntryNamespace } from '../../cache/cache-namespaces.js';
import { CacheService } from '../../cache/cache.service.js';
import { TieredCache } from '../../cache/tiered-cache.js';
import { SharedRedis } from '../../redis/redis-connection.js';
import { ValidationFailedException } from '../../common/errors/validation-failed.exception.js';
import { AppConfig } from '../../config/app-config.js';
import { CacheAccessLog } from './cache-access-log.js';
import { CacheOpsSettings } from '../cache-ops.settings.js';
import { CachedRoutes } from '../../cache/cached-routes.js';
import type {
  CacheHealthDetailedResponse,
  CacheHealthResponse,
  CacheInfoResponse,
  ComprehensiveReportResponse,
  L1HealthDetailed,
  MemoryUsageResponse,
  NamespaceMemory,
} from '../dto/cache-health.dto.js';
import type {
  CachePerformanceNamespace,
  CachePerformanceResponse,
  CacheStatsResponse,
  CacheStatsWithKeysResponse,
  DetailedNamespaceStats,
  DetailedStatsResponse,
  HitRatioResponse,
  NamespacePerformanceResponse,
  NamespaceKeySample,
  NamespaceStats,
  NamespaceStatsResponse,
  TtlClass,
} from '../dto/cache-stats.dto.js';
import { KEY_SAMPLE_SIZE } from '../dto/cache-stats.dto.js';
import { hitRatios, RATING_THRESHOLDS, sumCounters } from '../../cache/hit-ratio.js';
import { memoryRecommendations, namespaceRecommendations, type NamespaceFigures, type Recommendation } from './recommendations.js';

const round = (value: number, decimals = 4) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Health, statistics, configuration, memory and reports of the cache: read-only, every figure measured now. */
@Injectable()
export class CacheInspectionService {
  constructor(
    private readonly config: AppConfig,
    private readonly cache: CacheService,
    private readonly metrics: CacheMetrics,
    private readonly tiers: TieredCache,
    private readonly redis: SharedRedis,
    private readonly store: CacheStoreAdmin,
    private readonly catalog: CachedRoutes,
    private readonly accessLog: CacheAccessLog,
  ) {}

  async health(): Promise<CacheHealthResponse> {
    const detailed = await this.detailedHealth();
    return {
      status: detailed.status,
      enabled: detailed.enabled,
      tiers: detailed.tiers,
      redis: { configured: detailed.redis.configured, connected: detailed.redis.connected, ping_ms: detailed.redis.ping_ms },
      l1: { entries: detailed.l1.entries, bytes: detailed.l1.bytes },
      checked_at: detailed.checked_at,
    };
  }

  async detailedHealth(): Promise<CacheHealthDetailedResponse> {
    const redis = this.redis.connection;
    let pingMs: number | null = null;
    let pingError: string | null = null;
    if (redis) {
      try {
        pingMs = round(await this.store.ping(), 3);
      } catch (error) {
        pingError = errorMessage(error);
      }
    }
    const connected = pingMs !== null;
    const deferred = this.tiers.deferredInvalidations;
    const enabled = this.cache.enabled;
    const status = !enabled ? 'disabled' : redis && (!connected || !redis.subscriptionsReady || deferred > 0) ? 'degraded' : 'healthy';
    return {
      status,
      enabled,
      tiers: this.tierNames(),
      prefix: this.config.cache.prefix,
      profile: this.config.cache.profile,
      redis: {
        configured: redis !== undefined,
        connected,
        ping_ms: pingMs,
        bus_ready: redis?.subscriptionsReady ?? false,
        instance_id: redis?.instanceId ?? null,
        last_error: redis?.lastError ?? null,
        ping_error: pingError,
      },
      l1: this.l1Health(),
      deferred_invalidations: deferred,
      counters_since: this.metrics.snapshot().since,
      checked_at: new Date().toISOString(),
    };
  }

  stats(): CacheStatsResponse {
    const snapshot = this.metrics.snapshot();
    return {
      since: snapshot.since,
      enabled: this.cache.enabled,
      totals: this.namespaceStats('all', sumCounters(Object.values(snapshot.namespaces))),
      l1: this.store.l1,
    };
  }

  /**
   * The counters, with a sample of each namespace's keys: one bounded SCAN page each (see
   * CacheStoreAdmin.keyPage), so the answer costs the same however many keys Redis holds.
   */
  async statsWithKeys(): Promise<CacheStatsWithKeysResponse> {
    const key_samples = await Promise.all(
      CACHE_NAMESPACES.map(async (namespace): Promise<NamespaceKeySample> => {
        try {
          const page = await this.store.keyPage(namespace, '0', KEY_SAMPLE_SIZE);
          const complete = page.cursor === '0';
          return {
            namespace,
            source: page.source,
            keys: page.keys.map((key) => key.key),
            complete,
            more: complete ? `/cache/keys/${namespace}` : `/cache/keys/${namespace}?cursor=${page.cursor}`,
            error: null,
          };
        } catch (error) {
          return { namespace, source: 'redis', keys: [], complete: false, more: `/cache/keys/${namespace}`, error: errorMessage(error) };
        }
      }),
    );
    return { ...this.stats(), key_samples };
  }

  namespaceStatsList(): NamespaceStatsResponse {
    const snapshot = this.metrics.snapshot();
    return {
      since: snapshot.since,
      namespaces: CACHE_NAMESPACES.map((namespace) => this.namespaceStats(namespace, snapshot.namespaces[namespace])),
    };
  }

  detailedStats(): DetailedStatsResponse {
    const snapshot = this.metrics.snapshot();
    const l1 = this.store.l1ByNamespace();
    return {
      since: snapshot.since,
      totals: this.namespaceStats('all', sumCounters(Object.values(snapshot.namespaces))),
      l1: this.store.l1,
      namespaces: CACHE_NAMESPACES.map((namespace) => this.detailedNamespace(namespace, snapshot.namespaces[namespace], l1)),
    };
  }

  hitRatio(): HitRatioResponse {
    const snapshot = this.metrics.snapshot();
    return {
      since: snapshot.since,
      overall: hitRatios(sumCounters(Object.values(snapshot.namespaces))),
      namespaces: CACHE_NAMESPACES.map((namespace) => ({ namespace, ...hitRatios(snapshot.namespaces[namespace]) })),
      thresholds: { ...RATING_THRESHOLDS },
    };
  }

  cachePerformance(): CachePerformanceResponse {
    const snapshot = this.metrics.snapshot();
    const row = (namespace: string, counters: NamespaceCounters): CachePerformanceNamespace => {
      const ratios = hitRatios(counters);
      return {
        namespace,
        reads: ratios.reads,
        hits: ratios.hits,
        misses: ratios.misses + ratios.stale_serves,
        hit_ratio: ratios.hit_ratio,
        miss_ratio: ratios.hit_ratio === null ? null : round(1 - ratios.hit_ratio),
        rating: ratios.rating,
      };
    };
    return {
      since: snapshot.since,
      overall: row('all', sumCounters(Object.values(snapshot.namespaces))),
      namespaces: CACHE_NAMESPACES.map((namespace) => row(namespace, snapshot.namespaces[namespace])),
    };
  }

  info(): CacheInfoResponse {
    const cache = this.config.cache;
    return {
      enabled: cache.enabled,
      prefix: cache.prefix,
      profile: cache.profile,
      tiers: {
        l1: { enabled: cache.l1.enabled, max_entries: cache.l1.maxEntries, max_bytes: cache.l1.maxBytes },
        redis: { configured: this.redis.connection !== undefined, timeout_ms: cache.redisTimeoutMs },
      },
      limits: {
        stale_factor: cache.staleFactor,
        refresh_ahead_ratio: cache.refreshAheadRatio,
        lease_ms: cache.leaseMs,
        lease_wait_ms: cache.leaseWaitMs,
        ack_timeout_ms: cache.ackTimeoutMs,
      },
      namespaces: [...CACHE_NAMESPACES],
      ttl: cache.ttl.map((entry) => ({ name: entry.name, seconds: entry.seconds, source: entry.source })),
      routes: this.catalog
        .routes()
        .sort((a, b) => a.route.localeCompare(b.route))
        .map(({ route, policy }) => ({
          route,
          policy: policy.name,
          namespace: policy.namespace,
          ttl: policy.ttl,
          ttl_seconds: this.ttlSeconds(policy.ttl),
          session: policy.owner !== undefined,
          conditional: policy.ttlFor !== undefined,
          otherwise_ttl: policy.otherwiseTtl ?? null,
        })),
    };
  }

  async memoryUsage(): Promise<MemoryUsageResponse> {
    const l1ByNamespace = this.store.l1ByNamespace();
    let redisMemory: MemoryUsageResponse['redis'] = null;
    let redisError: string | null = null;
    let scan: MemoryUsageResponse['scan'] = null;
    const redisGroups = new Map<string, { keys: number; sampled: number; sampled_bytes: number; estimated_bytes: number }>();
    if (this.store.redisConfigured) {
      try {
        redisMemory = await this.store.memory();
        const footprint = await this.store.redisFootprint(CacheOpsSettings.memory.scanLimit, CacheOpsSettings.memory.samplesPerNamespace);
        scan = { keys_scanned: footprint.keys_scanned, complete: footprint.complete };
        for (const group of footprint.groups) redisGroups.set(group.group, group);
      } catch (error) {
        redisError = errorMessage(error);
      }
    }
    const groups = [...new Set([...CACHE_NAMESPACES, ...redisGroups.keys()])];
    const namespaces: NamespaceMemory[] = groups.map((namespace) => {
      const redis = redisGroups.get(namespace);
      const l1 = l1ByNamespace.get(namespace as CacheNamespace);
      return {
        namespace,
        redis_keys: redis?.keys ?? 0,
        sampled: redis?.sampled ?? 0,
        sampled_bytes: redis?.sampled_bytes ?? 0,
        estimated_redis_bytes: redis?.estimated_bytes ?? 0,
        l1_entries: l1?.entries ?? 0,
        l1_bytes: l1?.bytes ?? 0,
      };
    });
    const l1 = this.l1Health();
    return {
      redis: redisMemory,
      redis_error: redisError,
      scan,
      namespaces,
      l1,
      recommendations: memoryRecommendations({
        redis: redisMemory,
        l1: { entries: l1.entries, bytes: l1.bytes, max_entries: l1.max_entries, max_bytes: l1.max_bytes },
        namespace_bytes: Object.fromEntries(
          namespaces
            .filter((row) => isCacheNamespace(row.namespace) && row.estimated_redis_bytes > 0)
            .map((row) => [row.namespace, row.estimated_redis_bytes]),
        ),
      }),
    };
  }

  async comprehensiveReport(): Promise<ComprehensiveReportResponse> {
    const [health, memory] = await Promise.all([this.detailedHealth(), this.memoryUsage()]);
    const snapshot = this.metrics.snapshot();
    const namespaces = CACHE_NAMESPACES.map((namespace) => this.namespaceStats(namespace, snapshot.namespaces[namespace]));
    return {
      generated_at: new Date().toISOString(),
      health,
      overall: hitRatios(sumCounters(Object.values(snapshot.namespaces))),
      namespaces,
      memory,
      recommendations: [...this.namespaceRecommendationsFrom(memory), ...memory.recommendations],
    };
  }

  namespacePerformance(namespace: string): NamespacePerformanceResponse {
    const known = this.requireNamespace(namespace, 'namespace');
    const snapshot = this.metrics.snapshot();
    const detailed = this.detailedNamespace(known, snapshot.namespaces[known], this.store.l1ByNamespace());
    const now = Date.now();
    const recorder = this.accessLog.recorder;
    return {
      ...detailed,
      since: snapshot.since,
      timeline: recorder.timeline(known, now),
      hottest: recorder.hottest(10, now, known),
      recommendations: namespaceRecommendations(this.figuresOf(detailed, this.l1BytesPerKey(detailed))),
    };
  }

  /** Per-namespace figures with Redis bytes per key where sampled, for the recommendation rules. */
  namespaceFigures(memory: MemoryUsageResponse): NamespaceFigures[] {
    const snapshot = this.metrics.snapshot();
    const l1 = this.store.l1ByNamespace();
    return CACHE_NAMESPACES.map((namespace) => {
      const detailed = this.detailedNamespace(namespace, snapshot.namespaces[namespace], l1);
      const sampled = memory.namespaces.find((row) => row.namespace === namespace);
      const bytesPerKey =
        sampled && sampled.sampled > 0 ? Math.round(sampled.sampled_bytes / sampled.sampled) : this.l1BytesPerKey(detailed);
      return this.figuresOf(detailed, bytesPerKey);
    });
  }

  namespaceRecommendationsFrom(memory: MemoryUsageResponse): Recommendation[] {
    return this.namespaceFigures(memory).flatMap(namespaceRecommendations);
  }

  keyPage(namespace: string, cursor: string, count: number): Promise<KeyPage & { namespace: string; prefix: string }> {
    const known = this.requireNamespace(namespace, 'namespace');
    return this.store.keyPage(known, cursor, count).then((page) => ({ namespace: known, prefix: this.config.cache.prefix, ...page }));
  }

  requireNamespace(namespace: string, field: string): CacheNamespace {
    if (!isCacheNamespace(namespace)) {
      throw ValidationFailedException.single(field, 'isIn', `${field} must be one of the cache namespaces: ${CACHE_NAMESPACES.join(', ')}`);
    }
    return namespace;
  }

  ttlSeconds(name: string): number {
    return this.config.cache.ttl.find((entry) => entry.name === name)?.seconds ?? 0;
  }

  private figuresOf(stats: DetailedNamespaceStats, bytesPerKey: number | null): NamespaceFigures {
    return {
      namespace: stats.namespace,
      reads: stats.reads,
      hit_ratio: stats.hit_ratio,
      sets: stats.sets,
      sets_refused: stats.sets_refused,
      invalidations: stats.invalidations,
      evictions: stats.evictions,
      errors: stats.errors,
      stale_serves: stats.stale_serves,
      mean_load_ms: stats.mean_load_ms,
      ttl_seconds: stats.ttl.length > 0 ? Math.max(...stats.ttl.map((ttl) => ttl.seconds)) : null,
      bytes_per_key: bytesPerKey,
    };
  }

  private l1BytesPerKey(stats: DetailedNamespaceStats): number | null {
    return stats.l1_entries > 0 ? Math.round(stats.l1_bytes / stats.l1_entries) : null;
  }

  private namespaceStats(namespace: string, counters: NamespaceCounters): NamespaceStats {
    return {
      namespace,
      ...hitRatios(counters),
      sets: counters.sets,
      sets_refused: counters.sets_refused,
      invalidations: counters.invalidations,
      evictions: counters.evictions,
      errors: counters.errors,
      refreshes: counters.refreshes,
      bypasses: counters.bypasses,
      loads: counters.loads,
      mean_load_ms: counters.loads > 0 ? round(counters.load_time_ms / counters.loads, 3) : null,
    };
  }

  private detailedNamespace(
    namespace: CacheNamespace,
    counters: NamespaceCounters,
    l1: Map<EntryNamespace, { entries: number; bytes: number }>,
  ): DetailedNamespaceStats {
    const routes = this.catalog.inNamespace(namespace);
    const ttlNames = [
      ...new Set(routes.flatMap(({ policy }) => (policy.otherwiseTtl ? [policy.ttl, policy.otherwiseTtl] : [policy.ttl]))),
    ].sort();
    const ttl: TtlClass[] = ttlNames.map((name) => ({ name, seconds: this.ttlSeconds(name) }));
    return {
      ...this.namespaceStats(namespace, counters),
      l1_entries: l1.get(namespace)?.entries ?? 0,
      l1_bytes: l1.get(namespace)?.bytes ?? 0,
      ttl,
      routes: routes.map((route) => route.route).sort(),
    };
  }

  private l1Health(): L1HealthDetailed {
    const limits = this.config.cache.l1;
    const { entries, bytes } = this.store.l1;
    return {
      enabled: limits.enabled,
      entries,
      bytes,
      max_entries: limits.maxEntries,
      max_bytes: limits.maxBytes,
      entries_fill_ratio: round(entries / limits.maxEntries),
      bytes_fill_ratio: round(bytes / limits.maxBytes),
    };
  }

  private tierNames(): string[] {
    return [...(this.config.cache.l1.enabled ? ['l1'] : []), ...(this.redis.connection ? ['redis'] : [])];
  }
}
