import type { NamespaceCounters } from '../cache/cache-metrics.js';

export type HitRatioRating = 'excellent' | 'good' | 'poor' | 'no traffic';

/** Seed 002's efficiency rating: excellent above 80%, good above 60%, poor otherwise. */
export const RATING_THRESHOLDS = { excellent_above: 0.8, good_above: 0.6 } as const;

export function rateHitRatio(ratio: number | null): HitRatioRating {
  if (ratio === null) return 'no traffic';
  if (ratio > RATING_THRESHOLDS.excellent_above) return 'excellent';
  if (ratio > RATING_THRESHOLDS.good_above) return 'good';
  return 'poor';
}

export interface HitRatios {
  /** Reads answered by the cache or the database: hits, misses and stale serves (bypasses excluded). */
  reads: number;
  hits: number;
  hits_l1: number;
  hits_l2: number;
  misses: number;
  stale_serves: number;
  /** hits / reads; null without reads. */
  hit_ratio: number | null;
  /** hits_l1 / reads. */
  l1_hit_ratio: number | null;
  /** hits_l2 / (reads - hits_l1): the share of L1 misses that Redis answered. */
  l2_hit_ratio: number | null;
  rating: HitRatioRating;
}

const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** Hit ratios of counters (one namespace, or a sum of several); ratios rounded to 4 decimals. */
export function hitRatios(counters: Pick<NamespaceCounters, 'hits_l1' | 'hits_l2' | 'misses' | 'stale_serves'>): HitRatios {
  const hits = counters.hits_l1 + counters.hits_l2;
  const reads = hits + counters.misses + counters.stale_serves;
  const hitRatio = ratio(hits, reads);
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
