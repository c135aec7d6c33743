import { HTTP_DURATION_BUCKETS } from '../monitoring/monitoring.constants.js';

/** What one instance served during one sampling interval, as it publishes it to every instance. */
export interface TrafficSample {
  instance: string;
  /** When the interval ended (epoch ms). */
  at: number;
  interval_ms: number;
  requests: number;
  /** Requests answered 5xx. */
  errors: number;
  /** Requests per duration bucket of {@link HTTP_DURATION_BUCKETS}, then those slower than the last bound. */
  buckets: number[];
  /** Cache reads answered from L1 or Redis, and all cache reads (hits, misses, stale serves). */
  cache_hits: number;
  cache_reads: number;
}

/** One second of one instance (or of all of them): the figures the overview charts draw. */
export interface TrafficPoint {
  /** The second (epoch seconds) the samples' intervals ended in. */
  t: number;
  requests: number;
  errors: number;
  cache_hits: number;
  cache_reads: number;
  rps: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  /** Share of requests answered 5xx; null without requests. */
  error_rate: number | null;
  /** Share of cache reads that hit; null without cache reads. */
  hit_ratio: number | null;
}

/** Cumulative counters at one moment, from which the sampler takes differences. */
export interface TrafficTotals {
  requests: number;
  errors: number;
  buckets: number[];
  cache_hits: number;
  cache_reads: number;
}

/** A counter's growth; a counter that went back (reset) counts from zero. */
const growth = (now: number, before: number) => (now >= before ? now - before : now);

export function sampleBetween(instance: string, before: TrafficTotals, now: TrafficTotals, at: number, intervalMs: number): TrafficSample {
  return {
    instance,
    at,
    interval_ms: intervalMs,
    requests: growth(now.requests, before.requests),
    errors: growth(now.errors, before.errors),
    buckets: now.buckets.map((count, index) => growth(count, before.buckets[index] ?? 0)),
    cache_hits: growth(now.cache_hits, before.cache_hits),
    cache_reads: growth(now.cache_reads, before.cache_reads),
  };
}

/**
 * The duration below which a share `q` of the requests fell, in ms, interpolated linearly inside
 * its bucket as Prometheus' histogram_quantile does; requests past the last bound report that bound.
 */
export function quantileMs(buckets: readonly number[], q: number, bounds: readonly number[] = HTTP_DURATION_BUCKETS): number | null {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let index = 0; index < buckets.length; index++) {
    const count = buckets[index];
    if (count > 0 && below + count >= rank) {
      if (index >= bounds.length) return bounds[bounds.length - 1] * 1000;
      const lower = index === 0 ? 0 : bounds[index - 1];
      const seconds = lower + (bounds[index] - lower) * ((rank - below) / count);
      return Math.round(seconds * 1_000_000) / 1000;
    }
    below += count;
  }
  return bounds[bounds.length - 1] * 1000;
}

const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** Several samples' counts added up (one instance's in one second, or all instances'). */
function addUp(samples: readonly TrafficSample[]): Omit<TrafficSample, 'instance' | 'at'> {
  const sum = { interval_ms: 0, requests: 0, errors: 0, buckets: [] as number[], cache_hits: 0, cache_reads: 0 };
  for (const sample of samples) {
    sum.interval_ms += sample.interval_ms;
    sum.requests += sample.requests;
    sum.errors += sample.errors;
    sum.cache_hits += sample.cache_hits;
    sum.cache_reads += sample.cache_reads;
    sample.buckets.forEach((count, index) => (sum.buckets[index] = (sum.buckets[index] ?? 0) + count));
  }
  return sum;
}

function pointOf(t: number, counts: Omit<TrafficSample, 'instance' | 'at'>, rps: number): TrafficPoint {
  return {
    t,
    requests: counts.requests,
    errors: counts.errors,
    cache_hits: counts.cache_hits,
    cache_reads: counts.cache_reads,
    rps: Math.round(rps * 100) / 100,
    p50_ms: quantileMs(counts.buckets, 0.5),
    p95_ms: quantileMs(counts.buckets, 0.95),
    p99_ms: quantileMs(counts.buckets, 0.99),
    error_rate: share(counts.errors, counts.requests),
    hit_ratio: share(counts.cache_hits, counts.cache_reads),
  };
}

/** One instance's samples that ended in second `t`: the rate is over the time they cover. */
export function instancePoint(t: number, samples: readonly TrafficSample[]): TrafficPoint {
  const counts = addUp(samples);
  return pointOf(t, counts, counts.interval_ms > 0 ? (counts.requests * 1000) / counts.interval_ms : 0);
}

/**
 * All instances in second `t` (each instance's samples of that second): rates add up; latency,
 * error rate and hit ratio come from the summed counts, so a busy instance weighs more.
 */
export function totalPoint(t: number, byInstance: readonly (readonly TrafficSample[])[]): TrafficPoint {
  const rps = byInstance.reduce((sum, samples) => sum + instancePoint(t, samples).rps, 0);
  return pointOf(t, addUp(byInstance.flat()), rps);
}
