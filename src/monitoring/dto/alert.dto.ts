import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PaginationQuery } from '../../common/pagination/pagination.js';
import type { Alert, AlertSeverity, AlertStatus } from '../entities/alert.entity.js';
import { ALERT_RULES, type AlertRule } from '../monitoring.constants.js';
import { ClosedSchema } from '../../common/http/closed-schema.js';

const STATUSES: AlertStatus[] = ['open', 'acknowledged', 'resolved'];
const SEVERITIES: AlertSeverity[] = ['warning', 'critical'];
const RULES = Object.values(ALERT_RULES);

export class AlertListQuery extends PaginationQuery {
  @ApiPropertyOptional({ enum: STATUSES, example: 'open' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: AlertStatus;

  @ApiPropertyOptional({ enum: SEVERITIES, example: 'critical' })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: AlertSeverity;
}

export class AlertResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ enum: RULES, example: ALERT_RULES.hitRatio })
  rule: string;

  @ApiProperty({ enum: SEVERITIES, example: 'warning' })
  severity: AlertSeverity;

  @ApiProperty({ enum: STATUSES, example: 'open' })
  status: AlertStatus;

  @ApiProperty({ example: 'Cache hit ratio 62.5% (25 of 40 reads since 2024-01-15T19:00:00.000Z) is below 70%' })
  message: string;

  @ApiProperty({ example: 62.5, description: 'The measured value when the condition was last seen: percent, or ms for response time' })
  value: number;

  @ApiProperty({ example: 70, description: 'The threshold it crossed, in the unit of value' })
  threshold: number;

  @ApiProperty({ example: '2024-01-15T19:00:00.000Z', format: 'date-time' })
  opened_at: string;

  @ApiProperty({
    example: '2024-01-15T19:05:00.000Z',
    format: 'date-time',
    description: 'Last evaluation that found the condition holding',
  })
  last_seen_at: string;

  @ApiProperty({ example: null, format: 'date-time', nullable: true, type: String })
  acknowledged_at: string | null;

  @ApiProperty({ example: null, format: 'date-time', nullable: true, type: String })
  resolved_at: string | null;
}

/** The one serialisation of an alert: responses and webhook payloads. */
export function toAlertResponse(alert: Alert): AlertResponse {
  return {
    id: alert.id,
    rule: alert.rule,
    severity: alert.severity,
    status: alert.status,
    message: alert.message,
    value: alert.value,
    threshold: alert.threshold,
    opened_at: alert.opened_at.toISOString(),
    last_seen_at: alert.last_seen_at.toISOString(),
    acknowledged_at: alert.acknowledged_at?.toISOString() ?? null,
    resolved_at: alert.resolved_at?.toISOString() ?? null,
  };
}

export type EvaluationAction = 'opened' | 'updated' | 'resolved' | 'none';

@ClosedSchema()
export class RuleEvaluationResponse {
  @ApiProperty({ enum: RULES, example: ALERT_RULES.hitRatio })
  rule: AlertRule;

  @ApiProperty({
    enum: ['breach', 'clear', 'unknown'],
    example: 'breach',
    description: 'unknown: too little data or the dependency did not answer; the alert is left as it was',
  })
  state: 'breach' | 'clear' | 'unknown';

  @ApiProperty({ enum: SEVERITIES, nullable: true, example: 'warning', type: String })
  severity: AlertSeverity | null;

  @ApiProperty({ nullable: true, example: 62.5, type: Number })
  value: number | null;

  @ApiProperty({ nullable: true, example: 70, type: Number })
  threshold: number | null;

  @ApiProperty({ example: 'Cache hit ratio 62.5% (25 of 40 reads since 2024-01-15T19:00:00.000Z) is below 70%' })
  message: string;

  @ApiProperty({ enum: ['opened', 'updated', 'resolved', 'none'], example: 'opened' })
  action: EvaluationAction;

  @ApiProperty({ type: 'integer', nullable: true, example: 1, description: 'The alert opened, updated or resolved' })
  alert_id: number | null;
}

@ClosedSchema()
export class EvaluationResponse {
  @ApiProperty({ example: '2024-01-15T19:05:00.000Z', format: 'date-time' })
  evaluated_at: string;

  @ApiProperty({ type: [RuleEvaluationResponse] })
  rules: RuleEvaluationResponse[];
}
