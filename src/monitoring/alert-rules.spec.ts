import { describe, expect, it } from '@jest/globals';
import { evaluateHitRatio, evaluateRedisMemory, evaluateResponseTime, quantileFromBuckets } from './alert-rules.js';

const since = '2024-01-15T19:00:00.000Z';
const INF = Number.POSITIVE_INFINITY;

/** Cumulative buckets from counts per bucket, over the bounds 0.05, 0.1, 0.25, 0.5, 1, +Inf. */
function buckets(...perBucket: number[]) {
  const bounds = [0.05, 0.1, 0.25, 0.5, 1, INF];
  let total = 0;
  return bounds.map((le, index) => ({ le, count: (total += perBucket[index] ?? 0) }));
}

describe('hit ratio rule', () => {
  it('decides nothing below 20 reads', () => {
    expect(evaluateHitRatio({ reads: 19, hits: 0, since })).toMatchObject({ state: 'unknown', value: null });
  });

  it('is critical below 50%, warning below 70%, clear from 70% (boundaries included on the clear side)', () => {
    expect(evaluateHitRatio({ reads: 20, hits: 9, since })).toMatchObject({
      state: 'breach',
      severity: 'critical',
      value: 45,
      threshold: 50,
    });
    expect(evaluateHitRatio({ reads: 20, hits: 10, since })).toMatchObject({
      state: 'breach',
      severity: 'warning',
      value: 50,
      threshold: 70,
    });
    expect(evaluateHitRatio({ reads: 30, hits: 20, since })).toMatchObject({
      state: 'breach',
      severity: 'warning',
      value: 66.67,
      threshold: 70,
    });
    expect(evaluateHitRatio({ reads: 20, hits: 14, since })).toMatchObject({ state: 'clear', value: 70 });
    expect(evaluateHitRatio({ reads: 40, hits: 40, since })).toMatchObject({ state: 'clear', value: 100 });
  });

  it('says what it measured', () => {
    expect(evaluateHitRatio({ reads: 40, hits: 10, since }).message).toBe(
      `Cache hit ratio 25% (10 of 40 reads since ${since}) is below 50%`,
    );
  });
});

describe('Redis memory rule', () => {
  const mb = 1024 * 1024;
  it('is unknown when Redis did not answer, clear without Redis or without maxmemory', () => {
    expect(evaluateRedisMemory(undefined).state).toBe('unknown');
    expect(evaluateRedisMemory({ configured: false })).toMatchObject({ state: 'clear', value: null });
    expect(evaluateRedisMemory({ configured: true, usedBytes: 900 * mb, maxBytes: 0 })).toMatchObject({ state: 'clear', value: null });
  });

  it('is warning above 80% and critical above 90% of maxmemory', () => {
    expect(evaluateRedisMemory({ configured: true, usedBytes: 80 * mb, maxBytes: 100 * mb })).toMatchObject({ state: 'clear', value: 80 });
    expect(evaluateRedisMemory({ configured: true, usedBytes: 81 * mb, maxBytes: 100 * mb })).toMatchObject({
      state: 'breach',
      severity: 'warning',
      value: 81,
      threshold: 80,
    });
    expect(evaluateRedisMemory({ configured: true, usedBytes: 90 * mb, maxBytes: 100 * mb })).toMatchObject({ severity: 'warning' });
    expect(evaluateRedisMemory({ configured: true, usedBytes: 95 * mb, maxBytes: 100 * mb })).toMatchObject({
      state: 'breach',
      severity: 'critical',
      value: 95,
      threshold: 90,
    });
  });
});

describe('quantile from histogram buckets', () => {
  it('interpolates linearly inside the bucket holding the rank, as histogram_quantile does', () => {
    // 100 requests: 50 under 50 ms, 50 between 50 and 100 ms; rank 95 is 45/50 into the second bucket.
    expect(quantileFromBuckets(0.95, buckets(50, 50))).toBeCloseTo(0.095, 10);
    expect(quantileFromBuckets(0.5, buckets(100))).toBeCloseTo(0.025, 10);
  });

  it('answers the highest finite bound when the rank is in +Inf, and nothing without observations', () => {
    expect(quantileFromBuckets(0.95, buckets(1, 0, 0, 0, 0, 99))).toBe(1);
    expect(quantileFromBuckets(0.95, buckets())).toBeUndefined();
  });
});

describe('p95 response time rule', () => {
  it('decides nothing below 20 requests', () => {
    expect(evaluateResponseTime({ buckets: buckets(0, 0, 0, 0, 19), since })).toMatchObject({ state: 'unknown' });
  });

  it('is clear while 95% of requests took at most 100 ms, warning above, critical above 500 ms', () => {
    expect(evaluateResponseTime({ buckets: buckets(10, 85, 5), since })).toMatchObject({ state: 'clear', value: 100 });
    expect(evaluateResponseTime({ buckets: buckets(10, 84, 6), since })).toMatchObject({
      state: 'breach',
      severity: 'warning',
      threshold: 100,
    });
    expect(evaluateResponseTime({ buckets: buckets(0, 0, 0, 95, 5), since })).toMatchObject({
      state: 'breach',
      severity: 'warning',
      value: 500,
    });
    expect(evaluateResponseTime({ buckets: buckets(0, 0, 0, 94, 6), since })).toMatchObject({
      state: 'breach',
      severity: 'critical',
      threshold: 500,
    });
  });

  it('reports p95 in ms', () => {
    expect(evaluateResponseTime({ buckets: buckets(50, 50), since })).toMatchObject({ state: 'clear', value: 95 });
  });
});
