import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Histogram, Registry } from 'prom-client';
import { HTTP_DURATION_BUCKETS } from './monitoring.constants.js';

type Label = 'method' | 'route' | 'status';

export const METRICS_ROUTE = '/metrics';

/** Requests that matched no route share one label value, so unknown URLs cannot multiply series. */
const UNMATCHED = 'unmatched';

/**
 * The HTTP duration histogram, by method, route pattern (never the raw URL) and status, fed by a
 * Fastify onResponse hook. Scrapes of /metrics are not counted. On the hot path: one map lookup
 * and one observe.
 */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  private readonly histogram: Histogram<Label>;
  private readonly series = new Map<string, Histogram.Internal<Label>>();

  constructor(
    registry: Registry,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.histogram = new Histogram<Label>({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_DURATION_BUCKETS,
      registers: [registry],
    });
  }

  onModuleInit(): void {
    this.adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? UNMATCHED;
      if (route !== METRICS_ROUTE) this.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let child = this.series.get(key);
    if (!child) this.series.set(key, (child = this.histogram.labels(method, route, String(status))));
    child.observe(seconds);
  }

  /** Cumulative counts per bucket bound (seconds, ending with +Inf), summed over every series. */
  async bucketTotals(): Promise<{ le: number; count: number }[]> {
    const totals = new Map<number, number>(HTTP_DURATION_BUCKETS.concat(Number.POSITIVE_INFINITY).map((le) => [le, 0]));
    for (const sample of (await this.histogram.get()).values) {
      if (sample.metricName !== 'http_request_duration_seconds_bucket') continue;
      const bound = (sample.labels as { le?: string | number }).le;
      const le = bound === '+Inf' ? Number.POSITIVE_INFINITY : Number(bound);
      totals.set(le, (totals.get(le) ?? 0) + sample.value);
    }
    return [...totals].map(([le, count]) => ({ le, count }));
  }
}
