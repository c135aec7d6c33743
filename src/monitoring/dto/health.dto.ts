import { ApiProperty } from '@nestjs/swagger';

export class LivenessResponse {
  @ApiProperty({ example: 'ok' })
  status: 'ok';
}

export class DependencyStatus {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status: 'up' | 'down';

  @ApiProperty({
    example: 2,
    description: "How long the check took, in ms (database_replicas: the slowest replica's last background poll)",
  })
  responseTime: number;

  @ApiProperty({
    required: false,
    example: 'timeout',
    description: 'Why it is down: the driver\'s message for admins, "timeout" or "unavailable" for others',
  })
  message?: string;

  @ApiProperty({ required: false, example: 1, description: 'database_replicas only: replicas cache loads may use now' })
  usable?: number;

  @ApiProperty({ required: false, example: 1, description: 'database_replicas only: replicas in DATABASE_REPLICA_URLS' })
  configured?: number;

  @ApiProperty({
    required: false,
    type: 'array',
    items: { type: 'number', nullable: true },
    example: [0],
    description:
      'database_replicas only: per replica, WAL bytes the primary had written and it had not replayed at the last poll (null: unknown)',
  })
  lag_bytes?: (number | null)[];
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
