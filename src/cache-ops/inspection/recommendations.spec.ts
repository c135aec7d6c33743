import { describe, expect, it } from '@jest/globals';
import { memoryRecommendations, namespaceRecommendations, type MemoryFigures, type NamespaceFigures } from './recommendations.js';

const figures = (values: Partial<NamespaceFigures>): NamespaceFigures => ({
  namespace: 'search',
  reads: 0,
  hit_ratio: null,
  sets: 0,
  sets_refused: 0,
  invalidations: 0,
  evictions: 0,
  errors: 0,
  stale_serves: 0,
  mean_load_ms: null,
  ttl_seconds: 300,
  bytes_per_key: null,
  ...values,
});

const actions = (found: { action: string }[]) => found.map((recommendation) => recommendation.action);

const memory = (redis: Partial<NonNullable<MemoryFigures['redis']>> | null, l1: Partial<MemoryFigures['l1']> = {}): MemoryFigures => ({
  redis:
    redis === null
      ? null
      : {
          used_memory_bytes: 100 * 1024 * 1024,
          used_memory_peak_bytes: 100 * 1024 * 1024,
          maxmemory_bytes: 1024 * 1024 * 1024,
          used_of_max_ratio: 0.1,
          fragmentation_ratio: 1.1,
          maxmemory_policy: 'volatile-lru',
          ...redis,
        },
  l1: { entries: 10, bytes: 1000, max_entries: 10_000, max_bytes: 64 * 1024 * 1024, ...l1 },
  namespace_bytes: {},
});

describe('namespace recommendations', () => {
  it('suggests a longer TTL for a low hit ratio with rare invalidations, with the figures that triggered it', () => {
    const [found] = namespaceRecommendations(figures({ reads: 100, hit_ratio: 0.3, sets: 70, invalidations: 2, mean_load_ms: 12 }));
    expect(found).toMatchObject({ scope: 'search', action: 'increase-ttl', severity: 'warning' });
    expect(found.evidence).toMatchObject({ reads: 100, hit_ratio: 0.3, stored: 70, invalidated: 2, ttl_seconds: 300, mean_load_ms: 12 });
    expect(found.evidence.invalidations_per_stored_entry).toBeCloseTo(2 / 70, 4);
  });

  it('suggests a shorter TTL or no caching when writes drop entries about as often as they are stored', () => {
    expect(actions(namespaceRecommendations(figures({ reads: 100, hit_ratio: 0.3, sets: 70, invalidations: 60 })))).toEqual([
      'shorten-ttl-or-stop-caching',
    ]);
  });

  it('says nothing about TTLs between rare and frequent invalidations, with a good ratio, or with too few reads', () => {
    expect(namespaceRecommendations(figures({ reads: 100, hit_ratio: 0.3, sets: 70, invalidations: 20 }))).toEqual([]);
    expect(namespaceRecommendations(figures({ reads: 100, hit_ratio: 0.9, sets: 10 }))).toEqual([]);
    expect(namespaceRecommendations(figures({ reads: 19, hit_ratio: 0, sets: 19 }))).toEqual([]);
  });

  it('flags evictions, refused stores, large entries, Redis errors and stale serves', () => {
    const found = namespaceRecommendations(
      figures({ reads: 5, sets: 100, evictions: 20, sets_refused: 40, bytes_per_key: 300 * 1024, errors: 1, stale_serves: 2 }),
    );
    expect(actions(found)).toEqual(['enlarge-l1', 'write-contention', 'large-entries', 'redis-errors', 'database-failures']);
  });
});

describe('memory recommendations', () => {
  it('asks for a maxmemory when there is none', () => {
    expect(actions(memoryRecommendations(memory({ maxmemory_bytes: 0, used_of_max_ratio: null })))).toEqual(['set-maxmemory']);
  });

  it('warns above 80% of maxmemory and is critical above 90%', () => {
    expect(memoryRecommendations(memory({ used_of_max_ratio: 0.85 }))[0]).toMatchObject({ action: 'raise-maxmemory', severity: 'warning' });
    expect(memoryRecommendations(memory({ used_of_max_ratio: 0.95 }))[0]).toMatchObject({ action: 'raise-maxmemory', severity: 'critical' });
    expect(memoryRecommendations(memory({ used_of_max_ratio: 0.8 }))).toEqual([]);
  });

  it('warns about allkeys-* eviction, which can evict the tag index', () => {
    expect(actions(memoryRecommendations(memory({ maxmemory_policy: 'allkeys-lru' })))).toEqual(['eviction-policy']);
  });

  it('reports fragmentation only when it wastes a meaningful amount', () => {
    expect(actions(memoryRecommendations(memory({ fragmentation_ratio: 2 })))).toEqual(['defragment']);
    expect(memoryRecommendations(memory({ used_memory_bytes: 1024 * 1024, fragmentation_ratio: 8 }))).toEqual([]);
  });

  it('notes a nearly full L1 and a namespace holding most of Redis', () => {
    const found = memoryRecommendations({
      ...memory(null, { entries: 9500 }),
      namespace_bytes: { restaurants: 900, search: 100 },
    });
    expect(actions(found)).toEqual(['l1-full']);
    const withRedis = memoryRecommendations({ ...memory({}), namespace_bytes: { restaurants: 900, search: 100 } });
    expect(withRedis).toEqual([expect.objectContaining({ scope: 'restaurants', action: 'dominant-namespace' })]);
  });
});
