import { Injectable, Logger } from '@nestjs/common';
import { SpanStatusCode } from '@opentelemetry/api';
import { DistributedLock } from '../redis/distributed-lock.js';
import { SharedRedis } from '../redis/redis-connection.js';
import { RequestContext } from '../common/context/request-context.js';
import type { JobRun, JobTrigger } from './entities/job-run.entity.js';
import { JobMetrics } from './job-metrics.js';
import { JobRunsRepository } from './job-runs.repository.js';
import { JOB_LOCK_LEASE_MS, type JobName } from './job-schedule.js';
import { inSpan } from '../tracing/spans.js';

/** A job's work: resolves to what it did (a JSON object), stored as the run's detail. */
export type JobTask = () => Promise<object>;

export type NotRunReason = 'running-here' | 'held-elsewhere' | 'ran-elsewhere';

export type RunResult = { ran: true; run: JobRun } | { ran: false; reason: NotRunReason };

/**
 * Runs a job and records it in job_runs. Scheduled and manual runs take the job's distributed
 * lock (`job:<name>`): with several instances on one Redis a run happens on exactly one of them,
 * and never twice at once (without Redis the lock is this process's). The work runs inside
 * RequestContext `job:<name>`, so the cache audit names the job as the cause. With tracing on,
 * each run is a span `job <name>` (the root of its own trace when the scheduler started it), so
 * the job's Postgres and Redis calls are traced like a request's.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('Jobs');
  /** The Redis connection's instance id when there is one (shared with the invalidation bus), else this process's own. */
  readonly instanceId: string;
  private readonly running = new Set<JobName>();

  constructor(
    private readonly lock: DistributedLock,
    private readonly runs: JobRunsRepository,
    redis: SharedRedis,
    private readonly metrics: JobMetrics,
  ) {
    this.instanceId = redis.instanceId;
  }

  isRunningHere(name: JobName): boolean {
    return this.running.has(name);
  }

  /**
   * Under the job's lock: unless a scheduled run already started at or after
   * `skipIfScheduledSince` (another instance took this tick), records the run, works, records the
   * outcome. A task that throws is recorded as failed, not rethrown.
   */
  runExclusive(name: JobName, trigger: JobTrigger, task: JobTask, skipIfScheduledSince?: Date): Promise<RunResult> {
    return this.traced(
      name,
      trigger,
      async (): Promise<RunResult> => {
        const outcome = await this.lock.runExclusive(`job:${name}`, JOB_LOCK_LEASE_MS, async (): Promise<RunResult> => {
          if (skipIfScheduledSince && (await this.runs.scheduledRunSince(name, skipIfScheduledSince))) {
            return { ran: false, reason: 'ran-elsewhere' };
          }
          return { ran: true, run: await this.record(name, trigger, task) };
        });
        return outcome.ran ? outcome.result : { ran: false, reason: outcome.reason };
      },
      (result) => (result.ran ? result.run.outcome : `skipped: ${result.reason}`),
    );
  }

  /** Without the lock: start-up warming, which every instance does for its own L1. */
  runLocally(name: JobName, trigger: JobTrigger, task: JobTask): Promise<JobRun> {
    return this.traced(
      name,
      trigger,
      () => this.record(name, trigger, task),
      (run) => run.outcome,
    );
  }

  private traced<T>(name: JobName, trigger: JobTrigger, work: () => Promise<T>, outcomeOf: (result: T) => string): Promise<T> {
    return inSpan(`job ${name}`, { 'tiffin.job.name': name, 'tiffin.job.trigger': trigger }, work, (result, span) => {
      const outcome = outcomeOf(result);
      span.setAttribute('tiffin.job.outcome', outcome);
      if (outcome === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: `job ${name} failed` });
    });
  }

  private async record(name: JobName, trigger: JobTrigger, task: JobTask): Promise<JobRun> {
    this.running.add(name);
    try {
      return await RequestContext.run(`job:${name}`, async () => {
        const startedAt = new Date();
        const run = await this.runs.start(name, this.instanceId, trigger, startedAt);
        const started = performance.now();
        let detail: object;
        let failed = false;
        try {
          detail = await task();
        } catch (error) {
          failed = true;
          detail = { error: error instanceof Error ? error.message : String(error) };
          this.logger.error(`Job ${name} (${trigger}) failed`, error instanceof Error ? error.stack : String(error));
        }
        const duration = Math.round(performance.now() - started);
        this.metrics.finished(name, failed ? 'failed' : 'succeeded');
        return this.runs.finish(run.id, failed ? 'failed' : 'succeeded', new Date(startedAt.getTime() + duration), duration, detail);
      });
    } finally {
      this.running.delete(name);
    }
  }
}
