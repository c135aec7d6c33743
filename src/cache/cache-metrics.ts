import { CACHE_NAMESPACES, type CacheNamespace, type EntryNamespace, SANDBOX_NAMESPACE } from './cache-namespaces.js';

export type CacheOutcome = 'HIT-L1' | 'HIT-L2' | 'MISS' | 'STALE' | 'BYPASS';

export interface NamespaceCounters {
  hits_l1: number;
  hits_l2: number;
  misses: number;
  stale_serves: number;
  bypasses: number;
  sets: number;
  /** Stores refused because an invalidation overtook the load (the stale-set race). */
  sets_refused: number;
  invalidations: number;
  evictions: number;
  errors: number;
  refreshes: number;
  loads: number;
  load_time_ms: number;
}

const zero = (): NamespaceCounters => ({
  hits_l1: 0,
  hits_l2: 0,
  misses: 0,
  stale_serves: 0,
  bypasses: 0,
  sets: 0,
  sets_refused: 0,
  invalidations: 0,
  evictions: 0,
  errors: 0,
  refreshes: 0,
  loads: 0,
  load_time_ms: 0,
});

/** Counters per namespace, kept in memory per instance since start (or the last reset). */
export class CacheMetrics {
  private readonly counters = new Map<CacheNamespace, NamespaceCounters>(CACHE_NAMESPACES.map((namespace) => [namespace, zero()]));
  /** The sandbox's own counters: demonstrations do not change the figures of the route namespaces. */
  private sandbox = zero();
  private startedAt = new Date();

  of(namespace: EntryNamespace): NamespaceCounters {
    return namespace === SANDBOX_NAMESPACE ? this.sandbox : this.counters.get(namespace)!;
  }

  outcome(namespace: EntryNamespace, outcome: CacheOutcome): void {
    const counters = this.of(namespace);
    if (outcome === 'HIT-L1') counters.hits_l1++;
    else if (outcome === 'HIT-L2') counters.hits_l2++;
    else if (outcome === 'MISS') counters.misses++;
    else if (outcome === 'STALE') counters.stale_serves++;
    else counters.bypasses++;
  }

  load(namespace: EntryNamespace, durationMs: number): void {
    const counters = this.of(namespace);
    counters.loads++;
    counters.load_time_ms += durationMs;
  }

  snapshot(): { since: string; namespaces: Record<CacheNamespace, NamespaceCounters> } {
    return {
      since: this.startedAt.toISOString(),
      namespaces: Object.fromEntries([...this.counters].map(([namespace, counters]) => [namespace, { ...counters }])) as Record<
        CacheNamespace,
        NamespaceCounters
      >,
    };
  }

  reset(): void {
    for (const namespace of CACHE_NAMESPACES) this.counters.set(namespace, zero());
    this.sandbox = zero();
    this.startedAt = new Date();
  }
}
