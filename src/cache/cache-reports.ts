/** One namespace's counters on this instance, with its L1 entries. */
export interface NamespaceCounterReport {
  namespace: string;
  l1_entries: number;
  l1_bytes: number;
  reads: number;
  hits_l1: number;
  hits_l2: number;
  misses: number;
  stale_serves: number;
  invalidations: number;
  evictions: number;
  hit_ratio: number | null;
}

/** This instance's cache counters since they were last reset. */
export interface CacheCounterReport {
  since: string;
  totals: { reads: number; hits: number; hit_ratio: number | null };
  l1: { entries: number; bytes: number };
  namespaces: NamespaceCounterReport[];
}

/** What Redis holds of the cache: its memory, and keys and estimated bytes per namespace. */
export interface CacheStorageReport {
  /** Null without Redis or when it did not answer. */
  redis: { used_memory_bytes: number } | null;
  redis_error: string | null;
  namespaces: { namespace: string; redis_keys: number; estimated_redis_bytes: number }[];
}

/**
 * The cache figures that monitoring views (the operations page) show. Implemented by cache
 * operations (inspection and the audit log), which only the app module and jobs may import: the
 * views inject this and the app module wires the implementation in.
 */
export abstract class CacheReports {
  abstract counters(): CacheCounterReport;
  /** Scans Redis: take it at most every few seconds. */
  abstract storage(): Promise<CacheStorageReport>;
  /** The latest recorded cache changes (invalidations, clears), newest first. */
  abstract latestChanges(limit: number): Promise<readonly object[]>;
}
