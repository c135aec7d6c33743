import { Injectable } from '@nestjs/common';
import { CacheInspectionService } from '../inspection/cache-inspection.service.js';
import type { FeatureTourResponse, TourFigure, TourStop } from '../dto/feature-tour.dto.js';

const figure = (name: string, value: number | null): TourFigure => ({ name, value });
const get = (path: string) => ({ method: 'GET', path });
const post = (path: string) => ({ method: 'POST', path });

/**
 * The guided tour of the caching features: each with what it does, the figures that show it at
 * work on this instance right now (its own counters, configuration and Redis PING), and the route
 * that shows more. Reads only counters and configuration: it stores, loads and changes nothing.
 */
@Injectable()
export class FeatureTourService {
  constructor(private readonly inspection: CacheInspectionService) {}

  async tour(): Promise<FeatureTourResponse> {
    const [stats, detailed, info, health] = [
      this.inspection.stats(),
      this.inspection.detailedStats(),
      this.inspection.info(),
      await this.inspection.health(),
    ];
    const totals = stats.totals;
    const sessions = detailed.namespaces.find((row) => row.namespace === 'sessions');
    const routes = info.routes;
    const stops: TourStop[] = [
      {
        feature: 'Two-tier reads',
        how_it_works:
          'A cached read is answered from this instance’s memory (L1) when fresh, else from Redis (L2), else loaded from ' +
          'Postgres once and stored in both; fresh hits of public routes are answered before routing.',
        figures: [
          figure('reads', totals.reads),
          figure('L1 hits', totals.hits_l1),
          figure('L2 hits', totals.hits_l2),
          figure('hit ratio', totals.hit_ratio),
          figure('Redis PING ms', health.redis.ping_ms),
        ],
        see: get('/cache/metrics/hit-ratio'),
      },
      {
        feature: 'Cache-aside',
        how_it_works: 'A miss loads the data through the route’s own handler (concurrent misses of one key load once) and stores it.',
        figures: [figure('loads', totals.loads), figure('mean load ms', totals.mean_load_ms), figure('misses', totals.misses)],
        see: get('/enterprise/patterns/cache-aside'),
      },
      {
        feature: 'Write-through',
        how_it_works: 'A write that changes a cached representation stores the new one at once, so the next read is a hit.',
        figures: [figure('entries stored', totals.sets), figure('stores refused (an invalidation overtook the load)', totals.sets_refused)],
        see: get('/enterprise/patterns/write-through'),
      },
      {
        feature: 'Tag invalidation and cascades',
        how_it_works:
          'Every entry carries the tags of the rows it shows; a write drops every entry tagged with what it changed, on every instance.',
        figures: [figure('invalidations', totals.invalidations)],
        see: post('/enterprise/invalidation/cascade'),
      },
      {
        feature: 'Stale-while-revalidate and refresh-ahead',
        how_it_works:
          'An entry near the end of its TTL is reloaded in the background while readers keep the current one; a slightly stale ' +
          'entry is served while its reload runs.',
        figures: [figure('background refreshes', totals.refreshes), figure('stale answers', totals.stale_serves)],
        see: get('/cache/stats/detailed'),
      },
      {
        feature: 'Session caching',
        how_it_works: 'A customer’s own data is cached under the signed-in principal and only ever served to them.',
        figures: [
          figure('session routes', routes.filter((route) => route.session).length),
          figure('session reads', sessions?.reads ?? 0),
          figure('session hit ratio', sessions?.hit_ratio ?? null),
        ],
        see: get('/cache/stats/namespaces'),
      },
      {
        feature: 'Conditional caching',
        how_it_works: 'Some results get another TTL, or none: a delivered order is cached longer than one in progress.',
        figures: [figure('conditional routes', routes.filter((route) => route.conditional).length)],
        see: get('/cache/info'),
      },
      {
        feature: 'TTL classes',
        how_it_works: 'Each kind of data has a TTL class (static, dynamic, real-time, analytics...), set by the TTL profile.',
        figures: [
          figure('TTL classes', info.ttl.length),
          figure('cached routes', routes.length),
          figure('namespaces', info.namespaces.length),
        ],
        see: get('/cache/info'),
      },
      {
        feature: 'Bounded memory',
        how_it_works: 'L1 is an LRU bounded by entries and bytes; Redis memory is reported per namespace.',
        figures: [
          figure('L1 entries', stats.l1.entries),
          figure('L1 bytes', stats.l1.bytes),
          figure('L1 max entries', info.tiers.l1.max_entries),
          figure('L1 evictions', totals.evictions),
        ],
        see: get('/cache/memory-usage'),
      },
      {
        feature: 'Warming',
        how_it_works: 'The most ordered active restaurants are loaded into the cache at start-up and on demand.',
        figures: [figure('entries stored', totals.sets)],
        see: post('/cache/warm/popular'),
      },
    ];
    return { generated_at: new Date().toISOString(), counters_since: stats.since, stops };
  }
}
