import { describe, expect, it } from '@jest/globals';
import type { NamespaceCounters } from './cache-metrics.js';
import { countersOfOutcomes, hitRatioOf, hitRatios, hitsAndLookups, isFreshHit, isLookup, rateHitRatio, sumCounters } from './hit-ratio.js';

const counters = (values: Partial<NamespaceCounters>): NamespaceCounters => ({
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
  ...values,
});

describe('hit ratio rating (seed 002: excellent > 80%, good > 60%)', () => {
  it.each([
    [0.81, 'excellent'],
    [0.8, 'good'],
    [0.61, 'good'],
    [0.6, 'poor'],
    [0, 'poor'],
    [null, 'no traffic'],
  ])('rates %s as %s', (ratio, rating) => {
    expect(rateHitRatio(ratio)).toBe(rating);
  });
});

describe('the hit ratio definition', () => {
  it('counts fresh hits of both tiers over lookups; a stale serve is a lookup, not a hit; a bypass is neither', () => {
    const counted = counters({ hits_l1: 3, hits_l2: 1, misses: 2, stale_serves: 2, bypasses: 9 });
    expect(hitsAndLookups(counted)).toEqual({ hits: 4, lookups: 8 });
    expect(hitRatioOf(counted)).toBe(0.5);
    expect(hitRatioOf(counters({ stale_serves: 5 }))).toBe(0);
    expect(hitRatioOf(counters({ bypasses: 5 }))).toBeNull();
  });

  it('classifies X-Cache outcomes the same way as the counters', () => {
    expect(['HIT-L1', 'HIT-L2', 'MISS', 'STALE', 'BYPASS'].map((outcome) => [isFreshHit(outcome), isLookup(outcome)])).toEqual([
      [true, true],
      [true, true],
      [false, true],
      [false, true],
      [false, false],
    ]);
    const tally = countersOfOutcomes({ 'HIT-L1': 6, 'HIT-L2': 2, MISS: 1, STALE: 1, BYPASS: 4 });
    expect(tally).toEqual({ hits_l1: 6, hits_l2: 2, misses: 1, stale_serves: 1 });
    expect(hitRatioOf(tally)).toBe(0.8);
  });
});

describe('hit ratios', () => {
  it('counts hits of both tiers over hits, misses and stale serves, leaving bypasses out', () => {
    const ratios = hitRatios(counters({ hits_l1: 6, hits_l2: 2, misses: 1, stale_serves: 1, bypasses: 50 }));
    expect(ratios).toMatchObject({ reads: 10, hits: 8, hit_ratio: 0.8, l1_hit_ratio: 0.6, rating: 'good' });
    // Of the 4 reads L1 did not answer, Redis answered 2.
    expect(ratios.l2_hit_ratio).toBe(0.5);
  });

  it('rounds to 4 decimals', () => {
    expect(hitRatios(counters({ hits_l1: 2, misses: 1 })).hit_ratio).toBe(0.6667);
  });

  it('has no ratios without reads', () => {
    expect(hitRatios(counters({ bypasses: 3 }))).toMatchObject({ reads: 0, hit_ratio: null, l1_hit_ratio: null, l2_hit_ratio: null, rating: 'no traffic' });
  });

  it('has no L2 ratio when L1 answered every read', () => {
    expect(hitRatios(counters({ hits_l1: 4 })).l2_hit_ratio).toBeNull();
  });

  it('sums counters field by field', () => {
    expect(sumCounters([counters({ hits_l1: 1, sets: 2 }), counters({ hits_l1: 3, errors: 1 })])).toEqual(
      counters({ hits_l1: 4, sets: 2, errors: 1 }),
    );
  });
});
