import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CACHE_NAMESPACES } from '../cache/cache-namespaces.js';
import { ApiErrors, ApiPage } from '../common/http/api-errors.decorator.js';
import type { Page } from '../common/pagination/pagination.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { CacheAuditService } from './maintenance/cache-audit.service.js';
import { CacheBenchmarkService } from './demonstrations/cache-benchmark.service.js';
import { CacheClearService } from './maintenance/cache-clear.service.js';
import { CacheInspectionService } from './inspection/cache-inspection.service.js';
import { CacheWarmingService } from './maintenance/cache-warming.service.js';
import { CLEAR_TARGETS } from './maintenance/clear-targets.js';
import { CacheAuditEntryResponse, CacheAuditQuery } from './dto/cache-audit.dto.js';
import { CacheTestResponse, PerformanceComparisonResponse } from './dto/cache-benchmark.dto.js';
import {
  CacheHealthDetailedResponse,
  CacheHealthResponse,
  CacheInfoResponse,
  ComprehensiveReportResponse,
  MemoryUsageResponse,
} from './dto/cache-health.dto.js';
import {
  ClearExpiredResponse,
  ClearResponse,
  KeyPageQuery,
  KeyPageResponse,
  WarmPopularQuery,
  WarmPopularResponse,
  WarmResponse,
} from './dto/cache-operations.dto.js';
import {
  CacheStatsWithKeysResponse,
  DetailedStatsResponse,
  HitRatioResponse,
  NamespacePerformanceResponse,
  NamespaceStatsResponse,
} from './dto/cache-stats.dto.js';
import { Allow } from '../access/access.decorators.js';
import { tag } from '../common/http/api-tags.js';

const NAMESPACE_PARAM = { name: 'namespace', enum: CACHE_NAMESPACES, example: 'restaurants' };

