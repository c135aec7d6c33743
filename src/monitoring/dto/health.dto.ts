import { ApiProperty } from '@nestjs/swagger';

export class LivenessResponse {
  @ApiProperty({ example: 'ok' })
  status: 'ok';
}

export class DependencyStatus {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status: 'up' | 'down';

  @ApiProperty({ example: 2, description: 'How long the check took, in ms' })
  responseTime: number;

  @ApiProperty({
    required: false,
    example: 'timeout',
    description: 'Why it is down: the driver\'s message for admins, "timeout" or "unavailable" for others',
  })
  message?: string;
}

const DEPENDENCIES_EXAMPLE = {
  database: { status: 'up', responseTime: 2 },
  redis: { status: 'up', responseTime: 1 },
};

/** @nestjs/terminus' result: `details` has every dependency, `info` those up, `error` those down. */
export class ReadinessResponse {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' })
  status: 'ok' | 'error' | 'shutting_down';

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/DependencyStatus' }, example: DEPENDENCIES_EXAMPLE })
  info: Record<string, DependencyStatus>;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/DependencyStatus' }, example: {} })
  error: Record<string, DependencyStatus>;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/DependencyStatus' }, example: DEPENDENCIES_EXAMPLE })
  details: Record<string, DependencyStatus>;
}
