import type { ClearExpiredResponse } from '../cache-ops/dto/cache-operations.dto.js';
import type { PredictiveWarmResponse } from '../cache-ops/dto/enterprise.dto.js';
import type { EvaluationResponse } from '../monitoring/dto/alert.dto.js';
import type { JobName } from './job-schedule.js';

/*
 * What each job reports, stored as its run's detail (job_runs.detail) and answered by POST
 * /jobs/{name}/run and GET /jobs. The response classes in dto/job-detail.dto.ts implement these,
 * so the document and the code name the same fields.
 */

/** A job that needs the cache, run while the cache is disabled. */
export interface NotPerformed {
  performed: false;
  reason: string;
}

/** A warming request that did not answer 200. */
export interface FailedWarmPath {
  path: string;
  status: number;
}

export interface PopularWarming {
  /** Most ordered restaurants found. */
  restaurants: number;
  /** Paths requested: each restaurant with its menu and its menu, and the popular items (none without restaurants). */
  paths: number;
  loaded: number;
  already_cached: number;
  failed: FailedWarmPath[];
}

export interface PredictiveWarming extends PredictiveWarmResponse {
  source: 'access-frequency';
}

export interface AnalyticsRefresh {
  refreshed: number;
  /** The cache keys whose reload failed; their entries were kept. */
  failed: string[];
  gone: number;
}

export interface Cleanup {
  expired: ClearExpiredResponse;
  cache_audit_pruned: number;
  notifications_deleted: number;
  job_runs_deleted: number;
  refresh_tokens_deleted: number;
  idempotency_keys_deleted: number;
  retention_days: { notifications: number; jobRuns: number; expiredRefreshTokens: number; cacheAudit: number };
}

export interface OutboxReplay {
  /** Outbox rows whose invalidation was applied again (their rows go with the audit records). */
  replayed: number;
  /** Rows deleted without an invalidation: the cache is disabled, so there was nothing to drop. */
  discarded: number;
  /** Rows still due after the run: beyond its batch, or whose invalidation did not reach Redis or could not be applied. */
  pending: number;
}

/** A run whose work threw: the error's message. */
export interface FailedRun {
  error: string;
}

/** What each job's work resolves to. */
export interface JobDetails {
  'warm-popular': PopularWarming | NotPerformed;
  'predictive-warming': PredictiveWarming | NotPerformed;
  'analytics-refresh': AnalyticsRefresh | NotPerformed;
  'health-monitor': EvaluationResponse;
  cleanup: Cleanup;
  'outbox-replay': OutboxReplay;
}

/** A run's detail: its job's report, or its error when it failed. */
export type JobDetail = JobDetails[JobName] | FailedRun;
