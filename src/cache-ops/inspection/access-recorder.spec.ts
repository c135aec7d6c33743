import { describe, expect, it } from '@jest/globals';
import { AccessRecorder } from './access-recorder.js';
import { DecayedFrequency } from './decayed-frequency.js';

const MINUTE = 60_000;
const access = (path: string, at: number, outcome = 'HIT-L1', namespace = 'restaurants') => ({
  path: () => path,
  namespace,
  cacheKey: `${namespace}:${path}`,
  outcome,
  at,
});

describe('decayed frequency', () => {
  const frequency = new DecayedFrequency(10 * MINUTE);

  it('halves a score every half-life', () => {
    expect(frequency.decayed(8, 0, 10 * MINUTE)).toBeCloseTo(4, 10);
    expect(frequency.decayed(8, 0, 20 * MINUTE)).toBeCloseTo(2, 10);
    expect(frequency.decayed(8, 5, 5)).toBe(8);
  });

  it('adds one per access on top of the decayed score', () => {
    expect(frequency.touched(4, 0, 10 * MINUTE)).toBeCloseTo(3, 10);
  });

  it('tends to rate x tau for a steady rate, so the expected accesses recover the rate', () => {
    let score = 0;
    let at = 0;
    // One access per second for two hours.
    for (let now = 0; now <= 2 * 60 * MINUTE; now += 1000) {
      score = frequency.touched(score, at, now);
      at = now;
    }
    expect(frequency.expectedAccesses(score, 5 * MINUTE)).toBeCloseTo(300, -1);
  });
});

describe('access recorder', () => {
  const recorder = () => new AccessRecorder({ halfLifeMs: 10 * MINUTE, maxPaths: 10, windowMinutes: 60 });

  it('ranks paths by decayed frequency, so recent accesses outweigh older ones', () => {
    const record = recorder();
    for (let i = 0; i < 3; i++) record.record(access('/old', 0));
    for (let i = 0; i < 2; i++) record.record(access('/new', 60 * MINUTE));
    const [first, second] = record.hottest(10, 60 * MINUTE);
    expect(first).toMatchObject({ path: '/new', accesses: 2, score: 2 });
    expect(second.path).toBe('/old');
    expect(second.score).toBeCloseTo(3 / 64, 3);
  });

  it('counts hits and misses per path and leaves bypasses out', () => {
    const record = recorder();
    record.record(access('/a', 0, 'MISS'));
    record.record(access('/a', 1, 'HIT-L2'));
    record.record(access('/a', 2, 'BYPASS'));
    expect(record.hottest(1, 2)[0]).toMatchObject({ accesses: 2, hits: 1, misses: 1 });
  });

  it('keeps per-minute reads and hits per namespace for the window only', () => {
    const record = recorder();
    record.record(access('/a', 0, 'MISS'));
    record.record(access('/a', 30 * MINUTE, 'MISS'));
    record.record(access('/a', 30 * MINUTE + 1, 'HIT-L1'));
    record.record(access('/b', 30 * MINUTE + 2, 'HIT-L1', 'search'));
    record.record(access('/a', 30 * MINUTE + 3, 'STALE'));
    record.record(access('/a', 30 * MINUTE + 4, 'HIT-L2'));
    record.record(access('/a', 70 * MINUTE, 'HIT-L1'));
    // A stale serve is a read but not a hit (the one hit ratio definition).
    expect(record.timeline('restaurants', 70 * MINUTE)).toEqual([
      { minute: new Date(30 * MINUTE).toISOString(), reads: 4, hits: 2, hit_ratio: 0.5 },
      { minute: new Date(70 * MINUTE).toISOString(), reads: 1, hits: 1, hit_ratio: 1 },
    ]);
    expect(record.timeline('search', 70 * MINUTE)).toHaveLength(1);
    expect(record.namespaces()).toEqual(['restaurants', 'search']);
  });

  it('stays bounded, forgetting the coldest paths and keeping the one just recorded', () => {
    const record = recorder();
    for (let i = 0; i < 10; i++) {
      for (let n = 0; n <= i; n++) record.record(access(`/p${i}`, 0));
    }
    record.record(access('/newcomer', 0));
    expect(record.size).toBeLessThanOrEqual(10);
    const kept = record.hottest(20, 0).map((path) => path.path);
    expect(kept).toContain('/newcomer');
    expect(kept).toContain('/p9');
    expect(kept).not.toContain('/p0');
  });

  it('forgets exactly the coldest tenth by decayed score, not by raw count', () => {
    const record = recorder();
    // /old0-/old4 were read 5 times an hour ago (decayed to 5 x 2^-6 < 0.1); /new0-/new4 once now.
    for (let i = 0; i < 5; i++) for (let n = 0; n < 5; n++) record.record(access(`/old${i}`, 0));
    for (let i = 0; i < 5; i++) record.record(access(`/new${i}`, 60 * MINUTE));
    record.record(access('/newcomer', 60 * MINUTE));
    // 11 paths over a bound of 10: the excess (1) and a tenth of the bound (1) go, the two coldest.
    const kept = record.hottest(20, 60 * MINUTE).map((path) => path.path);
    expect(kept).toHaveLength(9);
    expect(kept.filter((path) => path.startsWith('/old'))).toHaveLength(3);
    expect(kept).toEqual(expect.arrayContaining(['/new0', '/new1', '/new2', '/new3', '/new4', '/newcomer']));
  });

  it('keeps one record per cache entry and makes its path only when the entry is first read', () => {
    const record = recorder();
    const made: string[] = [];
    const read = (path: string, at: number) => ({
      path: () => (made.push(path), path),
      namespace: 'search',
      cacheKey: 'search:cuisine=thai',
      outcome: 'HIT-L1',
      at,
    });
    record.record(read('/restaurants/search?cuisine=thai', 0));
    record.record(read('/restaurants/search?cuisine=thai&', 1));
    record.record(read('/restaurants/search?cuisine=thai', 2));
    expect(made).toEqual(['/restaurants/search?cuisine=thai']);
    expect(record.hottest(5, 2)).toEqual([expect.objectContaining({ path: '/restaurants/search?cuisine=thai', accesses: 3, hits: 3 })]);
  });

  it('forgets as many as the excess when every score is the same', () => {
    const record = recorder();
    for (let i = 0; i < 25; i++) record.record(access(`/p${i}`, 0));
    expect(record.size).toBeLessThanOrEqual(10);
    expect(record.size).toBeGreaterThanOrEqual(9);
    expect(record.hottest(20, 0).map((path) => path.path)).toContain('/p24');
  });
});
