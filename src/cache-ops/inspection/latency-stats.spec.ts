import { describe, expect, it } from '@jest/globals';
import { percentile, summariseLatencies } from './latency-stats.js';

describe('latency statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });

  it('summarises unsorted durations, rounded to 0.01 ms', () => {
    expect(summariseLatencies([3.3333, 1, 2])).toEqual({ count: 3, min: 1, mean: 2.11, p50: 2, p95: 3.33, p99: 3.33, max: 3.33 });
    expect(summariseLatencies([])).toEqual({ count: 0, min: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
});
