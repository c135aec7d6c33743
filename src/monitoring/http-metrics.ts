import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Histogram, Registry } from 'prom-client';
import { HTTP_DURATION_BUCKETS } from './monitoring.constants.js';
import { routeOf } from '../common/http/route-paths.js';

type Label = 'method' | 'route' | 'status';

export const METRICS_ROUTE = '/metrics';

/** Orchestrator probes: in the histogram, but not user traffic, so not in the p95 the alert judges. */
export const PROBE_ROUTES: ReadonlySet<string> = new Set(['/health', '/health/ready']);

/** Requests that matched no route share one label value, so unknown URLs cannot multiply series. */
const UNMATCHED = 'unmatched';

/**
 * The HTTP duration histogram, by method, route pattern (never the raw URL) and status, fed by a
 * Fastify onResponse hook. Scrapes of /metrics are not counted. On the hot path: one observe.
 */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  private readonly histogram: Histogram<Label>;

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
      const route = routeOf(request) ?? UNMATCHED;
      if (route !== METRICS_ROUTE) this.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  /** A labels object is as fast as a cached child series here: prom-client validates and hashes either way. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.histogram.observe({ method, route, status }, seconds);
  }

  /** Cumulative counts per bucket bound (seconds, ending with +Inf), summed over every series but the probes'. */
  async bucketTotals(): Promise<{ le: number; count: number }[]> {
    const totals = new Map<number, number>(HTTP_DURATION_BUCKETS.concat(Number.POSITIVE_INFINITY).map((le) => [le, 0]));
    for (const sample of (await this.histogram.get()).values) {
      if (sample.metricName !== 'http_request_duration_seconds_bucket' || PROBE_ROUTES.has(String(sample.labels.route))) continue;
      const bound = (sample.labels as { le?: string | number }).le;
      const le = bound === '+Inf' ? Number.POSITIVE_INFINITY : Number(bound);
      totals.set(le, (totals.get(le) ?? 0) + sample.value);
    }
    return [...totals].map(([le, count]) => ({ le, count }));
  }

  /**
   * Requests so far, those answered 5xx, and the count per bucket (not cumulative; the last is
   * above the highest bound), over every series but the probes' and the `excluded` routes'.
   */
  async traffic(excluded: ReadonlySet<string>): Promise<HttpTraffic> {
    const bounds = HTTP_DURATION_BUCKETS;
    const cumulative = new Array<number>(bounds.length + 1).fill(0);
    let requests = 0;
    let errors = 0;
    for (const sample of (await this.histogram.get()).values) {
      const route = String(sample.labels.route);
      if (PROBE_ROUTES.has(route) || excluded.has(route)) continue;
      if (sample.metricName === 'http_request_duration_seconds_count') {
        requests += sample.value;
        if (Number(sample.labels.status) >= 500) errors += sample.value;
      } else if (sample.metricName === 'http_request_duration_seconds_bucket') {
        const bound = (sample.labels as { le?: string | number }).le;
        const index = bound === '+Inf' ? bounds.length : bounds.indexOf(Number(bound));
        if (index >= 0) cumulative[index] += sample.value;
      }
    }
    const buckets = cumulative.map((count, index) => count - (index > 0 ? cumulative[index - 1] : 0));
    return { requests, errors, buckets };
  }
}

export interface HttpTraffic {
  requests: number;
  errors: number;
  /** Requests per duration bucket of {@link HTTP_DURATION_BUCKETS}, then those slower than the last bound. */
  buckets: number[];
}
