import { describe, expect, it } from '@jest/globals';
import { instancePoint, quantileMs, sampleBetween, totalPoint, type TrafficSample, type TrafficTotals } from './traffic.js';

const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Counts per bucket of BOUNDS (and the +Inf bucket last) from a sparse map of index -> count. */
const buckets = (counts: Record<number, number>) => Array.from({ length: BOUNDS.length + 1 }, (_, index) => counts[index] ?? 0);

const sample = (instance: string, at: number, fields: Partial<TrafficSample> = {}): TrafficSample => ({
  instance,
  at,
  interval_ms: 1000,
  requests: 0,
  errors: 0,
  buckets: buckets({}),
  cache_hits: 0,
  cache_reads: 0,
  ...fields,
});

describe('quantileMs', () => {
  it('interpolates inside the bucket the rank falls in, as histogram_quantile does', () => {
    // 10 requests at or under 5 ms, 10 between 5 and 10 ms: the median is the 5 ms bound, p75 halfway up the second bucket.
    const counts = buckets({ 0: 10, 1: 10 });
    expect(quantileMs(counts, 0.5)).toBe(5);
    expect(quantileMs(counts, 0.75)).toBe(7.5);
    expect(quantileMs(counts, 0.25)).toBe(2.5);
  });

  it('reports the highest bound for requests slower than it, and null without requests', () => {
    expect(quantileMs(buckets({ 11: 3 }), 0.99)).toBe(10_000);
    expect(quantileMs(buckets({}), 0.5)).toBeNull();
  });
});

describe('sampleBetween', () => {
  const totals = (requests: number, hits = 0): TrafficTotals => ({
    requests,
    errors: 0,
    buckets: buckets({ 0: requests }),
    cache_hits: hits,
    cache_reads: hits,
  });

  it('takes the growth of every counter', () => {
    const taken = sampleBetween('a', totals(10, 4), totals(25, 9), 5000, 1000);
    expect(taken).toMatchObject({ instance: 'a', at: 5000, interval_ms: 1000, requests: 15, cache_hits: 5, cache_reads: 5 });
    expect(taken.buckets[0]).toBe(15);
  });

  it('counts a counter that went back (reset) from zero', () => {
    expect(sampleBetween('a', totals(0, 50), totals(0, 3), 0, 1000).cache_hits).toBe(3);
  });
});

describe('points', () => {
  it('gives one instance its rate over the time its samples cover', () => {
    const point = instancePoint(7, [
      sample('a', 7100, { requests: 30, interval_ms: 1500, errors: 3, cache_hits: 3, cache_reads: 4, buckets: buckets({ 0: 30 }) }),
    ]);
    expect(point).toMatchObject({
      t: 7,
      requests: 30,
      errors: 3,
      cache_hits: 3,
      cache_reads: 4,
      rps: 20,
      error_rate: 0.1,
      hit_ratio: 0.75,
    });
  });

  it('adds the instances’ rates and weighs latency, errors and hits by their counts', () => {
    const a = [sample('a', 7100, { requests: 10, buckets: buckets({ 0: 10 }), cache_hits: 1, cache_reads: 1 })];
    const b = [sample('b', 7900, { requests: 30, errors: 4, buckets: buckets({ 4: 30 }), cache_hits: 0, cache_reads: 3 })];
    const total = totalPoint(7, [a, b]);
    expect(total).toMatchObject({
      t: 7,
      requests: 40,
      errors: 4,
      cache_hits: 1,
      cache_reads: 4,
      rps: 40,
      error_rate: 0.1,
      hit_ratio: 0.25,
    });
    // 10 of 40 under 5 ms, the other 30 between 50 and 100 ms: the median lies in the slower bucket.
    expect(total.p50_ms).toBeCloseTo(50 + 50 * (10 / 30), 3);
    expect(total.p99_ms).toBeCloseTo(50 + 50 * (29.6 / 30), 3);
  });

  it('has no error rate or hit ratio without requests or reads', () => {
    expect(instancePoint(1, [sample('a', 1000)])).toMatchObject({ rps: 0, error_rate: null, hit_ratio: null, p95_ms: null });
  });
});
