import type { Type } from '@nestjs/common';
import { ApiProperty, getSchemaPath, type SchemaObject } from '@nestjs/swagger';
import { ClosedSchema } from '../../common/http/closed-schema.js';
import { EvaluationResponse } from '../../monitoring/dto/alert.dto.js';
import type { FailedRun, JobDetail, JobDetails } from '../job-details.js';
import {
  AnalyticsRefreshDetail,
  CleanupDetail,
  JobFailureDetail,
  JobNotPerformedDetail,
  OutboxReplayDetail,
  PopularWarmingDetail,
  PredictiveWarmingDetail,
} from './job-detail.dto.js';
import type { JobOutcome, JobRun, JobTrigger } from '../entities/job-run.entity.js';
import type { LocalJobStats } from '../job-scheduler.js';
import { JOB_NAMES, type JobName } from '../job-schedule.js';

/** The fields every run has; each job's run adds its name and its detail (below). */
abstract class JobRunFields {
  @ApiProperty({ type: 'integer', example: 42 })
  id: number;

  @ApiProperty({ example: '5b0c7a4e-2f7e-4a43-9d0b-1f3c2f0d7d11', description: 'The instance that ran it' })
  instance: string;

  @ApiProperty({ enum: ['schedule', 'startup', 'manual'], example: 'schedule' })
  trigger: JobTrigger;

  @ApiProperty({ example: '2024-01-15T18:00:00.004Z', format: 'date-time' })
  started_at: string;

  @ApiProperty({ example: '2024-01-15T18:00:00.217Z', nullable: true, type: String, format: 'date-time' })
  finished_at: string | null;

  @ApiProperty({ type: 'integer', example: 213, nullable: true })
  duration_ms: number | null;

  @ApiProperty({ enum: ['running', 'succeeded', 'failed'], example: 'succeeded' })
  outcome: JobOutcome;
}

/** The detail of a run of a job whose report is one of `reports`: one of them, its error, or null while it runs. */
const detailOf = (reports: Type<unknown>[], example: object) => ({
  oneOf: [...reports, JobFailureDetail].map((type) => ({ $ref: getSchemaPath(type) })).concat({ type: 'null' } as never),
  example,
  description:
    `What the run did, as the job reports it (${reports.map((type) => type.name).join(' or ')}); ` +
    'JobFailureDetail when it failed; null while it is running',
});

@ClosedSchema()
export class WarmPopularRunResponse extends JobRunFields {
  @ApiProperty({ enum: ['warm-popular'], example: 'warm-popular' })
  job: 'warm-popular';

  @ApiProperty(
    detailOf([PopularWarmingDetail, JobNotPerformedDetail], { restaurants: 2, paths: 5, loaded: 5, already_cached: 0, failed: [] }),
  )
  detail: JobDetails['warm-popular'] | FailedRun | null;
}

@ClosedSchema()
export class PredictiveWarmingRunResponse extends JobRunFields {
  @ApiProperty({ enum: ['predictive-warming'], example: 'predictive-warming' })
  job: 'predictive-warming';

  @ApiProperty(detailOf([PredictiveWarmingDetail, JobNotPerformedDetail], { performed: false, reason: 'the cache is disabled' }))
  detail: JobDetails['predictive-warming'] | FailedRun | null;
}

@ClosedSchema()
export class AnalyticsRefreshRunResponse extends JobRunFields {
  @ApiProperty({ enum: ['analytics-refresh'], example: 'analytics-refresh' })
  job: 'analytics-refresh';

  @ApiProperty(detailOf([AnalyticsRefreshDetail, JobNotPerformedDetail], { refreshed: 4, failed: [], gone: 1 }))
  detail: JobDetails['analytics-refresh'] | FailedRun | null;
}

@ClosedSchema()
export class HealthMonitorRunResponse extends JobRunFields {
  @ApiProperty({ enum: ['health-monitor'], example: 'health-monitor' })
  job: 'health-monitor';

  @ApiProperty(detailOf([EvaluationResponse], { evaluated_at: '2024-01-15T19:05:00.000Z', rules: [] }))
  detail: JobDetails['health-monitor'] | FailedRun | null;
}

@ClosedSchema()
export class CleanupRunResponse extends JobRunFields {
  @ApiProperty({ enum: ['cleanup'], example: 'cleanup' })
  job: 'cleanup';

  @ApiProperty(detailOf([CleanupDetail], { error: 'Connection terminated unexpectedly' }))
  detail: JobDetails['cleanup'] | FailedRun | null;
}

@ClosedSchema()
export class OutboxReplayRunResponse extends JobRunFields {
  @ApiProperty({ enum: ['outbox-replay'], example: 'outbox-replay' })
  job: 'outbox-replay';

