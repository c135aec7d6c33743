import type { RedisMemoryFigures } from './redis-info.js';
import { RATING_THRESHOLDS } from '../../cache/hit-ratio.js';

export type Severity = 'info' | 'warning' | 'critical';

/** One recommendation, with the measured figures that triggered it. */
export interface Recommendation {
  /** A namespace, or "redis" / "l1". */
  scope: string;
  severity: Severity;
  /** A stable name for what to do, e.g. "increase-ttl". */
  action: string;
  message: string;
  evidence: Record<string, number | string | null>;
}

/** What is measured about one namespace since the counters started. */
export interface NamespaceFigures {
  namespace: string;
  reads: number;
  hit_ratio: number | null;
  sets: number;
  sets_refused: number;
  /** Entries removed by invalidations. */
  invalidations: number;
  evictions: number;
  errors: number;
  stale_serves: number;
  /** Mean time of a load from the database, ms; null without loads. */
  mean_load_ms: number | null;
  /** Longest TTL of the routes cached in the namespace, seconds; null when none is. */
  ttl_seconds: number | null;
  /** Mean bytes per key (Redis MEMORY USAGE samples, else the L1 estimate); null when unknown. */
  bytes_per_key: number | null;
}

export interface MemoryFigures {
  redis: RedisMemoryFigures | null;
  l1: { entries: number; bytes: number; max_entries: number; max_bytes: number };
  /** Estimated Redis bytes per namespace. */
  namespace_bytes: Record<string, number>;
}

/** The thresholds, in one place. */
export const THRESHOLDS = {
  /** Below this many reads a ratio says little. */
  minReads: 20,
  /** Below this hit ratio a namespace underperforms (the "good" boundary of the rating). */
  lowHitRatio: RATING_THRESHOLDS.good_above,
  /** Invalidated entries per stored entry: below is rare, at or above frequent. */
  rareInvalidations: 0.1,
  frequentInvalidations: 0.5,
  /** L1 evictions per stored entry above which L1 is too small. */
  evictionRate: 0.1,
  /** Stores refused because a write overtook the load, per attempted store. */
  refusedStoreRate: 0.2,
  largeEntryBytes: 256 * 1024,
  memoryWarning: 0.8,
  memoryCritical: 0.9,
  fragmentationRatio: 1.5,
  /** Fragmentation matters once it wastes this much. */
  fragmentationWasteBytes: 64 * 1024 * 1024,
  l1Full: 0.9,
  dominantNamespaceShare: 0.5,
} as const;

const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

/** Recommendations for one namespace from its measured figures. */
export function namespaceRecommendations(figures: NamespaceFigures): Recommendation[] {
  const found: Recommendation[] = [];
  const scope = figures.namespace;
  const invalidationRate = rate(figures.invalidations, figures.sets);
  if (figures.reads >= THRESHOLDS.minReads && figures.hit_ratio !== null && figures.hit_ratio < THRESHOLDS.lowHitRatio) {
    const evidence = {
      reads: figures.reads,
      hit_ratio: figures.hit_ratio,
      stored: figures.sets,
      invalidated: figures.invalidations,
      invalidations_per_stored_entry: invalidationRate,
      ttl_seconds: figures.ttl_seconds,
      mean_load_ms: figures.mean_load_ms,
    };
    if (invalidationRate < THRESHOLDS.rareInvalidations) {
      found.push({
        scope,
        severity: 'warning',
        action: 'increase-ttl',
        message: `Entries expire before they are read again and writes rarely drop them: a longer TTL than ${figures.ttl_seconds ?? '?'} s would raise the hit ratio`,
        evidence,
      });
    } else if (invalidationRate >= THRESHOLDS.frequentInvalidations) {
      found.push({
        scope,
        severity: 'warning',
        action: 'shorten-ttl-or-stop-caching',
        message: 'Writes drop the entries about as often as they are stored: caching costs a store per load and rarely serves; use a shorter TTL or do not cache these routes',
        evidence,
      });
    }
  }
  const attemptedStores = figures.sets + figures.sets_refused;
  if (figures.sets >= THRESHOLDS.minReads && rate(figures.evictions, figures.sets) > THRESHOLDS.evictionRate) {
    found.push({
      scope,
      severity: 'warning',
      action: 'enlarge-l1',
      message: 'L1 evicts entries that are still fresh: raise CACHE_L1_MAX_ENTRIES / CACHE_L1_MAX_BYTES',
      evidence: { stored: figures.sets, evicted: figures.evictions, evictions_per_stored_entry: rate(figures.evictions, figures.sets) },
    });
  }
  if (attemptedStores >= THRESHOLDS.minReads && rate(figures.sets_refused, attemptedStores) > THRESHOLDS.refusedStoreRate) {
    found.push({
      scope,
      severity: 'info',
      action: 'write-contention',
      message: 'Writes often overtake loads, whose results are then not stored: the data changes faster than it is read',
      evidence: { stores_attempted: attemptedStores, stores_refused: figures.sets_refused },
    });
  }
  if (figures.bytes_per_key !== null && figures.bytes_per_key > THRESHOLDS.largeEntryBytes) {
    found.push({
      scope,
      severity: 'warning',
      action: 'large-entries',
      message: 'Entries are large: paginate these routes (smaller pages) so a hit does not move this much',
      evidence: { bytes_per_key: figures.bytes_per_key, threshold_bytes: THRESHOLDS.largeEntryBytes },
    });
  }
  if (figures.errors > 0) {
    found.push({
      scope,
      severity: 'warning',
      action: 'redis-errors',
      message: 'Redis calls failed for this namespace: check Redis latency against CACHE_REDIS_TIMEOUT_MS and its last error',
      evidence: { errors: figures.errors },
    });
  }
  if (figures.stale_serves > 0) {
    found.push({
      scope,
      severity: 'info',
      action: 'database-failures',
      message: 'Stale entries were served because loads failed: check the database',
      evidence: { stale_serves: figures.stale_serves },
    });
  }
  return found;
}

