import { ConflictException, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { cacheKeyFor } from '../../cache/cache-keys.js';
import { cacheKeyOf, SANDBOX_NAMESPACE } from '../../cache/cache-namespaces.js';
import { AppConfig } from '../../config/app-config.js';
import { CachePolicies } from '../../cache/cache-policies.js';
import { CacheService } from '../../cache/cache.service.js';
import { ValidationFailedException } from '../../common/errors/validation-failed.exception.js';
import { PaginationQuery } from '../../common/pagination/pagination.js';
import { MenuItemsService } from '../../menu-items/menu-items.service.js';
import { RestaurantAnalyticsService } from '../../restaurants/restaurant-analytics.service.js';
import { RestaurantsService } from '../../restaurants/restaurants.service.js';
import { CacheOpsSettings } from '../cache-ops.settings.js';
import { CacheOpsRepository } from '../cache-ops.repository.js';
import { PatternSandbox } from './pattern-sandbox.js';
import type {
  CachePerformanceTestResponse,
  CacheTestResponse,
  ColdWarmResult,
  LoadTestResponse,
  PerformanceComparisonResponse,
  ReadComparison,
  TimedRun,
} from '../dto/cache-benchmark.dto.js';
import { countersOfOutcomes, hitRatios } from '../../cache/hit-ratio.js';
import { roundMs, summariseLatencies } from '../inspection/latency-stats.js';
import { ENTRY_READS, LOAD_TEST_ENDPOINT_NAMES, LOAD_TEST_ENDPOINTS, type LoadTestEndpoint, type ReadRoute } from '../read-routes.js';
import { INTERNAL_CALLER_HEADERS } from '../../access/internal-caller.js';

/** A read timed both ways: `load` calls the domain service directly. */
interface TimedRead {
  route: ReadRoute;
  load: () => Promise<unknown>;
}

const mean = (values: number[]) => (values.length > 0 ? roundMs(values.reduce((sum, value) => sum + value, 0) / values.length) : 0);
const speedup = (slow: number, fast: number) => (fast > 0 ? Math.round((slow / fast) * 100) / 100 : null);
const cacheKeyOfRoute = (route: ReadRoute) =>
  cacheKeyOf(route.policy.namespace, cacheKeyFor(route.policy, route.params, {}));

/**
 * Measurements of the cache's effect on our own reads: the same read timed uncached (the
 * service called directly) and cached (the cache's read path), cold and warm through the full
 * HTTP pipeline, and a short bounded load through Fastify inject.
 */
@Injectable()
export class CacheBenchmarkService {
  private loadTestRunning = false;

  constructor(
    private readonly config: AppConfig,
    private readonly cache: CacheService,
    private readonly sandbox: PatternSandbox,
    private readonly repository: CacheOpsRepository,
    private readonly adapterHost: HttpAdapterHost,
    private readonly restaurants: RestaurantsService,
    private readonly restaurantAnalytics: RestaurantAnalyticsService,
    private readonly menuItems: MenuItemsService,
  ) {}

  async cacheTest(restaurantId: number): Promise<CacheTestResponse> {
    const comparison = await this.compare(this.withMenuRead(restaurantId));
    return { restaurant_id: restaurantId, ...comparison };
  }

  async performanceComparison(): Promise<PerformanceComparisonResponse> {
    const firstRestaurant = await this.repository.firstRestaurantId();
    const reads = [...this.entryReads(), ...(firstRestaurant === null ? [] : [this.withMenuRead(firstRestaurant)])];
    const comparisons: ReadComparison[] = [];
    for (const read of reads) comparisons.push(await this.compare(read));
    const uncached = mean(comparisons.map((comparison) => comparison.uncached.mean_ms));
    const cached = mean(comparisons.map((comparison) => comparison.cached.mean_ms));
    return {
      runs: CacheOpsSettings.timingRuns,
      comparisons,
      uncached_mean_ms: uncached,
      cached_mean_ms: cached,
      speedup: speedup(uncached, cached),
    };
  }

  /**
   * Cold then warm, per entry read, on the demonstration's own sandbox entries: each removed, then
   * read several times through the cache's read path (L1, Redis, lease) with the route's own
   * representation and TTL. Live entries are not touched.
   */
  async cachePerformanceTest(): Promise<CachePerformanceTestResponse> {
    const firstRestaurant = await this.repository.firstRestaurantId();
    const reads = [...this.entryReads(), ...(firstRestaurant === null ? [] : [this.withMenuRead(firstRestaurant)])];
    const results: ColdWarmResult[] = [];
    for (const read of reads) {
      const { policy, params } = read.route;
      const cacheKey = this.sandbox.keyOf('cache-performance-test', cacheKeyOfRoute(read.route));
      await this.sandbox.remove(cacheKey);
      const loader = async () => ({ ...this.cache.serialise(policy, params, await read.load()), tags: [] });
      const requests: TimedRun[] = [];
      for (let run = 0; run < CacheOpsSettings.timingRuns; run++) {
        const started = performance.now();
        const result = await this.sandbox.read(cacheKey, loader);
        requests.push({ ms: roundMs(performance.now() - started), outcome: result.outcome });
      }
      const [cold, ...warm] = requests.map((request) => request.ms);
      const warmMean = mean(warm);
      results.push({ path: read.route.path, cache_key: cacheKey, requests, cold_ms: cold, warm_mean_ms: warmMean, speedup: speedup(cold, warmMean) });
    }
    const coldMean = mean(results.map((result) => result.cold_ms));
    const warmMean = mean(results.map((result) => result.warm_mean_ms));
    return {
      requests_per_path: CacheOpsSettings.timingRuns,
      results,
      cold_mean_ms: coldMean,
      warm_mean_ms: warmMean,
      speedup: speedup(coldMean, warmMean),
      method:
        `Each path: the test's own entry under ${this.config.cache.prefix}:${SANDBOX_NAMESPACE}:cache-performance-test: removed (this instance and Redis), ` +
        `then read ${CacheOpsSettings.timingRuns} times through the cache's read path with the route's representation and TTL: the first is ` +
        'loaded from the database, the others served from the cache. Live entries are not touched.',
    };
  }

  async loadTest(endpoint: string, requests: number, concurrency: number): Promise<LoadTestResponse> {
    if (!(LOAD_TEST_ENDPOINT_NAMES as string[]).includes(endpoint)) {
      throw ValidationFailedException.single('endpoint', 'isIn', `endpoint must be one of: ${LOAD_TEST_ENDPOINT_NAMES.join(', ')}`);
    }
    const target = LOAD_TEST_ENDPOINTS[endpoint as LoadTestEndpoint];
    let restaurantId = 0;
    if (target.needsRestaurant) {
      const first = await this.repository.firstRestaurantId();
      if (first === null) throw new ConflictException(`The ${endpoint} load test needs a restaurant and there is none (POST /demo/sample-data)`);
      restaurantId = first;
    }
    if (this.loadTestRunning) throw new ConflictException('A load test is already running on this instance; run one at a time');
    this.loadTestRunning = true;
    try {
      return await this.runLoad(endpoint, target.route(restaurantId).path, requests, concurrency);
    } finally {
      this.loadTestRunning = false;
    }
  }

  private async runLoad(endpoint: string, path: string, requests: number, concurrency: number): Promise<LoadTestResponse> {
    const { maxDurationMs, maxRequests, maxConcurrency } = CacheOpsSettings.loadTest;
    const fastify = this.fastify();
    const durations: number[] = [];
    const statusCounts: Record<string, number> = {};
    const outcomes: Record<string, number> = {};
    let errors = 0;
    let sent = 0;
    const started = performance.now();
    const deadline = started + maxDurationMs;
    const worker = async () => {
      while (sent < requests && performance.now() < deadline) {
        sent++;
        const requestStarted = performance.now();
        try {
          const response = await fastify.inject({ method: 'GET', url: path, headers: INTERNAL_CALLER_HEADERS });
          durations.push(performance.now() - requestStarted);
          statusCounts[response.statusCode] = (statusCounts[response.statusCode] ?? 0) + 1;
          const outcome = String(response.headers['x-cache'] ?? 'NONE');
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          if (response.statusCode >= 400) errors++;
        } catch {
          durations.push(performance.now() - requestStarted);
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = performance.now() - started;
    return {
      endpoint,
      path,
      requested: requests,
      completed: durations.length,
      concurrency,
      duration_ms: roundMs(elapsed),
      requests_per_second: roundMs(durations.length / (elapsed / 1000)),
      latency_ms: summariseLatencies(durations),
      status_counts: statusCounts,
      errors,
      cache_outcomes: outcomes,
      hit_ratio: hitRatios(countersOfOutcomes(outcomes)).hit_ratio,
      stopped_by: sent >= requests ? 'request-limit' : 'time-limit',
      limits: { max_requests: maxRequests, max_duration_ms: maxDurationMs, max_concurrency: maxConcurrency },
    };
  }

  /** Times `read` uncached then cached, {@link CacheOpsSettings.timingRuns} times each. */
  private async compare(read: TimedRead): Promise<ReadComparison> {
    const { policy, params } = read.route;
    const loader = async () => this.cache.serialise(policy, params, await read.load());
    const uncached: TimedRun[] = [];
    for (let run = 0; run < CacheOpsSettings.timingRuns; run++) {
      const started = performance.now();
      await loader();
      uncached.push({ ms: roundMs(performance.now() - started), outcome: null });
    }
    const cached: TimedRun[] = [];
    for (let run = 0; run < CacheOpsSettings.timingRuns; run++) {
      const started = performance.now();
      const result = this.cache.enabled ? await this.cache.read(policy, params, {}, loader) : await this.cache.bypass(policy, loader);
      cached.push({ ms: roundMs(performance.now() - started), outcome: result.outcome });
    }
    const uncachedMean = mean(uncached.map((run) => run.ms));
    const cachedMean = mean(cached.map((run) => run.ms));
    return {
      path: read.route.path,
      cache_key: cacheKeyOfRoute(read.route),
      uncached: { runs: uncached, mean_ms: uncachedMean },
      cached: { runs: cached, mean_ms: cachedMean },
      speedup: speedup(uncachedMean, cachedMean),
    };
  }

  private entryReads(): TimedRead[] {
    const page = new PaginationQuery();
    const loaders = new Map<string, () => Promise<unknown>>([
      [CachePolicies.restaurantList.name, () => this.restaurants.list(page)],
      [CachePolicies.activeRestaurants.name, () => this.restaurants.listActive(page)],
      [CachePolicies.popularCuisines.name, () => this.restaurantAnalytics.popularCuisines()],
      [CachePolicies.priceRanges.name, () => this.restaurantAnalytics.priceRanges()],
      [CachePolicies.menuItemList.name, () => this.menuItems.list(page)],
    ]);
    return ENTRY_READS.map((route) => ({ route, load: loaders.get(route.policy.name)! }));
  }

  private withMenuRead(restaurantId: number): TimedRead {
    return {
      route: LOAD_TEST_ENDPOINTS['with-menu'].route(restaurantId),
      load: () => this.restaurants.getWithMenu(restaurantId),
    };
  }

  private fastify(): FastifyInstance {
    return this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
  }
}
