import { ApiProperty } from '@nestjs/swagger';
import { ClearExpiredResponse } from '../../cache-ops/dto/cache-operations.dto.js';
import { PredictiveWarmResponse } from '../../cache-ops/dto/enterprise.dto.js';
import { ClosedSchema } from '../../common/http/closed-schema.js';
import type {
  AnalyticsRefresh,
  Cleanup,
  FailedRun,
  FailedWarmPath,
  NotPerformed,
  OutboxReplay,
  PopularWarming,
  PredictiveWarming,
} from '../job-details.js';
import { OUTBOX_REPLAY_BATCH, RETENTION_DAYS } from '../job-schedule.js';

/** The detail of a job run (see job-details.ts for the shapes the jobs build). */

@ClosedSchema()
export class JobNotPerformedDetail implements NotPerformed {
  @ApiProperty({ type: 'boolean', enum: [false], example: false })
  performed: false;

  @ApiProperty({ example: 'the cache is disabled' })
  reason: string;
}

@ClosedSchema()
export class FailedWarmPathResponse implements FailedWarmPath {
  @ApiProperty({ example: '/restaurants/3/menu' })
  path: string;

  @ApiProperty({ type: 'integer', example: 503, description: 'What the warming request answered (never 200)' })
  status: number;
}

@ClosedSchema()
export class PopularWarmingDetail implements PopularWarming {
  @ApiProperty({ type: 'integer', minimum: 0, example: 2, description: 'Most ordered active restaurants found' })
  restaurants: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 5,
    description: 'Paths requested: /restaurants/{id}/with-menu and /restaurants/{id}/menu of each, and the popular items',
  })
  paths: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 5, description: 'Answered 200 MISS: loaded into the cache now' })
  loaded: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: 'Answered 200 HIT: already cached' })
  already_cached: number;

  @ApiProperty({ type: [FailedWarmPathResponse] })
  failed: FailedWarmPathResponse[];
}

@ClosedSchema()
export class PredictiveWarmingDetail extends PredictiveWarmResponse implements PredictiveWarming {
  @ApiProperty({ enum: ['access-frequency'], example: 'access-frequency', description: 'Paths ranked by recent access frequency' })
  source: 'access-frequency';
}

@ClosedSchema()
export class AnalyticsRefreshDetail implements AnalyticsRefresh {
  @ApiProperty({ type: 'integer', minimum: 0, example: 4, description: 'Cached analytics variants reloaded in place' })
  refreshed: number;

  @ApiProperty({
    type: [String],
    example: [],
    description: 'Cache keys whose reload answered an error or failed: their entries stay cached until invalidated or expired',
  })
  failed: string[];

  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'Variants read recently whose entry had already gone' })
  gone: number;
}

@ClosedSchema()
export class CleanupRetentionDays implements Readonly<Cleanup['retention_days']> {
  @ApiProperty({ type: 'integer', example: RETENTION_DAYS.notifications })
  notifications: number;

  @ApiProperty({ type: 'integer', example: RETENTION_DAYS.jobRuns })
  jobRuns: number;

  @ApiProperty({ type: 'integer', example: RETENTION_DAYS.expiredRefreshTokens })
  expiredRefreshTokens: number;

  @ApiProperty({ type: 'integer', example: 30, description: 'CACHE_AUDIT_RETENTION_DAYS' })
  cacheAudit: number;
}

@ClosedSchema()
export class CleanupDetail implements Cleanup {
  @ApiProperty({ type: ClearExpiredResponse, description: 'As POST /cache/clear-expired answers' })
  expired: ClearExpiredResponse;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: 'Cache audit records past their retention, deleted' })
  cache_audit_pruned: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  notifications_deleted: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  job_runs_deleted: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: 'Refresh tokens expired for longer than their retention' })
  refresh_tokens_deleted: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 0,
    required: false,
    description: 'Idempotency keys past their 24-hour retention (absent from runs recorded before idempotency keys existed)',
  })
  idempotency_keys_deleted: number;

  @ApiProperty({ type: CleanupRetentionDays })
  retention_days: CleanupRetentionDays;
}

@ClosedSchema()
export class OutboxReplayDetail implements OutboxReplay {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 1,
    description: 'Cache invalidation outbox rows due (the writing process died before recording the invalidation) applied again',
  })
  replayed: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: 'Due rows deleted unapplied: the cache is disabled' })
  discarded: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 0,
    description: `Rows still due after the run: beyond its batch of ${OUTBOX_REPLAY_BATCH}, or whose invalidation did not reach Redis or could not be applied`,
  })
  pending: number;
}

@ClosedSchema()
export class JobFailureDetail implements FailedRun {
  @ApiProperty({ example: 'Connection terminated unexpectedly', description: 'The message of the error the job’s work threw' })
  error: string;
}
