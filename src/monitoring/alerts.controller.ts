import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiPage } from '../common/http/api-errors.decorator.js';
import type { Page } from '../common/pagination/pagination.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { AlertsService } from './alerts.service.js';
import { AlertListQuery, AlertResponse, EvaluationResponse } from './dto/alert.dto.js';
import { Allow } from '../access/access.decorators.js';
import { tag } from '../common/http/api-tags.js';

@ApiTags(tag('Alerts'))
@Allow()
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Alerts, newest first (opened_at, then id, descending), optionally by status and severity' })
  @ApiPage(AlertResponse, 'Newest first (opened_at, then id, descending)')
  @ApiErrors(400)
  list(@Query() query: AlertListQuery): Promise<Page<AlertResponse>> {
    return this.alerts.list(query);
  }

  @Post('evaluate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Evaluate every alert rule now (the health-monitor job does every 5 minutes): opens, refreshes or resolves alerts',
  })
  @ApiOkResponse({ type: EvaluationResponse })
  evaluate(): Promise<EvaluationResponse> {
    return this.alerts.evaluate();
  }

  @Post(':id/acknowledge')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Acknowledge an open alert (it stays unresolved until its condition clears or it is resolved)' })
  @ApiParam({ name: 'id', description: 'Alert id', example: 1 })
  @ApiOkResponse({ type: AlertResponse })
  @ApiErrors(400, 404, 409)
  acknowledge(@Param('id', ParseIdPipe) id: number): Promise<AlertResponse> {
    return this.alerts.acknowledge(id);
  }

  @Post(':id/resolve')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Resolve an alert by hand; if its condition still holds, the next evaluation opens a new one' })
  @ApiParam({ name: 'id', description: 'Alert id', example: 1 })
  @ApiOkResponse({ type: AlertResponse })
  @ApiErrors(400, 404, 409)
  resolve(@Param('id', ParseIdPipe) id: number): Promise<AlertResponse> {
    return this.alerts.resolve(id);
  }
}
