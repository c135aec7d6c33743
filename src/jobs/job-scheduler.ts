import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { BackgroundTasks } from './background-tasks.js';
import { JobRunner, type NotRunReason } from './job-runner.js';
import { AppConfig } from '../config/app-config.js';
import { SharedRedis } from '../redis/redis-connection.js';
import { JOB_NAMES, type JobName, JobSchedule, STARTUP_REDIS_WAIT_MS } from './job-schedule.js';

export interface LocalJobStats {
  /** Ticks of the job's timer on this instance. */
  ticks: number;
  /** Of those, the ones this instance ran. */
  runs: number;
  /** Ticks skipped, by reason: still running here, another instance holds the lock or already ran this tick. */
  skipped: Record<NotRunReason, number>;
}

const timerName = (name: JobName) => `job:${name}`;

/**
 * Ticks every job on wall-clock multiples of its interval (a 10-minute job at :00, :10, ...), so
 * all instances tick at the same moments. At each tick every instance tries the job's lock; the
 * one that gets it runs the job unless a scheduled run already started since half an interval
 * before the tick (another instance got there first), so each tick runs once in total. A tick
 * while the previous run of the job is still going (here or elsewhere) is skipped.
 *
 * Timers are one-shot timeouts in the SchedulerRegistry, re-armed for the next boundary at every
 * tick: a repeating interval would drift by the event loop's lag and drift apart across instances.
 *
 * Start-up warming, and before it a replay of the cache invalidation outbox (under the job's lock:
 * an instance restarted after a crash drops what its last writes left stale), run before the app
 * reports ready (awaited in onApplicationBootstrap).
 */
@Injectable()
export class JobScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly nextTicks = new Map<JobName, number>();
  private readonly stats = new Map<JobName, LocalJobStats>(
    JOB_NAMES.map((name) => [name, { ticks: 0, runs: 0, skipped: { 'running-here': 0, 'held-elsewhere': 0, 'ran-elsewhere': 0 } }]),
  );
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly schedule: JobSchedule,
    private readonly runner: JobRunner,
    private readonly tasks: BackgroundTasks,
    private readonly redis: SharedRedis,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobs.enabled) {
      this.logger.log('JOBS_ENABLED=false: no scheduled jobs or start-up warming on this instance');
      return;
    }
    await this.replayOutboxAtStartup();
    await this.warmAtStartup();
    for (const name of JOB_NAMES) this.arm(name);
  }

  /** Lets runs in progress finish before the database and Redis connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const name of JOB_NAMES) this.disarm(name);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Changes intervals at run time and re-arms those jobs for their next boundary. */
  reschedule(intervals: Partial<Record<JobName, number>>): void {
    for (const [name, intervalMs] of Object.entries(intervals) as [JobName, number][]) {
      this.schedule.set(name, intervalMs);
      if (!this.stopped) this.arm(name);
    }
  }

  nextRunAt(name: JobName): Date | null {
    const next = this.nextTicks.get(name);
    return next === undefined ? null : new Date(next);
  }

  localStats(name: JobName): LocalJobStats {
    const stats = this.stats.get(name)!;
    return { ...stats, skipped: { ...stats.skipped } };
  }

  /**
   * Its invalidations must reach Redis, and its lock lives there: it waits for the bus like
   * warming does. Skipped when another instance holds the lock (that one is replaying).
   */
  private async replayOutboxAtStartup(): Promise<void> {
    await this.untilRedisBusReady();
    await this.runner.runExclusive('outbox-replay', 'startup', this.tasks.taskFor('outbox-replay'));
  }

  private async warmAtStartup(): Promise<void> {
    const { paths } = await this.tasks.popularPaths();
    // With nothing ordered yet (a new database) there is nothing to warm and nothing to wait for.
    if (paths.length > 0) await this.untilRedisBusReady();
    await this.runner.runLocally('warm-popular', 'startup', () => this.tasks.warmPopular());
  }

  /** L1 is neither read nor filled until the invalidation bus is up, and it is emptied when it comes up. */
  private async untilRedisBusReady(): Promise<void> {
    const redis = this.redis.connection;
    const deadline = Date.now() + STARTUP_REDIS_WAIT_MS;
    while (redis && !redis.subscriptionsReady && Date.now() < deadline) await new Promise((done) => setTimeout(done, 25));
  }

  private arm(name: JobName): void {
    this.disarm(name);
    const interval = this.schedule.intervalMs(name);
    const now = Date.now();
    const boundary = (Math.floor(now / interval) + 1) * interval;
    const timer = setTimeout(() => this.tick(name, boundary, interval), boundary - now);
    timer.unref();
    this.registry.addTimeout(timerName(name), timer);
    this.nextTicks.set(name, boundary);
  }

  private disarm(name: JobName): void {
    if (this.registry.doesExist('timeout', timerName(name))) this.registry.deleteTimeout(timerName(name));
    this.nextTicks.delete(name);
  }

  private tick(name: JobName, boundary: number, interval: number): void {
    if (this.stopped) return;
    this.arm(name);
    const stats = this.stats.get(name)!;
    stats.ticks++;
    const run = this.runner
      .runExclusive(name, 'schedule', this.tasks.taskFor(name), new Date(boundary - interval / 2))
      .then((result) => {
        if (result.ran) stats.runs++;
        else stats.skipped[result.reason]++;
      })
      .catch((error: unknown) =>
        this.logger.error(`Scheduled run of ${name} failed to start`, error instanceof Error ? error.stack : String(error)),
      )
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }
}
