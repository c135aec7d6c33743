import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ToInteger } from '../../common/validation/transforms.js';
import { CacheOpsSettings } from '../cache-ops.settings.js';
import { LOAD_TEST_ENDPOINT_NAMES } from '../read-routes.js';

const { loadTest } = CacheOpsSettings;

export class TimedRun {
  @ApiProperty({ example: 0.42 })
  ms: number;

  @ApiProperty({ example: 'HIT-L1', nullable: true, type: String, description: 'Where the answer came from (cached series only)' })
  outcome: string | null;
}

export class TimedSeries {
  @ApiProperty({ type: [TimedRun] })
  runs: TimedRun[];

  @ApiProperty({ example: 0.5 })
  mean_ms: number;
}

export class ReadComparison {
  @ApiProperty({ example: '/restaurants/1/with-menu' })
  path: string;

  @ApiProperty({ example: 'restaurants:restaurant-with-menu:1' })
  cache_key: string;

  @ApiProperty({ type: TimedSeries, description: 'The service called directly, result serialised; no cache' })
  uncached: TimedSeries;

  @ApiProperty({ type: TimedSeries, description: "Through the cache's read path (L1, Redis, load on a miss)" })
  cached: TimedSeries;

  @ApiProperty({ example: 8.4, nullable: true, type: Number, description: 'uncached mean / cached mean' })
  speedup: number | null;
}

export class CacheTestResponse extends ReadComparison {
  @ApiProperty({ example: 1 })
  restaurant_id: number;
}

export class PerformanceComparisonResponse {
  @ApiProperty({ example: 5, description: 'Timed runs per series' })
  runs: number;

  @ApiProperty({ type: [ReadComparison] })
  comparisons: ReadComparison[];

  @ApiProperty({ example: 2.1 })
  uncached_mean_ms: number;

  @ApiProperty({ example: 0.3 })
  cached_mean_ms: number;

  @ApiProperty({ example: 7, nullable: true, type: Number })
  speedup: number | null;
}

export class ColdWarmResult {
  @ApiProperty({ example: '/restaurants' })
  path: string;

  @ApiProperty({ example: '_sandbox:cache-performance-test:restaurants:restaurants', description: "The test's own sandbox entry, without the prefix" })
  cache_key: string;

  @ApiProperty({ type: [TimedRun], description: "Reads through the cache's read path, the first after removing the sandbox entry" })
  requests: TimedRun[];

  @ApiProperty({ example: 3.1, description: 'The first request (loaded from the database)' })
  cold_ms: number;

  @ApiProperty({ example: 0.4, description: 'Mean of the following requests' })
  warm_mean_ms: number;

  @ApiProperty({ example: 7.75, nullable: true, type: Number })
  speedup: number | null;
}

export class CachePerformanceTestResponse {
  @ApiProperty({ example: 5 })
  requests_per_path: number;

  @ApiProperty({ type: [ColdWarmResult] })
  results: ColdWarmResult[];

  @ApiProperty({ example: 3.3 })
  cold_mean_ms: number;

  @ApiProperty({ example: 0.45 })
  warm_mean_ms: number;

  @ApiProperty({ example: 7.3, nullable: true, type: Number })
  speedup: number | null;

  @ApiProperty({ example: "Each path: the test's own entry under {prefix}:_sandbox:cache-performance-test: removed (this instance and Redis), then read 5 times..." })
  method: string;
}

export class LoadTestQuery {
  @ApiPropertyOptional({ type: 'integer', example: 200, default: loadTest.defaultRequests, minimum: 1, maximum: loadTest.maxRequests })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(loadTest.maxRequests)
  requests: number = loadTest.defaultRequests;

  @ApiPropertyOptional({ type: 'integer', example: 10, default: loadTest.maxConcurrency, minimum: 1, maximum: loadTest.maxConcurrency })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(loadTest.maxConcurrency)
  concurrency: number = loadTest.maxConcurrency;
}

export class LatencySummaryResponse {
  @ApiProperty({ example: 200 })
  count: number;

  @ApiProperty({ example: 0.21 })
  min: number;

  @ApiProperty({ example: 0.48 })
  mean: number;

  @ApiProperty({ example: 0.4 })
  p50: number;

  @ApiProperty({ example: 0.9 })
  p95: number;

  @ApiProperty({ example: 2.1 })
  p99: number;

  @ApiProperty({ example: 5.2 })
  max: number;
}

export class LoadTestResponse {
  @ApiProperty({ enum: LOAD_TEST_ENDPOINT_NAMES, example: 'restaurants' })
  endpoint: string;

  @ApiProperty({ example: '/restaurants' })
  path: string;

  @ApiProperty({ example: 200 })
  requested: number;

  @ApiProperty({ example: 200 })
  completed: number;

  @ApiProperty({ example: 10 })
  concurrency: number;

  @ApiProperty({ example: 95.4 })
  duration_ms: number;

  @ApiProperty({ example: 2096.4 })
  requests_per_second: number;

  @ApiProperty({ type: LatencySummaryResponse, description: 'Per request, in process (no network)' })
  latency_ms: LatencySummaryResponse;

  @ApiProperty({ example: { '200': 200 } })
  status_counts: Record<string, number>;

  @ApiProperty({ example: 0, description: 'Requests answered with 4xx/5xx or failing' })
  errors: number;

  @ApiProperty({ example: { MISS: 1, 'HIT-L1': 199 }, description: 'X-Cache of the answers' })
  cache_outcomes: Record<string, number>;

  @ApiProperty({ example: 0.995, nullable: true, type: Number, description: 'fresh hits / (fresh hits + misses + stale) of this run: the one hit ratio definition' })
  hit_ratio: number | null;

  @ApiProperty({ enum: ['request-limit', 'time-limit'], example: 'request-limit' })
  stopped_by: string;

  @ApiProperty({ example: { max_requests: 2000, max_duration_ms: 5000, max_concurrency: 10 } })
  limits: { max_requests: number; max_duration_ms: number; max_concurrency: number };
}
