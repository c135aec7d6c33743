import { loadConfig } from '../../src/config/app-config.js';

/**
 * Jobs on, with intervals so long (about 23 days, aligned to multiples of the interval) that no
 * scheduled tick falls inside a test run: job suites run jobs by hand or reschedule them.
 */
export const QUIET_JOBS_ENV = {
  JOBS_ENABLED: 'true',
  JOB_INTERVAL_WARM_POPULAR_MS: '2000000000',
  JOB_INTERVAL_PREDICTIVE_WARMING_MS: '1999000000',
  JOB_INTERVAL_ANALYTICS_REFRESH_MS: '1998000000',
  JOB_INTERVAL_HEALTH_MONITOR_MS: '1997000000',
  JOB_INTERVAL_CLEANUP_MS: '1996000000',
  JOB_INTERVAL_OUTBOX_REPLAY_MS: '1995000000',
};

/** The intervals those apps are configured with. */
export const QUIET_JOB_INTERVALS_MS = loadConfig(QUIET_JOBS_ENV).jobs.intervalsMs;
