import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CacheInspectionService } from './cache-inspection.service.js';
import { CachePerformanceResponse } from '../dto/cache-stats.dto.js';
import { Allow } from '../../access/access.decorators.js';
import { tag } from '../../common/http/api-tags.js';

@ApiTags(tag('Cache management'))
@Allow()
@Controller('analytics')
export class CacheAnalyticsController {
  constructor(private readonly inspection: CacheInspectionService) {}

  @Get('cache-performance')
  @ApiOperation({ summary: 'Hit and miss ratios per namespace, with the efficiency rating' })
  @ApiOkResponse({ type: CachePerformanceResponse })
  cachePerformance(): CachePerformanceResponse {
    return this.inspection.cachePerformance();
  }
}
