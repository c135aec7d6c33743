import type { NamespaceCounters } from './cache-metrics.js';

export type HitRatioRating = 'excellent' | 'good' | 'poor' | 'no traffic';

/** Seed 002's efficiency rating: excellent above 80%, good above 60%, poor otherwise. */
export const RATING_THRESHOLDS = { excellent_above: 0.8, good_above: 0.6 } as const;

export function rateHitRatio(ratio: number | null): HitRatioRating {
  if (ratio === null) return 'no traffic';
  if (ratio > RATING_THRESHOLDS.excellent_above) return 'excellent';
  if (ratio > RATING_THRESHOLDS.good_above) return 'good';
  return 'poor';
}

/**
 * The one definition of the hit ratio, used by the /cache routes, the alert rule, /metrics, the
 * enterprise reports and the load test alike:
 *
 *   hit ratio = fresh hits (L1 + L2) / lookups, lookups = fresh hits + misses + stale serves.
 *
 * A stale serve (`X-Cache: STALE`) is a lookup but not a hit: the entry had expired, the database
 * was asked and failed, and the answer is older than its TTL allows. Bypasses (cache switched
 * off) are not lookups.
 */
export const HIT_RATIO_DEFINITION =
  'fresh hits (L1 + L2) / lookups, where lookups = fresh hits + misses + stale serves; stale serves are not hits, bypasses are not lookups';

/** The counters the hit ratio is computed from (CacheMetrics' names). */
export type LookupCounters = Pick<NamespaceCounters, 'hits_l1' | 'hits_l2' | 'misses' | 'stale_serves'>;

/** Fresh hits and lookups of counters, as {@link HIT_RATIO_DEFINITION} counts them. */
export function hitsAndLookups(counters: LookupCounters): { hits: number; lookups: number } {
  const hits = counters.hits_l1 + counters.hits_l2;
  return { hits, lookups: hits + counters.misses + counters.stale_serves };
}

/** The hit ratio of counters, unrounded; null without lookups. */
export function hitRatioOf(counters: LookupCounters): number | null {
  const { hits, lookups } = hitsAndLookups(counters);
  return lookups > 0 ? hits / lookups : null;
}

/** Counters from `X-Cache` outcomes and their counts (e.g. a load test's tally). */
export function countersOfOutcomes(outcomes: Record<string, number>): LookupCounters {
  return {
    hits_l1: outcomes['HIT-L1'] ?? 0,
    hits_l2: outcomes['HIT-L2'] ?? 0,
    misses: outcomes.MISS ?? 0,
    stale_serves: outcomes.STALE ?? 0,
  };
}

/** Whether one `X-Cache` outcome counts as a hit, and as a lookup, under the definition. */
export const isFreshHit = (outcome: string) => outcome === 'HIT-L1' || outcome === 'HIT-L2';
export const isLookup = (outcome: string) => isFreshHit(outcome) || outcome === 'MISS' || outcome === 'STALE';

export interface HitRatios {
  /** Lookups: fresh hits, misses and stale serves (bypasses excluded). */
  reads: number;
  hits: number;
  hits_l1: number;
  hits_l2: number;
  misses: number;
  stale_serves: number;
  /** {@link HIT_RATIO_DEFINITION}: hits / reads; null without reads. */
  hit_ratio: number | null;
  /** hits_l1 / reads. */
  l1_hit_ratio: number | null;
  /** hits_l2 / (reads - hits_l1): the share of L1 misses that Redis answered. */
  l2_hit_ratio: number | null;
  rating: HitRatioRating;
}

const round4 = (value: number | null) => (value === null ? null : Math.round(value * 10_000) / 10_000);
const ratio = (part: number, whole: number) => round4(whole > 0 ? part / whole : null);

/** Hit ratios of counters (one namespace, or a sum of several); ratios rounded to 4 decimals. */
export function hitRatios(counters: LookupCounters): HitRatios {
  const { hits, lookups: reads } = hitsAndLookups(counters);
  const hitRatio = round4(hitRatioOf(counters));
  return {
    reads,
    hits,
    hits_l1: counters.hits_l1,
    hits_l2: counters.hits_l2,
    misses: counters.misses,
    stale_serves: counters.stale_serves,
    hit_ratio: hitRatio,
    l1_hit_ratio: ratio(counters.hits_l1, reads),
    l2_hit_ratio: ratio(counters.hits_l2, reads - counters.hits_l1),
    rating: rateHitRatio(hitRatio),
  };
}

/** Field-by-field sum of namespace counters. */
export function sumCounters(all: NamespaceCounters[]): NamespaceCounters {
  const total = {} as NamespaceCounters;
  for (const counters of all) {
    for (const [name, value] of Object.entries(counters) as [keyof NamespaceCounters, number][]) {
      total[name] = (total[name] ?? 0) + value;
    }
  }
  return total;
}