@ApiTags(tag('Cache management'))
@Allow()
@Controller('cache')
export class CacheOpsController {
  constructor(
    private readonly inspection: CacheInspectionService,
    private readonly clearing: CacheClearService,
    private readonly warming: CacheWarmingService,
    private readonly benchmark: CacheBenchmarkService,
    private readonly audit: CacheAuditService,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Cache health: tiers, Redis connected (PING now) and L1 size' })
  @ApiOkResponse({ type: CacheHealthResponse })
  health(): Promise<CacheHealthResponse> {
    return this.inspection.health();
  }

  @Get('health/detailed')
  @ApiOperation({ summary: 'Detailed cache health: PING latency now, invalidation bus, L1 fill, deferred invalidations, last Redis error' })
  @ApiOkResponse({ type: CacheHealthDetailedResponse })
  detailedHealth(): Promise<CacheHealthDetailedResponse> {
    return this.inspection.detailedHealth();
  }

  @Get('stats')
  @ApiOperation({
    summary: 'Cache counters of this instance, all namespaces summed, L1 size, and a sample of each namespace’s keys',
    description:
      'The keys are one bounded SCAN page per namespace (never KEYS); each sample links to GET /cache/keys/{namespace} for the rest.',
  })
  @ApiOkResponse({ type: CacheStatsWithKeysResponse })
  stats(): Promise<CacheStatsWithKeysResponse> {
    return this.inspection.statsWithKeys();
  }

  @Get('stats/detailed')
  @ApiOperation({ summary: 'Counters, hit ratios, L1 use, TTL classes and routes per namespace' })
  @ApiOkResponse({ type: DetailedStatsResponse })
  detailedStats(): DetailedStatsResponse {
    return this.inspection.detailedStats();
  }

  @Get('stats/namespaces')
  @ApiOperation({ summary: 'Counters and hit ratios (overall, L1, L2) per namespace' })
  @ApiOkResponse({ type: NamespaceStatsResponse })
  namespaceStats(): NamespaceStatsResponse {
    return this.inspection.namespaceStatsList();
  }

  @Get('info')
  @ApiOperation({ summary: 'Cache configuration: prefix, TTL profile, tiers, limits, the effective TTL table and the cached routes' })
  @ApiOkResponse({ type: CacheInfoResponse })
  info(): CacheInfoResponse {
    return this.inspection.info();
  }

  @Get('memory-usage')
  @ApiOperation({ summary: 'Redis memory (INFO), bytes per namespace from MEMORY USAGE samples, L1 bytes, recommendations' })
  @ApiOkResponse({ type: MemoryUsageResponse })
  memoryUsage(): Promise<MemoryUsageResponse> {
    return this.inspection.memoryUsage();
  }

  @Get('metrics/hit-ratio')
  @ApiOperation({ summary: 'Hit ratio per namespace and tier with the rating: excellent > 80%, good > 60%, else poor' })
  @ApiOkResponse({ type: HitRatioResponse })
  hitRatio(): HitRatioResponse {
    return this.inspection.hitRatio();
  }

  @Get('performance/comprehensive-report')
  @ApiOperation({ summary: 'Health, hit ratios, memory and the recommendations derived from them' })
  @ApiOkResponse({ type: ComprehensiveReportResponse })
  comprehensiveReport(): Promise<ComprehensiveReportResponse> {
    return this.inspection.comprehensiveReport();
  }

  @Get('performance/namespace/:namespace')
  @ApiOperation({ summary: "One namespace's counters, hit ratios, TTLs, last hour by minute, hottest paths and recommendations" })
  @ApiParam(NAMESPACE_PARAM)
  @ApiOkResponse({ type: NamespacePerformanceResponse })
  @ApiErrors(400)
  namespacePerformance(@Param('namespace') namespace: string): NamespacePerformanceResponse {
    return this.inspection.namespacePerformance(namespace);
  }

  @Get('keys/:namespace')
  @ApiOperation({ summary: "A page of a namespace's keys with their TTL left (Redis SCAN cursor; from L1 without Redis)" })
  @ApiParam(NAMESPACE_PARAM)
  @ApiOkResponse({ type: KeyPageResponse })
  @ApiErrors(400, 503)
  keys(@Param('namespace') namespace: string, @Query() query: KeyPageQuery): Promise<KeyPageResponse> {
    return this.inspection.keyPage(namespace, query.cursor, query.count);
  }

  @Get('audit')
  @ApiOperation({ summary: 'The audit log of invalidations and clears, newest first' })
  @ApiPage(CacheAuditEntryResponse, 'Newest first (occurred_at, then id, descending)')
  @ApiErrors(400)
  auditLog(@Query() query: CacheAuditQuery): Promise<Page<CacheAuditEntryResponse>> {
    return this.audit.list(query);
  }

  @Delete('clear')
  @ApiOperation({
    summary: "Clear every key under our prefix (nothing else): Redis by SCAN + UNLINK, this L1 and the other instances' L1",
    description: 'The coordination keys (_meta:seq, _meta:tagseq:*, leases, locks) are kept; the tag index is emptied of the removed keys.',
  })
  @ApiOkResponse({ type: ClearResponse })
  @ApiErrors(503)
  clearAll(): Promise<ClearResponse> {
    return this.clearing.clearAll();
  }

  @Delete('clear/expired')
  @ApiOperation({ summary: 'Purge expired L1 entries of this instance and prune tag-index members whose key is gone (bounded)' })
  @ApiOkResponse({ type: ClearExpiredResponse })
  @ApiErrors(503)
  clearExpired(): Promise<ClearExpiredResponse> {
    return this.clearing.clearExpired();
  }

  @Delete('clear/:target')
  @ApiOperation({ summary: 'Clear a namespace, or restaurant-menus (the with-menu and menu entries), in Redis and every L1' })
  @ApiParam({ name: 'target', enum: CLEAR_TARGETS, example: 'restaurant-menus' })
  @ApiOkResponse({ type: ClearResponse })
  @ApiErrors(400, 503)
  clearTarget(@Param('target') target: string): Promise<ClearResponse> {
    return this.clearing.clearTarget(target);
  }

  @Post('warm')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Warm the entry pages: restaurant lists, popular cuisines, price ranges, first page of menu items' })
  @ApiOkResponse({ type: WarmResponse })
  warm(): Promise<WarmResponse> {
    return this.warming.warmDefault();
  }

  @Post('warm/popular')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Warm the most ordered restaurants (from orders) and their with-menu and menu routes' })
  @ApiOkResponse({ type: WarmPopularResponse })
  @ApiErrors(400)
  warmPopular(@Query() query: WarmPopularQuery): Promise<WarmPopularResponse> {
    return this.warming.warmPopular(query.limit);
  }

  @Post('warm/:namespace')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Warm a namespace: its id-less reads, the most ordered restaurants' pages in it and its recently requested paths",
  })
  @ApiParam(NAMESPACE_PARAM)
  @ApiOkResponse({ type: WarmResponse })
  @ApiErrors(400)
  warmNamespace(@Param('namespace') namespace: string): Promise<WarmResponse> {
    return this.warming.warmNamespace(namespace);
  }

  @Get('demo/cache-test/:restaurant_id')
  @ApiOperation({ summary: "Time a restaurant's with-menu read uncached (service) and cached (cache read path), 5 times each" })
  @ApiOkResponse({ type: CacheTestResponse })
  @ApiErrors(400, 404)
  cacheTest(@Param('restaurant_id', ParseIdPipe) restaurantId: number): Promise<CacheTestResponse> {
    return this.benchmark.cacheTest(restaurantId);
  }

  @Get('demo/performance-comparison')
  @ApiOperation({ summary: 'Time the entry reads (and the first restaurant with its menu) uncached and cached, 5 times each' })
  @ApiOkResponse({ type: PerformanceComparisonResponse })
  performanceComparison(): Promise<PerformanceComparisonResponse> {
    return this.benchmark.performanceComparison();
  }
}
