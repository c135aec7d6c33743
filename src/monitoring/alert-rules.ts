import type { AlertSeverity } from './entities/alert.entity.js';
import { ALERT_RULES, ALERT_THRESHOLDS, type AlertRule, MIN_READS_FOR_HIT_RATIO, MIN_REQUESTS_FOR_P95 } from './monitoring.constants.js';

/**
 * What one rule concluded: `breach` opens or refreshes its alert, `clear` resolves it, and
 * `unknown` (too little data, dependency unreachable) leaves the alert exactly as it is.
 */
export type RuleOutcome =
  | { rule: AlertRule; state: 'breach'; severity: AlertSeverity; value: number; threshold: number; message: string }
  | { rule: AlertRule; state: 'clear'; value: number | null; message: string }
  | { rule: AlertRule; state: 'unknown'; value: number | null; message: string };

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Cache lookups in a window and their fresh hits (L1 or L2; a stale serve is not a hit): see HIT_RATIO_DEFINITION. */
export interface HitRatioSample {
  reads: number;
  hits: number;
  /** When the window began, for the message. */
  since: string;
}

export function evaluateHitRatio(sample: HitRatioSample): RuleOutcome {
  const rule = ALERT_RULES.hitRatio;
  if (sample.reads < MIN_READS_FOR_HIT_RATIO) {
    return {
      rule,
      state: 'unknown',
      value: null,
      message: `Only ${sample.reads} cache reads since ${sample.since}; the hit ratio is judged from ${MIN_READS_FOR_HIT_RATIO}`,
    };
  }
  const percent = round2((sample.hits / sample.reads) * 100);
  const { warning, critical } = ALERT_THRESHOLDS.hitRatioPercent;
  const measured = `Cache hit ratio ${percent}% (${sample.hits} of ${sample.reads} reads since ${sample.since})`;
  if (percent < critical)
    return {
      rule,
      state: 'breach',
      severity: 'critical',
      value: percent,
      threshold: critical,
      message: `${measured} is below ${critical}%`,
    };
  if (percent < warning)
    return { rule, state: 'breach', severity: 'warning', value: percent, threshold: warning, message: `${measured} is below ${warning}%` };
  return { rule, state: 'clear', value: percent, message: `${measured} is at least ${warning}%` };
}

/** Redis INFO memory; undefined when Redis is configured but could not be asked. */
export interface RedisMemorySample {
  configured: boolean;
  usedBytes?: number;
  /** 0: no maxmemory set. */
  maxBytes?: number;
}

export function evaluateRedisMemory(sample: RedisMemorySample | undefined): RuleOutcome {
  const rule = ALERT_RULES.redisMemory;
  if (!sample) return { rule, state: 'unknown', value: null, message: 'Redis did not answer INFO memory' };
  if (!sample.configured) return { rule, state: 'clear', value: null, message: 'No Redis configured' };
  if (!sample.maxBytes || sample.usedBytes === undefined) {
    return { rule, state: 'clear', value: null, message: 'Redis has no maxmemory set: memory use has no limit to approach' };
  }
  const percent = round2((sample.usedBytes / sample.maxBytes) * 100);
  const { warning, critical } = ALERT_THRESHOLDS.redisMemoryPercent;
  const measured = `Redis uses ${percent}% of maxmemory (${sample.usedBytes} of ${sample.maxBytes} bytes)`;
  if (percent > critical)
    return { rule, state: 'breach', severity: 'critical', value: percent, threshold: critical, message: `${measured}, above ${critical}%` };
  if (percent > warning)
    return { rule, state: 'breach', severity: 'warning', value: percent, threshold: warning, message: `${measured}, above ${warning}%` };
  return { rule, state: 'clear', value: percent, message: `${measured}, at most ${warning}%` };
}

/** Cumulative bucket counts of the HTTP duration histogram over a window; `le` in seconds, last is +Inf. */
export interface LatencySample {
  buckets: { le: number; count: number }[];
  since: string;
}

/**
 * The q-quantile in seconds by linear interpolation inside the bucket holding it, as Prometheus'
 * histogram_quantile does; in the +Inf bucket, the highest finite bound (so it reads "at least").
 */
export function quantileFromBuckets(q: number, buckets: LatencySample['buckets']): number | undefined {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  const index = buckets.findIndex((bucket) => bucket.count >= rank);
  if (buckets[index].le === Number.POSITIVE_INFINITY) return buckets.at(-2)?.le ?? 0;
  const lowerBound = index === 0 ? 0 : buckets[index - 1].le;
  const lowerCount = index === 0 ? 0 : buckets[index - 1].count;
  const inBucket = buckets[index].count - lowerCount;
  return lowerBound + (buckets[index].le - lowerBound) * ((rank - lowerCount) / inBucket);
}

/**
 * p95 against thresholds that are bucket bounds: "p95 > 100 ms" holds exactly when fewer than 95%
 * of the requests took at most 100 ms, so the bucket resolution cannot flip the decision.
 */
export function evaluateResponseTime(sample: LatencySample): RuleOutcome {
  const rule = ALERT_RULES.responseTime;
  const requests = sample.buckets.at(-1)?.count ?? 0;
  if (requests < MIN_REQUESTS_FOR_P95) {
    return {
      rule,
      state: 'unknown',
      value: null,
      message: `Only ${requests} HTTP requests since ${sample.since}; p95 is judged from ${MIN_REQUESTS_FOR_P95}`,
    };
  }
  const p95Ms = round2(quantileFromBuckets(0.95, sample.buckets)! * 1000);
  const { warning, critical } = ALERT_THRESHOLDS.p95ResponseMs;
  const measured = `p95 response time ${p95Ms} ms over ${requests} requests since ${sample.since}`;
  if (p95Ms > critical)
    return { rule, state: 'breach', severity: 'critical', value: p95Ms, threshold: critical, message: `${measured}, above ${critical} ms` };
  if (p95Ms > warning)
    return { rule, state: 'breach', severity: 'warning', value: p95Ms, threshold: warning, message: `${measured}, above ${warning} ms` };
  return { rule, state: 'clear', value: p95Ms, message: `${measured}, at most ${warning} ms` };
}
