import { describe, expect, it } from '@jest/globals';
import { Histogram, Registry } from 'prom-client';
import { HttpDurationHistogram } from './http-duration-histogram.js';

const BOUNDS = [0.005, 0.01, 0.1, 1];

/** `name{labels sorted} value` per line of an exposition, sorted, without HELP and TYPE. */
function samples(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
      if (!match) throw new Error(`unexpected line ${line}`);
      const labels = match[2].split(',').sort().join(',');
      return `${match[1]}{${labels}} ${match[3]}`;
    })
    .sort();
}

const OBSERVATIONS: [string, string, number, number][] = [
  ['GET', '/restaurants/:id', 200, 0.001],
  ['GET', '/restaurants/:id', 200, 0.005],
  ['GET', '/restaurants/:id', 200, 0.0051],
  ['GET', '/restaurants/:id', 404, 0.02],
  ['POST', '/restaurants/:id', 201, 0.3],
  ['GET', '/orders/:id', 200, 7],
];

describe('HttpDurationHistogram', () => {
  it('writes out the same samples as prom-client’s Histogram fed the same observations', async () => {
    const ours = new Registry();
    const histogram = new HttpDurationHistogram('http_request_duration_seconds', 'help', BOUNDS, ours);
    const theirs = new Registry();
    const reference = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'help',
      labelNames: ['method', 'route', 'status'],
      buckets: BOUNDS,
      registers: [theirs],
    });
    for (const [method, route, status, seconds] of OBSERVATIONS) {
      histogram.observe(method, route, status, seconds);
      reference.observe({ method, route, status }, seconds);
    }

    const text = await ours.metrics();
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(samples(text)).toEqual(samples(await theirs.metrics()));
    // A bound holds the durations equal to it, as Prometheus' `le` says.
    expect(text).toContain('http_request_duration_seconds_bucket{method="GET",route="/restaurants/:id",status="200",le="0.005"} 2');
  });

  it('counts per bucket, not cumulatively, with the last bucket above the highest bound', () => {
    const histogram = new HttpDurationHistogram('h', 'help', BOUNDS, new Registry());
    for (const [method, route, status, seconds] of OBSERVATIONS) histogram.observe(method, route, status, seconds);

    const series = [...histogram.series()];
    expect(series).toHaveLength(4);
    const ok = series.find(({ labels }) => labels.route === '/restaurants/:id' && labels.status === 200);
    expect(Array.from(ok?.counts ?? [])).toEqual([2, 1, 0, 0, 0]);
    expect(ok?.count).toBe(3);
    expect(ok?.sum).toBeCloseTo(0.0111, 10);
    expect(Array.from(series.find(({ labels }) => labels.route === '/orders/:id')?.counts ?? [])).toEqual([0, 0, 0, 0, 1]);
  });

  it('starts again from nothing when the registry resets its metrics', async () => {
    const registry = new Registry();
    const histogram = new HttpDurationHistogram('h', 'help', BOUNDS, registry);
    histogram.observe('GET', '/health', 200, 0.001);
    registry.resetMetrics();
    expect([...histogram.series()]).toEqual([]);
    expect(samples(await registry.metrics())).toEqual([]);
  });
});
