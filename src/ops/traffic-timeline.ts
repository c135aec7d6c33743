import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CacheMetrics } from '../cache/cache-metrics.js';
import { MessageBus } from '../redis/message-bus.js';
import { SharedRedis } from '../redis/redis-connection.js';
import { sumCounters } from '../cache/hit-ratio.js';
import { HttpMetrics } from '../monitoring/http-metrics.js';
import { instancePoint, sampleBetween, totalPoint, type TrafficPoint, type TrafficSample, type TrafficTotals } from './traffic.js';

/** How often each instance measures and publishes what it served. */
export const SAMPLE_MS = 1000;
/** How far back the overview charts reach. */
export const WINDOW_MS = 15 * 60_000;
export const TRAFFIC_CHANNEL = 'ops-traffic';
/** The operations stream is open for minutes: its duration would read as the slowest request. */
export const OPS_STREAM_ROUTE = '/ops/stream';

export interface TrafficSeries {
  instances: { id: string; self: boolean; points: TrafficPoint[] }[];
  total: TrafficPoint[];
}

/**
 * The last 15 minutes of traffic of every instance sharing the Redis (or of this one without it).
 * Each instance takes the growth of its request histogram and cache counters every second and
 * publishes it on the message bus; each keeps what it hears, so any instance can draw them all.
 * Pub/sub delivers at most once, to instances listening at the time: an instance started later
 * has the charts from its start, and a lost message is a gap in one line, not a wrong figure.
 */
@Injectable()
export class TrafficTimeline implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TrafficTimeline.name);
  readonly instanceId: string;
  private readonly samples = new Map<string, TrafficSample[]>();
  private readonly excluded = new Set([OPS_STREAM_ROUTE]);
  private previous?: { totals: TrafficTotals; at: number };
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly http: HttpMetrics,
    private readonly cache: CacheMetrics,
    private readonly bus: MessageBus,
    redis: SharedRedis,
  ) {
    this.instanceId = redis.instanceId;
  }

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe<TrafficSample>(TRAFFIC_CHANNEL, (sample) => {
      // This instance records its own samples as it takes them, Redis or not.
      if (sample.instance !== this.instanceId) this.record(sample);
    });
    this.previous = { totals: this.totals(), at: Date.now() };
    this.timer = setInterval(
      () => void this.sample().catch((error: Error) => this.logger.warn(`Traffic sample failed: ${error.message}`)),
      SAMPLE_MS,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /** Measures the growth since the last sample, keeps it and publishes it to the other instances. */
  async sample(): Promise<TrafficSample> {
    const totals = this.totals();
    const at = Date.now();
    const before = this.previous ?? { totals, at };
    this.previous = { totals, at };
    const sample = sampleBetween(this.instanceId, before.totals, totals, at, at - before.at);
    this.record(sample);
    await this.bus.publish(TRAFFIC_CHANNEL, sample);
    return sample;
  }

  /** Points per instance and in total for the seconds from `fromSecond` (epoch seconds) on. */
  series(fromSecond = 0): TrafficSeries {
    const bySecond = new Map<number, TrafficSample[][]>();
    const instances = [...this.samples].map(([id, samples]) => {
      const seconds = new Map<number, TrafficSample[]>();
      for (const sample of samples) {
        const t = Math.floor(sample.at / 1000);
        if (t < fromSecond) continue;
        const inSecond = seconds.get(t) ?? [];
        inSecond.push(sample);
        seconds.set(t, inSecond);
      }
      for (const [t, inSecond] of seconds) bySecond.set(t, [...(bySecond.get(t) ?? []), inSecond]);
      return { id, self: id === this.instanceId, points: [...seconds].map(([t, inSecond]) => instancePoint(t, inSecond)) };
    });
    const total = [...bySecond].sort(([a], [b]) => a - b).map(([t, byInstance]) => totalPoint(t, byInstance));
    instances.sort((a, b) => Number(b.self) - Number(a.self) || a.id.localeCompare(b.id));
    return { instances, total };
  }

  private record(sample: TrafficSample): void {
    const horizon = Date.now() - WINDOW_MS;
    const own = this.samples.get(sample.instance) ?? [];
    own.push(sample);
    this.samples.set(sample.instance, own);
    for (const [instance, samples] of this.samples) {
      let stale = 0;
      while (stale < samples.length && samples[stale].at < horizon) stale++;
      if (stale > 0) samples.splice(0, stale);
      if (samples.length === 0) this.samples.delete(instance);
    }
  }

  private totals(): TrafficTotals {
    const traffic = this.http.traffic(this.excluded);
    const counters = sumCounters(Object.values(this.cache.snapshot().namespaces));
    const hits = counters.hits_l1 + counters.hits_l2;
    return { ...traffic, cache_hits: hits, cache_reads: hits + counters.misses + counters.stale_serves };
  }
}
