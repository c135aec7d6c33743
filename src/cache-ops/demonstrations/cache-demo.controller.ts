import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/http/api-errors.decorator.js';
import { CacheBenchmarkService } from './cache-benchmark.service.js';
import { CachePerformanceTestResponse, LoadTestQuery, LoadTestResponse } from '../dto/cache-benchmark.dto.js';
import { LOAD_TEST_ENDPOINT_NAMES } from '../read-routes.js';
import { Allow } from '../../access/access.decorators.js';
import { FeatureTourResponse } from '../dto/feature-tour.dto.js';
import { FeatureTourService } from './feature-tour.service.js';
import { tag } from '../../common/http/api-tags.js';

@ApiTags(tag('Demo'))
@Allow()
@Controller('demo')
export class CacheDemoController {
  constructor(
    private readonly benchmark: CacheBenchmarkService,
    private readonly featureTour: FeatureTourService,
  ) {}

  @Get('enterprise-features-showcase')
  @ApiOperation({
    summary: 'A guided tour of the caching features: what each does, its live figures on this instance, and the route that shows more',
    description: 'Reads this instance’s cache counters, configuration and a Redis PING; changes nothing.',
  })
  @ApiOkResponse({ type: FeatureTourResponse })
  enterpriseFeaturesShowcase(): Promise<FeatureTourResponse> {
    return this.featureTour.tour();
  }

  @Get('cache-performance-test')
  @ApiOperation({
    summary: "Cold and warm timings of the entry reads through the cache's read path, on sandbox entries",
    description:
      'Runs on its own entries under {prefix}:_sandbox:cache-performance-test:, through the same tiers as route entries; live entries are not touched.',
  })
  @ApiOkResponse({ type: CachePerformanceTestResponse })
  @ApiErrors(503)
  cachePerformanceTest(): Promise<CachePerformanceTestResponse> {
    return this.benchmark.cachePerformanceTest();
  }

  @Get('load-test/:endpoint')
  @ApiOperation({
    summary: 'A short, bounded in-process load (at most 2000 requests or 5 s, concurrency up to 10) against one of our read routes',
  })
  @ApiParam({ name: 'endpoint', enum: LOAD_TEST_ENDPOINT_NAMES, example: 'restaurants' })
  @ApiOkResponse({ type: LoadTestResponse })
  @ApiErrors(400, 409)
  loadTest(@Param('endpoint') endpoint: string, @Query() query: LoadTestQuery): Promise<LoadTestResponse> {
    return this.benchmark.loadTest(endpoint, query.requests, query.concurrency);
  }
}
