import { ApiProperty } from '@nestjs/swagger';
import type { JobOutcome, JobRun, JobTrigger } from '../entities/job-run.entity.js';
import type { LocalJobStats } from '../job-scheduler.js';
import { JOB_NAMES, type JobName } from '../job-schedule.js';

export class JobRunResponse {
  @ApiProperty({ type: 'integer', example: 42 })
  id: number;

  @ApiProperty({ enum: JOB_NAMES, example: 'warm-popular' })
  job: string;

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

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { restaurants: 2, paths: 5, loaded: 5, already_cached: 0, failed: [] },
    description: 'What the run did (or its error), as the job reports it',
  })
  detail: Record<string, unknown> | null;
}

export function toJobRunResponse(run: JobRun): JobRunResponse {
  return {
    id: Number(run.id),
    job: run.job,
    instance: run.instance,
    trigger: run.trigger,
    started_at: run.started_at.toISOString(),
    finished_at: run.finished_at ? run.finished_at.toISOString() : null,
    duration_ms: run.duration_ms,
    outcome: run.outcome,
    detail: run.detail,
  };
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

  @ApiProperty({ type: JobRunResponse, nullable: true, description: 'The latest run, on any instance (from job_runs)' })
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
