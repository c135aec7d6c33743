import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CACHE_NAMESPACES } from '../../cache/cache-namespaces.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import { ApiErrors, RETRY_AFTER_HEADER } from '../../common/http/api-errors.decorator.js';
import { CacheWarmingService } from '../maintenance/cache-warming.service.js';
import {
  AccessDecisionResponse,
  AccessPatternsResponse,
  CascadeDto,
  CascadeResponse,
  PatternResponse,
  PerformanceReportResponse,
  PredictiveWarmDto,
  PredictiveWarmResponse,
  SecureKeyDto,
  SecureKeyResponse,
  SecurityValidateQuery,
} from '../dto/enterprise.dto.js';
import { CacheOpsSettings } from '../cache-ops.settings.js';
import { EnterpriseService } from './enterprise.service.js';
import { Allow } from '../../access/access.decorators.js';
import { tag } from '../../common/http/api-tags.js';

@ApiTags(tag('Enterprise caching'))
@Allow()
@Controller('enterprise')
export class EnterpriseController {
  constructor(
    private readonly enterprise: EnterpriseService,
    private readonly warming: CacheWarmingService,
  ) {}

  @Get('patterns/write-through')
  @ApiOperation({
    summary:
      "Write-through on a sandbox entry: the first restaurant's representation written to both tiers, then read (a hit); each step timed",
    description:
      'Runs on its own entry under {prefix}:_sandbox:, through the same tiers as route entries. Changes no business data and no live entry.',
  })
  @ApiOkResponse({ type: PatternResponse })
  @ApiErrors(409)
  writeThrough(): Promise<PatternResponse> {
    return this.enterprise.writeThrough();
  }

  @Get('patterns/cache-aside')
  @ApiOperation({
    summary:
      'Cache-aside on a sandbox entry of the first restaurant: start cold, read (miss, load, store), read again (hit); each step timed',
    description:
      'Runs on its own entry under {prefix}:_sandbox:, through the same tiers as route entries. Changes no business data and no live entry.',
  })
  @ApiOkResponse({ type: PatternResponse })
  @ApiErrors(409, 503)
  cacheAside(): Promise<PatternResponse> {
    return this.enterprise.cacheAside();
  }

  @Post('invalidation/cascade')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Run the invalidation cascade of a change to an entity (its event's rules) and return what it removed" })
  @ApiOkResponse({ type: CascadeResponse })
  @ApiErrors(400, 404)
  cascade(@Body() dto: CascadeDto): Promise<CascadeResponse> {
    return this.enterprise.cascade(dto);
  }

  @Post('warming/predictive')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Warm the paths most likely requested next (decayed access frequency) whose entries are not fresh' })
  @ApiOkResponse({ type: PredictiveWarmResponse })
  @ApiErrors(400)
  predictiveWarming(@Body() dto: PredictiveWarmDto): Promise<PredictiveWarmResponse> {
    return this.warming.warmPredictive(dto.limit ?? CacheOpsSettings.warm.predictive);
  }

  @Get('analytics/patterns')
  @ApiOperation({ summary: 'Per namespace: hottest paths, hit ratio per minute over the last hour, and what will be needed next' })
  @ApiOkResponse({ type: AccessPatternsResponse })
  patterns(): Promise<AccessPatternsResponse> {
    return this.enterprise.accessPatterns();
  }

  @Get('performance/report')
  @ApiOperation({ summary: 'Per-namespace figures and the recommendations derived from them, with the numbers behind each' })
  @ApiOkResponse({ type: PerformanceReportResponse })
  performanceReport(): Promise<PerformanceReportResponse> {
    return this.enterprise.performanceReport();
  }

  @Get('security/validate/:namespace')
  @ApiOperation({ summary: 'Whether a customer may read a namespace: shared entries, their own session entries, or nothing' })
  @ApiParam({ name: 'namespace', enum: CACHE_NAMESPACES, example: 'customers' })
  @ApiOkResponse({ type: AccessDecisionResponse })
  @ApiErrors(400, 404)
  validate(@Param('namespace') namespace: string, @Query() query: SecurityValidateQuery): Promise<AccessDecisionResponse> {
    return this.enterprise.validateAccess(namespace, query.user_id);
  }

  @Post('security/secure-key')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Derive {prefix}:{namespace}:{HMAC-SHA256} for a raw key, so raw identifiers need not appear in Redis' })
  @ApiOkResponse({ type: SecureKeyResponse })
  @ApiErrors(400)
  @ApiResponse({
    status: 503,
    type: ErrorBody,
    description:
      'CACHE_KEY_SECRET is not configured (without Retry-After: a retry does not help), or the request did not complete ' +
      'within its time limit (with Retry-After)',
    headers: { 'Retry-After': { ...RETRY_AFTER_HEADER['Retry-After'], required: false } },
  })
  secureKey(@Body() dto: SecureKeyDto): SecureKeyResponse {
    return this.enterprise.secureKey(dto);
  }
}
