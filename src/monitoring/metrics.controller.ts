import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { prometheusContentType } from 'prom-client';
import { METRICS_ROUTE } from './http-metrics.js';
import { MetricsService } from './metrics.service.js';
import { Allow } from '../access/access.decorators.js';
import { Grants } from '../access/grants.js';
import { tag } from '../common/http/api-tags.js';

@ApiTags(tag('Health'))
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get(METRICS_ROUTE)
  @Allow(Grants.publicIf('METRICS_PUBLIC=true', (config) => config.http.metricsPublic))
  @Header('content-type', prometheusContentType)
  @ApiOperation({
    summary:
      'Prometheus metrics: HTTP durations by route pattern and status, cache counters, L1 size, dependency round trips, Redis memory, unresolved alerts, cache invalidation outbox backlog, job runs, process',
  })
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4',
    content: { [prometheusContentType]: { schema: { type: 'string' } } },
  })
  render(): Promise<string> {
    return this.metrics.render();
  }
}
