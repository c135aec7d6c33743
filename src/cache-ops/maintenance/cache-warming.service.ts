import { Injectable } from '@nestjs/common';
import { CacheStoreAdmin } from './cache-store-admin.js';
import { isSessionKey } from '../../cache/cache-keys.js';
import { CacheWarmer } from '../../cache/cache-warmer.js';
import { CacheAccessLog } from '../inspection/cache-access-log.js';
import { CacheOpsSettings } from '../cache-ops.settings.js';
import { CacheOpsRepository } from '../cache-ops.repository.js';
import { CacheInspectionService } from '../inspection/cache-inspection.service.js';
import type { FreshPath, PredictiveWarmedPath, PredictiveWarmResponse } from '../dto/enterprise.dto.js';
import type { WarmPopularResponse, WarmResponse } from '../dto/cache-operations.dto.js';
import { roundMs } from '../inspection/latency-stats.js';
import { ENTRY_READS, namespaceReads, popularRestaurantReads } from '../read-routes.js';

interface PlannedPath {
  path: string;
  namespace: string;
  reason: string;
}

/** Paths from the access record warmed per namespace, besides its id-less and popular-restaurant reads. */
const RECORDED_PATHS_PER_NAMESPACE = 20;
const HORIZON_MINUTES = CacheOpsSettings.predictionHorizonMs / 60_000;

/**
 * Warming through CacheWarmer: each path is requested in process, through the same pipeline and
 * policy as a client's request, so the entry is exactly what a client would have cached.
 */
@Injectable()
export class CacheWarmingService {
  constructor(
    private readonly warmer: CacheWarmer,
    private readonly repository: CacheOpsRepository,
    private readonly store: CacheStoreAdmin,
    private readonly accessLog: CacheAccessLog,
    private readonly inspection: CacheInspectionService,
  ) {}

  warmDefault(): Promise<WarmResponse> {
    return this.run(
      'default',
      ENTRY_READS.map((route) => ({ path: route.path, namespace: route.policy.namespace, reason: 'entry page: lists and cross-restaurant analytics' })),
    );
  }

  async warmPopular(limit: number): Promise<WarmPopularResponse> {
    const restaurants = await this.repository.mostOrderedRestaurants(limit);
    const plan = restaurants.flatMap((restaurant, rank) =>
      popularRestaurantReads(restaurant.restaurant_id).map((route) => ({
        path: route.path,
        namespace: route.policy.namespace,
        reason: `most ordered restaurant #${rank + 1} (${restaurant.orders} orders)`,
      })),
    );
    return { ...(await this.run('popular', plan)), restaurants };
  }

  async warmNamespace(namespace: string): Promise<WarmResponse> {
    const known = this.inspection.requireNamespace(namespace, 'namespace');
    const popular = await this.repository.mostOrderedRestaurants(CacheOpsSettings.warm.popularRestaurants);
    const orders = new Map(popular.map((restaurant) => [restaurant.restaurant_id, restaurant.orders]));
    const plan: PlannedPath[] = namespaceReads(known, [...orders.keys()]).map((route) => {
      const restaurantId = Number(route.params.id);
      return {
        path: route.path,
        namespace: known,
        reason: orders.has(restaurantId)
          ? `page of a most ordered restaurant (${orders.get(restaurantId)} orders)`
          : 'id-less read of the namespace',
      };
    });
    const planned = new Set(plan.map((entry) => entry.path));
    for (const recorded of this.accessLog.recorder.hottest(RECORDED_PATHS_PER_NAMESPACE, Date.now(), known)) {
      if (planned.has(recorded.path) || isSessionKey(recorded.cache_key)) continue;
      plan.push({ path: recorded.path, namespace: known, reason: `recently requested (${recorded.accesses} times, score ${recorded.score})` });
    }
    const result = await this.run(known, plan);
    return plan.length > 0
      ? result
      : { ...result, note: 'Nothing to warm: no read of this namespace needs no id, and none of its paths was requested yet' };
  }

  /**
   * Warms the paths most likely requested next that are not fresh now: ranked by decayed access
   * frequency (recent accesses weigh more), fresh ones and session routes (whose entries belong to
   * the principal who read them) skipped. Public routes are warmed as an anonymous caller.
   */
  async warmPredictive(limit: number): Promise<PredictiveWarmResponse> {
    const started = performance.now();
    const now = Date.now();
    const recorder = this.accessLog.recorder;
    const ranked = recorder.hottest(recorder.size, now);
    const chosen: (typeof ranked)[number][] = [];
    const skippedFresh: FreshPath[] = [];
    for (const candidate of ranked) {
      if (chosen.length === limit) break;
      // A session entry belongs to the principal who read it: no warming request can fill it.
      if (isSessionKey(candidate.cache_key)) continue;
      const fresh = await this.store.freshness(candidate.cache_key, now);
      if (fresh) skippedFresh.push({ path: candidate.path, tier: fresh.tier, fresh_for_ms: fresh.fresh_for_ms });
      else chosen.push(candidate);
    }
    const results = await this.warmer.warm(chosen.map((candidate) => candidate.path));
    const warmed: PredictiveWarmedPath[] = chosen.map((candidate, index) => {
      const expected = Math.round(recorder.frequency.expectedAccesses(candidate.score, CacheOpsSettings.predictionHorizonMs) * 100) / 100;
      return {
        path: candidate.path,
        namespace: candidate.namespace,
        reason: `not fresh in L1 or Redis; ${candidate.accesses} accesses recorded, ${expected} expected in the next ${HORIZON_MINUTES} minutes`,
        status: results[index].status,
        outcome: results[index].outcome,
        ms: results[index].ms,
        score: candidate.score,
        expected_next_5_min: expected,
        last_access: candidate.last_access,
      };
    });
    return {
      considered: ranked.length,
      chosen: warmed,
      skipped_fresh: skippedFresh,
      method: `Each client GET of a cached route adds 1 to its path's score, which halves every ${CacheOpsSettings.access.halfLifeMs / 60_000} minutes; the highest scores whose entry is not fresh now are requested again.`,
      duration_ms: roundMs(performance.now() - started),
    };
  }

  private async run(scope: string, plan: PlannedPath[]): Promise<WarmResponse> {
    const started = performance.now();
    const unique = [...new Map(plan.map((entry) => [entry.path, entry])).values()];
    const results = await this.warmer.warm(unique.map((entry) => entry.path));
    const paths = unique.map((entry, index) => ({ ...entry, status: results[index].status, outcome: results[index].outcome, ms: results[index].ms }));
    return {
      scope,
      requested: paths.length,
      loaded: paths.filter((path) => path.status < 400 && path.outcome === 'MISS').length,
      already_cached: paths.filter((path) => path.outcome.startsWith('HIT')).length,
      failed: paths.filter((path) => path.status >= 400).length,
      duration_ms: roundMs(performance.now() - started),
      paths,
    };
  }
}
