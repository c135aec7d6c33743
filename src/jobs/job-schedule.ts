import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

export const JOB_NAMES = ['warm-popular', 'predictive-warming', 'analytics-refresh', 'health-monitor', 'cleanup', 'outbox-replay'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export const isJobName = (value: string): value is JobName => (JOB_NAMES as readonly string[]).includes(value);

export const JOB_DESCRIPTIONS: Readonly<Record<JobName, string>> = {
  'warm-popular': 'Loads the 50 most ordered active restaurants, their menus and the popular items into the cache (also at start-up)',
  'predictive-warming': 'Warms the paths with the highest recent access frequency (cache administration), else the popular set',
  'analytics-refresh':
    'Reloads the cached analytics variants read recently in place, before they expire (refresh-ahead; readers keep the current figures meanwhile)',
  'health-monitor': 'Evaluates the alert thresholds (hit ratio, Redis memory, response time)',
  cleanup: 'Purges expired L1 entries, old cache audit records, notifications, job runs and idempotency keys',
  'outbox-replay':
    'Applies again the cache invalidations whose outbox row outlived CACHE_OUTBOX_REPLAY_AFTER_SECONDS (the writing process died before its invalidation was recorded), and records them (also at start-up)',
};

/** The most cache invalidation outbox rows one outbox-replay run applies; the next run takes the rest. */
export const OUTBOX_REPLAY_BATCH = 200;

/** A job run holds its lock this long unless renewed (renewed every third of it while it runs). */
export const JOB_LOCK_LEASE_MS = 30_000;

/** Retention of the cleanup job, in days (the cache audit's is CACHE_AUDIT_RETENTION_DAYS). */
export const RETENTION_DAYS = { notifications: 90, jobRuns: 30, expiredRefreshTokens: 7 } as const;

/** At start-up, how long warming waits for the Redis invalidation bus (L1 is not used before it is up). */
export const STARTUP_REDIS_WAIT_MS = 5_000;

/**
 * The interval of each job on this instance, from configuration (JOB_INTERVAL_<NAME>_MS);
 * {@link JobScheduler.reschedule} changes them at run time.
 */
@Injectable()
export class JobSchedule {
  private readonly intervals: Map<JobName, number>;

  constructor(config: AppConfig) {
    this.intervals = new Map(JOB_NAMES.map((name) => [name, config.jobs.intervalsMs[name]]));
  }

  intervalMs(name: JobName): number {
    return this.intervals.get(name)!;
  }

  set(name: JobName, intervalMs: number): void {
    if (!Number.isInteger(intervalMs) || intervalMs < 100)
      throw new RangeError(`The interval of ${name} must be a whole number of ms, at least 100`);
    this.intervals.set(name, intervalMs);
  }
}