/** Recommendations about Redis memory and L1 from their measured figures. */
export function memoryRecommendations(figures: MemoryFigures): Recommendation[] {
  const found: Recommendation[] = [];
  const redis = figures.redis;
  if (redis) {
    if (redis.maxmemory_bytes === 0) {
      found.push({
        scope: 'redis',
        severity: 'warning',
        action: 'set-maxmemory',
        message: 'Redis has no maxmemory: it grows until the host runs out. Set maxmemory with maxmemory-policy volatile-lru',
        evidence: { used_memory_bytes: redis.used_memory_bytes, maxmemory_bytes: 0 },
      });
    } else if (redis.used_of_max_ratio !== null && redis.used_of_max_ratio > THRESHOLDS.memoryWarning) {
      found.push({
        scope: 'redis',
        severity: redis.used_of_max_ratio > THRESHOLDS.memoryCritical ? 'critical' : 'warning',
        action: 'raise-maxmemory',
        message: 'Redis is close to maxmemory: raise it or shorten the TTLs of the largest namespaces',
        evidence: { used_memory_bytes: redis.used_memory_bytes, maxmemory_bytes: redis.maxmemory_bytes, used_of_max_ratio: rate(redis.used_memory_bytes, redis.maxmemory_bytes) },
      });
    }
    if (redis.maxmemory_policy?.startsWith('allkeys-')) {
      found.push({
        scope: 'redis',
        severity: 'warning',
        action: 'eviction-policy',
        message: `maxmemory-policy ${redis.maxmemory_policy} can evict the tag index, after which invalidations miss entries: use volatile-lru`,
        evidence: { maxmemory_policy: redis.maxmemory_policy },
      });
    }
    const fragmentation = redis.fragmentation_ratio;
    if (fragmentation !== null && fragmentation > THRESHOLDS.fragmentationRatio) {
      const wasted = Math.round((fragmentation - 1) * redis.used_memory_bytes);
      if (wasted > THRESHOLDS.fragmentationWasteBytes) {
        found.push({
          scope: 'redis',
          severity: 'warning',
          action: 'defragment',
          message: 'Redis memory is fragmented: enable activedefrag or restart it in a quiet period',
          evidence: { fragmentation_ratio: fragmentation, wasted_bytes: wasted },
        });
      }
    }
    const total = Object.values(figures.namespace_bytes).reduce((sum, bytes) => sum + bytes, 0);
    for (const [namespace, bytes] of Object.entries(figures.namespace_bytes)) {
      if (total > 0 && Object.keys(figures.namespace_bytes).length > 1 && bytes / total > THRESHOLDS.dominantNamespaceShare) {
        found.push({
          scope: namespace,
          severity: 'info',
          action: 'dominant-namespace',
          message: `${namespace} holds most of the cache's Redis memory: its TTLs and page sizes matter most`,
          evidence: { namespace_bytes: bytes, cache_bytes: total, share: rate(bytes, total) },
        });
      }
    }
  }
  const l1 = figures.l1;
  const fill = Math.max(rate(l1.entries, l1.max_entries), rate(l1.bytes, l1.max_bytes));
  if (fill > THRESHOLDS.l1Full) {
    found.push({
      scope: 'l1',
      severity: 'info',
      action: 'l1-full',
      message: 'L1 is nearly full, so it evicts: raise CACHE_L1_MAX_ENTRIES / CACHE_L1_MAX_BYTES if memory allows',
      evidence: { entries: l1.entries, max_entries: l1.max_entries, bytes: l1.bytes, max_bytes: l1.max_bytes },
    });
  }
  return found;
}
