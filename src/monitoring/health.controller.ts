import { Controller, Get, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DependencyStatus, LivenessResponse, ReadinessResponse } from './dto/health.dto.js';
import { HealthService } from './health.service.js';
import { Public } from '../access/access.decorators.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { tag } from '../common/http/api-tags.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { RETRY_AFTER_HEADER } from '../common/http/api-errors.decorator.js';

const ALIVE: LivenessResponse = { status: 'ok' };

@ApiTags(tag('Health'))
@ApiExtraModels(DependencyStatus)
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness only: answers while the process can serve HTTP, touching no dependency. */
  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  @ApiOkResponse({ type: LivenessResponse })
  live(): LivenessResponse {
    return ALIVE;
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: Postgres (SELECT 1) and, when configured, Redis (PING) each answer within 1 s',
    description:
      'The same body either way; 503 while a dependency is down (or the app is shutting down). A down dependency\'s `message` is the driver\'s own for admins, "timeout" or "unavailable" for everyone else.',
  })
  @ApiOkResponse({ type: ReadinessResponse })
  @ApiServiceUnavailableResponse({
    description: 'A dependency is down (ReadinessResponse: see `error`), or the instance is shutting down (ErrorBody, with Retry-After)',
    schema: { oneOf: [{ $ref: getSchemaPath(ReadinessResponse) }, { $ref: getSchemaPath(ErrorBody) }] },
    headers: { 'Retry-After': { ...RETRY_AFTER_HEADER['Retry-After'], required: false } },
  })
  async ready(
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<ReadinessResponse> {
    const result = await this.health.readiness(principal?.role === 'admin');
    if (result.status !== 'ok') reply.status(503);
    return result as ReadinessResponse;
  }
}