  @ApiProperty(detailOf([OutboxReplayDetail], { replayed: 1, discarded: 0, pending: 0 }))
  detail: JobDetails['outbox-replay'] | FailedRun | null;
}

/** A recorded run: its `job` names the job, and with it the shape of its `detail`. */
export type JobRunResponse =
  | WarmPopularRunResponse
  | PredictiveWarmingRunResponse
  | AnalyticsRefreshRunResponse
  | HealthMonitorRunResponse
  | CleanupRunResponse
  | OutboxReplayRunResponse;

const RUN_TYPES: { [Name in JobName]: Type<Extract<JobRunResponse, { job: Name }>> } = {
  'warm-popular': WarmPopularRunResponse,
  'predictive-warming': PredictiveWarmingRunResponse,
  'analytics-refresh': AnalyticsRefreshRunResponse,
  'health-monitor': HealthMonitorRunResponse,
  cleanup: CleanupRunResponse,
  'outbox-replay': OutboxReplayRunResponse,
};

/** The schemas the run and detail schemas refer to, for @ApiExtraModels. */
export const JOB_RUN_MODELS: Type<unknown>[] = [
  ...Object.values(RUN_TYPES),
  PopularWarmingDetail,
  PredictiveWarmingDetail,
  AnalyticsRefreshDetail,
  CleanupDetail,
  OutboxReplayDetail,
  EvaluationResponse,
  JobNotPerformedDetail,
  JobFailureDetail,
];

/** One run of any job, told apart by `job`. */
export const JOB_RUN_SCHEMA: SchemaObject = {
  oneOf: Object.values(RUN_TYPES).map((type) => ({ $ref: getSchemaPath(type) })),
  discriminator: {
    propertyName: 'job',
    mapping: Object.fromEntries(Object.entries(RUN_TYPES).map(([name, type]) => [name, getSchemaPath(type)])),
  },
};

export function toJobRunResponse(run: JobRun): JobRunResponse {
  return {
    id: Number(run.id),
    job: run.job as JobName,
    instance: run.instance,
    trigger: run.trigger,
    started_at: run.started_at.toISOString(),
    finished_at: run.finished_at ? run.finished_at.toISOString() : null,
    duration_ms: run.duration_ms,
    outcome: run.outcome,
    detail: run.detail as JobDetail | null,
  } as JobRunResponse;
}

class SkippedTicksResponse {
  @ApiProperty({ type: 'integer', example: 0, description: 'The previous run was still going on this instance' })
  'running-here': number;

  @ApiProperty({ type: 'integer', example: 3, description: 'Another instance held the lock' })
  'held-elsewhere': number;

  @ApiProperty({ type: 'integer', example: 2, description: 'Another instance had already run this tick' })
  'ran-elsewhere': number;
}

export class LocalJobStatsResponse {
  @ApiProperty({ type: 'integer', example: 6 })
  ticks: number;

  @ApiProperty({ type: 'integer', example: 1 })
  runs: number;

  @ApiProperty({ type: SkippedTicksResponse })
  skipped: SkippedTicksResponse;
}

export class JobStatusResponse {
  @ApiProperty({ enum: JOB_NAMES, example: 'warm-popular' })
  name: JobName;

  @ApiProperty({ example: 'Loads the 50 most ordered restaurants, their menus and the popular items into the cache' })
  description: string;

  @ApiProperty({
    type: 'integer',
    example: 600_000,
    description: 'The schedule: one run per interval, on multiples of it since the epoch (UTC)',
  })
  interval_ms: number;

  @ApiProperty({ anyOf: [JOB_RUN_SCHEMA, { type: 'null' }], description: 'The latest run, on any instance (from job_runs)' })
  last_run: JobRunResponse | null;

  @ApiProperty({
    example: '2024-01-15T18:10:00.000Z',
    nullable: true,
    type: String,
    format: 'date-time',
    description: "This instance's next tick",
  })
  next_run_at: string | null;

  @ApiProperty({ example: false, description: 'A run of this job is in progress on this instance' })
  running_here: boolean;

  @ApiProperty({ type: LocalJobStatsResponse, description: 'Since this instance started' })
  this_instance: LocalJobStatsResponse;
}

export function toJobStatusResponse(
  job: { name: JobName; description: string; interval_ms: number; next_run_at: Date | null; running_here: boolean },
  lastRun: JobRun | undefined,
  stats: LocalJobStats,
): JobStatusResponse {
  return {
    name: job.name,
    description: job.description,
    interval_ms: job.interval_ms,
    last_run: lastRun ? toJobRunResponse(lastRun) : null,
    next_run_at: job.next_run_at ? job.next_run_at.toISOString() : null,
    running_here: job.running_here,
    this_instance: { ticks: stats.ticks, runs: stats.runs, skipped: stats.skipped },
  };
}
