import { Injectable } from '@nestjs/common';
import { CacheMetrics } from '../cache/cache-metrics.js';
import { hitsAndLookups, sumCounters } from '../cache/hit-ratio.js';
import type { HitRatioSample, LatencySample, RedisMemorySample } from './alert-rules.js';
import { DependencyProbe } from './dependency-probe.js';
import { HttpMetrics } from './http-metrics.js';

/** A measurement over a window; `advance()` starts the next window here (call it once the sample decided something). */
export interface WindowedSample<T> {
  sample: T;
  advance(): void;
}

interface HitRatioBaseline {
  /** CacheMetrics' `since`: when it changes, the counters were reset and the baseline is zero. */
  countersSince: string;
  hits: number;
  reads: number;
  at: Date;
}

/**
 * What the alert rules measure, over windows that start at the last evaluation that could decide:
 * a window with too little traffic keeps growing instead of being thrown away. Windows are per
 * instance, like the counters they read.
 */
@Injectable()
export class AlertSignals {
  private hitRatioBaseline: HitRatioBaseline;
  /** The histogram starts empty with this service, so the first window starts at zero. */
  private latencyBaseline: { counts: number[]; at: Date } = { counts: [], at: new Date() };

  constructor(
    private readonly cacheMetrics: CacheMetrics,
    private readonly http: HttpMetrics,
    private readonly probe: DependencyProbe,
  ) {
    this.hitRatioBaseline = { ...this.hitRatioTotals(), at: new Date() };
  }

  /** Fresh hits and lookups in the window, as HIT_RATIO_DEFINITION counts them (stale serves are not hits). */
  hitRatio(): WindowedSample<HitRatioSample> {
    const current = this.hitRatioTotals();
    const baseline =
      current.countersSince === this.hitRatioBaseline.countersSince
        ? this.hitRatioBaseline
        : { countersSince: current.countersSince, hits: 0, reads: 0, at: new Date(current.countersSince) };
    return {
      sample: { hits: current.hits - baseline.hits, reads: current.reads - baseline.reads, since: baseline.at.toISOString() },
      advance: () => (this.hitRatioBaseline = { ...current, at: new Date() }),
    };
  }

  latency(): WindowedSample<LatencySample> {
    const totals = this.http.bucketTotals();
    const baseline = this.latencyBaseline;
    return {
      sample: {
        buckets: totals.map(({ le, count }, index) => ({ le, count: count - (baseline.counts[index] ?? 0) })),
        since: baseline.at.toISOString(),
      },
      advance: () => (this.latencyBaseline = { counts: totals.map(({ count }) => count), at: new Date() }),
    };
  }

  redisMemory(): Promise<RedisMemorySample | undefined> {
    return this.probe.redisMemory();
  }

  private hitRatioTotals(): Omit<HitRatioBaseline, 'at'> {
    const snapshot = this.cacheMetrics.snapshot();
    const { hits, lookups } = hitsAndLookups(sumCounters(Object.values(snapshot.namespaces)));
    return { countersSince: snapshot.since, hits, reads: lookups };
  }
}
