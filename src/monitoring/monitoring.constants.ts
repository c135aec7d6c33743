/**
 * Every tunable of health, metrics and alerts, in one place: the alert thresholds and the probe
 * and window defaults, fixed here until they become configuration (see the module's documentation).
 */

/** Readiness and scrape-time probes give a dependency this long before calling it down. */
export const DEPENDENCY_TIMEOUT_MS = 1000;

/** Seconds; 0.1 and 0.5 are bucket bounds so the p95 thresholds are decided exactly. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const ALERT_RULES = {
  hitRatio: 'cache_hit_ratio',
  redisMemory: 'redis_memory',
  responseTime: 'http_p95_response_time',
} as const;

export type AlertRule = (typeof ALERT_RULES)[keyof typeof ALERT_RULES];

export const ALERT_THRESHOLDS = {
  /** Percent of cache reads served from the cache; alert below. */
  hitRatioPercent: { warning: 70, critical: 50 },
  /** Percent of Redis maxmemory in use; alert above. */
  redisMemoryPercent: { warning: 80, critical: 90 },
  /** 95th percentile of HTTP response time in ms; alert above. */
  p95ResponseMs: { warning: 100, critical: 500 },
} as const;

/** Fewer reads (or requests) than this in a window decide nothing: the window keeps growing. */
export const MIN_READS_FOR_HIT_RATIO = 20;
export const MIN_REQUESTS_FOR_P95 = 20;

/** Where open and resolve notifications are POSTed; no URL means log only. */
export interface AlertWebhookOptions {
  url: string | undefined;
  /** Waits before each retry; a delivery makes at most 1 + retryDelaysMs.length attempts. */
  retryDelaysMs: readonly number[];
  /** Per attempt. */
  timeoutMs: number;
}

export const ALERT_WEBHOOK = Symbol('ALERT_WEBHOOK');

export const defaultAlertWebhookOptions = (): AlertWebhookOptions => ({
  url: undefined,
  retryDelaysMs: [500, 1000, 2000],
  timeoutMs: 5000,
});
