import { DecayedFrequency } from './decayed-frequency.js';
import { countersOfOutcomes, hitRatios, isFreshHit, isLookup, type LookupCounters } from '../../cache/hit-ratio.js';

/** One client GET answered by a cached route. */
export interface RecordedAccess {
  /**
   * The route's canonical URL for the request's arguments (ids canonical, values encoded, query
   * sorted): what warming requests again. Made only for an entry not recorded yet: every later
   * read of the entry would build the same string.
   */
  path: () => string;
  namespace: string;
  /** The entry's cache key, `{namespace}:{key}`: what the record is kept by, one per entry. */
  cacheKey: string;
  /** X-Cache of the answer. */
  outcome: string;
  at: number;
}

export interface PathActivity {
  path: string;
  namespace: string;
  cache_key: string;
  accesses: number;
  hits: number;
  misses: number;
  /** Decayed access frequency now (see {@link DecayedFrequency}). */
  score: number;
  last_access: string;
}

export interface MinuteBucket {
  /** Start of the minute (UTC). */
  minute: string;
  reads: number;
  hits: number;
  hit_ratio: number | null;
}

export interface AccessRecorderOptions {
  halfLifeMs: number;
  /** Paths kept; past it the lowest scores are forgotten. */
  maxPaths: number;
  /** Minutes of per-minute hit/miss buckets kept per namespace. */
  windowMinutes: number;
}

interface PathState {
  path: string;
  namespace: string;
  cacheKey: string;
  accesses: number;
  hits: number;
  misses: number;
  score: number;
  scoredAt: number;
}

const MINUTE_MS = 60_000;

type LookupOutcome = 'HIT-L1' | 'HIT-L2' | 'MISS' | 'STALE';

/** The counter each lookup outcome adds to, as {@link countersOfOutcomes} maps them. */
const COUNTER_OF_OUTCOME: Record<LookupOutcome, keyof LookupCounters> = {
  'HIT-L1': 'hits_l1',
  'HIT-L2': 'hits_l2',
  MISS: 'misses',
  STALE: 'stale_serves',
};

/**
 * In-memory, bounded record of this instance's cached reads: per path a decayed access frequency
 * (for predictive warming and the hottest keys), and per namespace per-minute hits and reads for
 * the hit ratio over the last hour. Memory is bounded by `maxPaths` and the window.
 */
export class AccessRecorder {
  readonly frequency: DecayedFrequency;
  /** By cache key: every spelling of one read reaches the same entry, which warming requests once. */
  private readonly paths = new Map<string, PathState>();
  /** Per namespace, per minute: the X-Cache outcomes counted, for the hit ratio of the one definition. */
  private readonly minutes = new Map<string, Map<number, LookupCounters>>();

  constructor(private readonly options: AccessRecorderOptions) {
    this.frequency = new DecayedFrequency(options.halfLifeMs);
  }

  record(access: RecordedAccess): void {
    if (!isLookup(access.outcome)) return;
    const hit = isFreshHit(access.outcome);
    let state = this.paths.get(access.cacheKey);
    if (!state) {
      state = {
        path: access.path(),
        namespace: access.namespace,
        cacheKey: access.cacheKey,
        accesses: 0,
        hits: 0,
        misses: 0,
        score: 0,
        scoredAt: access.at,
      };
      this.paths.set(access.cacheKey, state);
    }
    state.score = this.frequency.touched(state.score, state.scoredAt, access.at);
    state.scoredAt = Math.max(state.scoredAt, access.at);
    state.accesses++;
    if (hit) state.hits++;
    else state.misses++;
    if (this.paths.size > this.options.maxPaths) this.forgetColdest(access.at, access.cacheKey);

    const minute = Math.floor(access.at / MINUTE_MS);
    let buckets = this.minutes.get(access.namespace);
    if (!buckets) this.minutes.set(access.namespace, (buckets = new Map<number, LookupCounters>()));
    let bucket = buckets.get(minute);
    if (!bucket) {
      // Minutes leave the window only when a new one starts: pruned then, not on every read.
      bucket = countersOfOutcomes({});
      buckets.set(minute, bucket);
      for (const old of buckets.keys()) if (old <= minute - this.options.windowMinutes) buckets.delete(old);
    }
    bucket[COUNTER_OF_OUTCOME[access.outcome]]++;
  }

  /** Paths by decayed frequency now, highest first (ties: most recent first). */
  hottest(limit: number, now: number, namespace?: string): PathActivity[] {
    return [...this.paths.values()]
      .filter((state) => namespace === undefined || state.namespace === namespace)
      .map((state) => this.view(state, now))
      .sort((a, b) => b.score - a.score || b.last_access.localeCompare(a.last_access))
      .slice(0, limit);
  }

  /** The minutes of the window that had reads, oldest first. */
  timeline(namespace: string, now: number): MinuteBucket[] {
    const first = Math.floor(now / MINUTE_MS) - this.options.windowMinutes + 1;
    return [...(this.minutes.get(namespace) ?? new Map<number, LookupCounters>())]
      .filter(([minute]) => minute >= first)
      .sort(([a], [b]) => a - b)
      .map(([minute, counters]) => {
        const { reads, hits, hit_ratio } = hitRatios(counters);
        return { minute: new Date(minute * MINUTE_MS).toISOString(), reads, hits, hit_ratio };
      });
  }

  namespaces(): string[] {
    return [...new Set([...this.paths.values()].map((state) => state.namespace))].sort();
  }

  get size(): number {
    return this.paths.size;
  }

  private view(state: PathState, now: number): PathActivity {
    return {
      path: state.path,
      namespace: state.namespace,
      cache_key: state.cacheKey,
      accesses: state.accesses,
      hits: state.hits,
      misses: state.misses,
      score: Math.round(this.frequency.decayed(state.score, state.scoredAt, now) * 1000) / 1000,
      last_access: new Date(state.scoredAt).toISOString(),
    };
  }

  /**
   * Forgets the coldest tenth, so eviction runs once per maxPaths/10 new paths. Each path's score
   * is decayed once and the cut comes from a numeric sort of the scores: a comparator that decays
   * both sides costs two exponentials per comparison, and a working set larger than maxPaths (more
   * hot paths than it keeps) evicts all the time.
   */
  private forgetColdest(now: number, keepKey: string): void {
    const candidates = [...this.paths.values()].filter((state) => state.cacheKey !== keepKey);
    const scores = Float64Array.from(candidates, (state) => this.frequency.decayed(state.score, state.scoredAt, now));
    const excess = Math.min(candidates.length, this.paths.size - this.options.maxPaths + Math.ceil(this.options.maxPaths / 10));
    if (excess <= 0) return;
    const cut = Float64Array.from(scores).sort()[excess - 1];
    // Below the cut first, then paths scored exactly at it until the excess is gone.
    let left = excess;
    for (let i = 0; i < candidates.length && left > 0; i++) {
      if (scores[i] < cut) {
        this.paths.delete(candidates[i].cacheKey);
        left--;
      }
    }
    for (let i = 0; i < candidates.length && left > 0; i++) {
      if (scores[i] === cut) {
        this.paths.delete(candidates[i].cacheKey);
        left--;
      }
    }
  }
}
