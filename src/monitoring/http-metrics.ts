import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { HTTP_DURATION_BUCKETS } from './monitoring.constants.js';
import { routeOf } from '../common/http/route-paths.js';
import { HttpDurationHistogram } from './http-duration-histogram.js';

export const METRICS_ROUTE = '/metrics';

/** Orchestrator probes: in the histogram, but not user traffic, so not in the p95 the alert judges. */
export const PROBE_ROUTES: ReadonlySet<string> = new Set(['/health', '/health/ready']);

/** Requests that matched no route share one label value, so unknown URLs cannot multiply series. */
const UNMATCHED = 'unmatched';

/**
 * The HTTP duration histogram, by method, route pattern (never the raw URL) and status, fed by a
 * Fastify onResponse hook and by answers given before routing. Scrapes of /metrics are not counted. On the hot path: one observe.
 */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  private readonly histogram: HttpDurationHistogram;

  constructor(
    registry: Registry,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.histogram = new HttpDurationHistogram(
      'http_request_duration_seconds',
      'HTTP request duration in seconds, by method, route pattern and status',
      HTTP_DURATION_BUCKETS,
      registry,
    );
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = routeOf(request) ?? UNMATCHED;
      if (route !== METRICS_ROUTE) this.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
    fastify.preRouting.observe(({ request, route, status, durationMs }) =>
      this.observe(request.method ?? 'GET', route, status, durationMs / 1000),
    );
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    this.histogram.observe(method, route, status, seconds);
  }

  /** Cumulative counts per bucket bound (seconds, ending with +Inf), summed over every series but the probes'. */
  bucketTotals(): { le: number; count: number }[] {
    const { buckets } = this.traffic(new Set());
    let cumulative = 0;
    return HTTP_DURATION_BUCKETS.concat(Number.POSITIVE_INFINITY).map((le, index) => ({ le, count: (cumulative += buckets[index]) }));
  }

  /**
   * Requests so far, those answered 5xx, and the count per bucket (not cumulative; the last is
   * above the highest bound), over every series but the probes' and the `excluded` routes'.
   */
  traffic(excluded: ReadonlySet<string>): HttpTraffic {
    const buckets = new Array<number>(HTTP_DURATION_BUCKETS.length + 1).fill(0);
    let requests = 0;
    let errors = 0;
    for (const { labels, counts, count } of this.histogram.series()) {
      if (PROBE_ROUTES.has(labels.route) || excluded.has(labels.route)) continue;
      requests += count;
      if (labels.status >= 500) errors += count;
      counts.forEach((inBucket, index) => (buckets[index] += inBucket));
    }
    return { requests, errors, buckets };
  }
}

export interface HttpTraffic {
  requests: number;
  errors: number;
  /** Requests per duration bucket of {@link HTTP_DURATION_BUCKETS}, then those slower than the last bound. */
  buckets: number[];
}
