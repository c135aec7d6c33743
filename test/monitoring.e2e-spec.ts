import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CacheMetrics } from '../src/cache/cache-metrics.js';
import { hitRatioOf } from '../src/cache/hit-ratio.js';
import { TieredCache } from '../src/cache/tiered-cache.js';
import { eventually } from './support/eventually.js';
import { insertRestaurant } from './support/fixtures.js';
import { redisForSuite } from './support/services.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The value of one sample line of the exposition, e.g. sample(text, 'x_total', { namespace: 'a' }). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('health and metrics', () => {
  let t: TestApp;
  let restaurantId: number;
  beforeAll(async () => {
    t = await startTestApp();
    restaurantId = await insertRestaurant(t.db);
  });
  afterAll(() => t.close());

  it('answers GET /health with a constant body', async () => {
    const response = await t.admin.get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('is ready while Postgres (and Redis, when configured) answer', async () => {
    const response = await t.admin.get('/health/ready');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.details.database).toEqual({ status: 'up', responseTime: expect.any(Number) });
    expect(response.body.error).toEqual({});
    if (process.env.REDIS_URL) expect(response.body.details.redis).toEqual({ status: 'up', responseTime: expect.any(Number) });
    else expect(response.body.details.redis).toBeUndefined();
  });

  it('exposes the HTTP histogram by route pattern and status, never the raw URL, and not its own scrapes', async () => {
    for (let i = 0; i < 3; i++) expect((await t.admin.get(`/restaurants/${restaurantId}`)).status).toBe(200);
    expect((await t.admin.get('/restaurants/999999')).status).toBe(404);
    expect((await t.admin.get('/no-such-route/abc123')).status).toBe(404);
    await t.admin.get('/metrics');

    const response = await t.admin.get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = response.text;
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/restaurants/:id', status: '200' })).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/restaurants/:id', status: '404' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_bucket', { route: '/restaurants/:id', status: '200', le: '+Inf' })).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(text).not.toContain(`route="/restaurants/${restaurantId}"`);
    expect(text).not.toContain('abc123');
    expect(text).not.toContain('route="/metrics"');
  });

  it('exposes the cache counters by namespace and tier exactly as the cache counted them, and L1 size', async () => {
    const hits = (text: string) =>
      (sample(text, 'tiffin_cache_hits_total', { namespace: 'restaurants', tier: 'l1' }) ?? 0) +
      (sample(text, 'tiffin_cache_hits_total', { namespace: 'restaurants', tier: 'l2' }) ?? 0);
    const before = (await t.admin.get('/metrics')).text;
    const outcomes: string[] = [];
    for (let skip = 100; skip < 104; skip++) {
      for (let repeat = 0; repeat < 3; repeat++) {
        const response = await t.admin.get(`/restaurants/?skip=${skip}`);
        expect(response.status).toBe(200);
        outcomes.push(response.headers.get('x-cache')!);
      }
    }
    expect(outcomes.filter((outcome) => outcome === 'MISS')).toHaveLength(4);
    expect(outcomes.filter((outcome) => outcome.startsWith('HIT-'))).toHaveLength(8);

    const text = (await t.admin.get('/metrics')).text;
    expect(
      sample(text, 'tiffin_cache_misses_total', { namespace: 'restaurants' })! -
        sample(before, 'tiffin_cache_misses_total', { namespace: 'restaurants' })!,
    ).toBe(4);
    expect(hits(text) - hits(before)).toBe(8);
    const counted = t.app.get(CacheMetrics).of('restaurants');
    expect(sample(text, 'tiffin_cache_hits_total', { namespace: 'restaurants', tier: 'l1' })).toBe(counted.hits_l1);
    expect(sample(text, 'tiffin_cache_hits_total', { namespace: 'restaurants', tier: 'l2' })).toBe(counted.hits_l2);
    expect(sample(text, 'tiffin_cache_misses_total', { namespace: 'restaurants' })).toBe(counted.misses);
    expect(sample(text, 'tiffin_cache_sets_total', { namespace: 'restaurants' })).toBe(counted.sets);
    expect(sample(text, 'tiffin_cache_load_seconds_total', { namespace: 'restaurants' })).toBeCloseTo(counted.load_time_ms / 1000, 6);
    expect(sample(text, 'tiffin_cache_misses_total', { namespace: 'orders' })).toBe(0);
    expect(sample(text, 'tiffin_cache_hit_ratio', { namespace: 'restaurants' })).toBe(hitRatioOf(counted));
    const overall = (await t.admin.get('/cache/metrics/hit-ratio')).body.namespaces.find(
      (row: { namespace: string }) => row.namespace === 'restaurants',
    );
    expect(overall.hit_ratio).toBeCloseTo(hitRatioOf(counted)!, 4);

    const l1 = t.app.get(TieredCache).l1;
    expect(l1.size).toBeGreaterThan(0);
    expect(sample(text, 'tiffin_cache_l1_entries')).toBe(l1.size);
    expect(sample(text, 'tiffin_cache_l1_bytes')).toBe(l1.bytes);
  });

  it('exposes dependency round trips measured at scrape time, and the process metrics', async () => {
    const text = (await t.admin.get('/metrics')).text;
    expect(sample(text, 'tiffin_dependency_up', { dependency: 'postgres' })).toBe(1);
    expect(sample(text, 'tiffin_dependency_round_trip_seconds', { dependency: 'postgres' })).toBeGreaterThan(0);
    if (process.env.REDIS_URL) {
      expect(sample(text, 'tiffin_dependency_up', { dependency: 'redis' })).toBe(1);
      expect(sample(text, 'tiffin_dependency_round_trip_seconds', { dependency: 'redis' })).toBeGreaterThan(0);
    } else {
      expect(sample(text, 'tiffin_dependency_up', { dependency: 'redis' })).toBeUndefined();
    }
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('exposes the unresolved alerts by rule and severity, Redis memory and job runs', async () => {
    const before = (await t.admin.get('/metrics')).text;
    for (const rule of ['cache_hit_ratio', 'redis_memory', 'http_p95_response_time']) {
      for (const severity of ['warning', 'critical']) expect(sample(before, 'tiffin_alerts_unresolved', { rule, severity })).toBe(0);
    }
    await t.db.query(
      `INSERT INTO alerts (rule, severity, status, message, value, threshold) VALUES ('redis_memory', 'warning', 'acknowledged', 'test', 85, 80)`,
    );
    const runsBefore = (outcome: string) => sample(before, 'tiffin_job_runs_total', { job_name: 'cleanup', outcome })!;
    const run = await t.admin.post('/jobs/cleanup/run');
    expect(run.status).toBe(200);
    const outcome: string = run.body.outcome;
    const other = outcome === 'succeeded' ? 'failed' : 'succeeded';

    const text = (await t.admin.get('/metrics')).text;
    expect(sample(text, 'tiffin_alerts_unresolved', { rule: 'redis_memory', severity: 'warning' })).toBe(1);
    expect(sample(text, 'tiffin_alerts_unresolved', { rule: 'redis_memory', severity: 'critical' })).toBe(0);
    expect(sample(text, 'tiffin_job_runs_total', { job_name: 'cleanup', outcome })).toBe(runsBefore(outcome) + 1);
    expect(sample(text, 'tiffin_job_runs_total', { job_name: 'cleanup', outcome: other })).toBe(runsBefore(other));
    if (process.env.REDIS_URL) {
      expect(sample(text, 'tiffin_redis_memory_used_bytes')).toBeGreaterThan(0);
      expect(sample(text, 'tiffin_redis_maxmemory_bytes')).toBeGreaterThanOrEqual(0);
    } else {
      expect(sample(text, 'tiffin_redis_memory_used_bytes')).toBeUndefined();
    }
  });

  it('exposes the cache invalidation outbox backlog: a pending row is counted with its age, and an empty outbox reads 0', async () => {
    // An event type no version applies, so a replay run meanwhile leaves the row where it is.
    const started = performance.now();
    await t.db.query(
      `INSERT INTO cache_invalidation_outbox (event, created_at) VALUES ('{"type": "metrics.test"}', now() - interval '90 seconds')`,
    );
    const pending = (await t.admin.get('/metrics')).text;
    const elapsedSeconds = (performance.now() - started) / 1000;
    const [{ rows }]: { rows: number }[] = await t.db.query('SELECT count(*)::int AS rows FROM cache_invalidation_outbox');
    expect(rows).toBe(1);
    expect(sample(pending, 'tiffin_cache_outbox_rows')).toBe(1);
    const age = sample(pending, 'tiffin_cache_outbox_oldest_age_seconds')!;
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThanOrEqual(90 + elapsedSeconds);

    await t.db.query(`DELETE FROM cache_invalidation_outbox WHERE event ->> 'type' = 'metrics.test'`);
    const empty = (await t.admin.get('/metrics')).text;
    expect(sample(empty, 'tiffin_cache_outbox_rows')).toBe(0);
    expect(sample(empty, 'tiffin_cache_outbox_oldest_age_seconds')).toBe(0);
  });

  it('documents /health, /health/ready and /metrics', async () => {
    const paths = (await t.admin.get('/docs-json')).body.paths;
    expect(paths['/health/ready'].get.responses).toHaveProperty('503');
    expect(paths['/metrics'].get.summary).toContain('Prometheus');
    expect(paths['/health'].get.responses).toHaveProperty('200');
  });
});

const redisUrl = await redisForSuite('test/monitoring.e2e-spec.ts (readiness while Redis is down)');
const describeWithRedis = redisUrl ? describe : describe.skip;

describeWithRedis('readiness while Redis is unreachable', () => {
  const proxy = new TcpProxy(
    new URL(redisUrl ?? 'redis://127.0.0.1:6379').hostname,
    Number(new URL(redisUrl ?? 'redis://127.0.0.1:6379').port) || 6379,
  );
  let t: TestApp;
  beforeAll(async () => {
    await proxy.start();
    t = await startTestApp({ env: { REDIS_URL: proxy.url, CACHE_PREFIX: `tiffin-monitoring-${process.pid}` } });
    await eventually('readiness to report 200', async () => (await t.admin.get('/health/ready')).status === 200, {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
  });
  afterAll(async () => {
    await t?.close();
    await proxy.stop();
  });

  it('answers 503 naming Redis as down while it is cut, liveness stays 200, and recovers when it is back', async () => {
    proxy.cut();
    const down = await t.admin.get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error.redis).toEqual({ status: 'down', responseTime: expect.any(Number), message: expect.any(String) });
    expect(down.body.details.database.status).toBe('up');
    expect(down.body.info.database.status).toBe('up');
    // Anyone else sees the state and a short reason, no driver message (hosts, ports).
    const anonymous = await t.http.get('/health/ready');
    expect(anonymous.status).toBe(503);
    expect(anonymous.body.error.redis).toEqual({
      status: 'down',
      responseTime: expect.any(Number),
      message: expect.stringMatching(/^(timeout|unavailable)$/),
    });
    expect(anonymous.body.details.redis).toEqual(anonymous.body.error.redis);
    expect(anonymous.text).not.toContain('127.0.0.1');
    expect((await t.admin.get('/health')).status).toBe(200);

    const metrics = (await t.admin.get('/metrics')).text;
    expect(sample(metrics, 'tiffin_dependency_up', { dependency: 'redis' })).toBe(0);
    expect(sample(metrics, 'tiffin_dependency_round_trip_seconds', { dependency: 'redis' })).toBeUndefined();
    expect(sample(metrics, 'tiffin_dependency_up', { dependency: 'postgres' })).toBe(1);
    // Absent, not 0: an unanswered INFO says nothing about Redis's memory.
    expect(sample(metrics, 'tiffin_redis_memory_used_bytes')).toBeUndefined();
    expect(sample(metrics, 'tiffin_redis_maxmemory_bytes')).toBeUndefined();

    await proxy.restore();
    await eventually('readiness to report 200 once Redis is back', async () => (await t.admin.get('/health/ready')).status === 200, {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    expect((await t.admin.get('/health/ready')).body.details.redis.status).toBe('up');
  });
});
