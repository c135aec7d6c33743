import type { Metric, Registry } from 'prom-client';

type SeriesLabels = { method: string; route: string; status: number };

/** One series: requests per bucket (not cumulative; the last counts those above the highest bound), their sum and count. */
export interface DurationSeries {
  readonly labels: Readonly<SeriesLabels>;
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** A sample as prom-client's Registry formats it (`metricName{labels} value`). */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A Prometheus histogram of request durations by method, route pattern and status. Every request
 * observes into it, so observing is three Map lookups and a few additions: prom-client's Histogram
 * checks the labels object against its label names and hashes it into a string on every observe
 * (0.4-0.7 µs against 16 ns here, measured in a loop over four routes on Node 20). prom-client's
 * Registry still writes it out: it reads `name`, `help`, `type` and the samples of `get()` from
 * any metric it holds, and calls `reset()`.
 */
export class HttpDurationHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** route → method → status → series. */
  private readonly byRoute = new Map<string, Map<string, Map<number, DurationSeries>>>();

  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds in seconds, ascending. */
    readonly bounds: readonly number[],
    registry: Registry,
  ) {
    // prom-client's types list its own four metric classes; its Registry needs only what this class has.
    registry.registerMetric(this as unknown as Metric);
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.byRoute.get(route);
    if (byMethod === undefined) this.byRoute.set(route, (byMethod = new Map<string, Map<number, DurationSeries>>()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map<number, DurationSeries>()));
    let series = byStatus.get(status);
    if (series === undefined) {
      series = { labels: { method, route, status }, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      byStatus.set(status, series);
    }
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]) bucket++;
    series.counts[bucket]++;
    series.sum += seconds;
    series.count++;
  }

  *series(): IterableIterator<DurationSeries> {
    for (const byMethod of this.byRoute.values()) for (const byStatus of byMethod.values()) yield* byStatus.values();
  }

  /** The samples in Prometheus' layout: per series its cumulative buckets (`le`, then +Inf), sum and count. */
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    for (const { labels, counts, sum, count } of this.series()) {
      let cumulative = 0;
      for (let index = 0; index < this.bounds.length; index++) {
        cumulative += counts[index];
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: this.bounds[index] }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels: { ...labels }, value: sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...labels }, value: count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  reset(): void {
    this.byRoute.clear();
  }
}
