import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EnvironmentVariables } from '../src/config/environment.js';
import { ALERT_RULES, ALERT_THRESHOLDS, MIN_READS_FOR_HIT_RATIO, MIN_REQUESTS_FOR_P95 } from '../src/monitoring/monitoring.constants.js';
import { insertRestaurant } from './support/fixtures.js';
import { redisForSuite } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ROOT = join(import.meta.dirname, '..');
const RULES_FILE = join(ROOT, 'deploy/prometheus/rules/tiffin.rules.yml');
const DASHBOARD_FILE = join(ROOT, 'deploy/grafana/dashboards/tiffin.json');

interface PrometheusRule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface DashboardPanel {
  title: string;
  targets?: { expr: string }[];
  panels?: DashboardPanel[];
}

/** Series Prometheus makes itself, never exported by the app. */
const PROMETHEUS_OWN = new Set(['up']);

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects: what is left once strings, label matchers, range
 * and grouping clauses and Grafana variables are removed, minus functions (a name before `(`),
 * keywords and numbers.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = [...bare.matchAll(/(?<![\w:.])[a-zA-Z_:][\w:]*(?![\w:]|\s*\()/g)].map((match) => match[0]);
  return [...new Set(names.filter((name) => !KEYWORDS.has(name.toLowerCase())))];
}

const rules: PrometheusRule[] = parse(readFileSync(RULES_FILE, 'utf8')).groups.flatMap((group: { rules: PrometheusRule[] }) => group.rules);
const dashboard: { panels: DashboardPanel[] } = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'));
const panels = (list: DashboardPanel[]): DashboardPanel[] => list.flatMap((panel) => [panel, ...panels(panel.panels ?? [])]);
const dashboardQueries = panels(dashboard.panels).flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
);
const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));

/** Every metric name the dashboard and the rules use, with where it is used. */
function usedNames(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const note = (expr: string, where: string) => {
    for (const name of metricNames(expr)) used.set(name, [...(used.get(name) ?? []), where]);
  };
  for (const rule of rules) note(rule.expr, `rule ${rule.record ?? rule.alert}`);
  for (const query of dashboardQueries) note(query.expr, `panel "${query.panel}"`);
  return used;
}

describe('metric names in PromQL', () => {
  it('finds the selected metrics, not functions, labels, keywords, variables or numbers', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{route!~"/health|a b"}[$__rate_interval]))) > 0.1 and on() tiffin:x:increase5m >= 20',
      ),
    ).toEqual(['http_request_duration_seconds_bucket', 'tiffin:x:increase5m']);
    expect(metricNames('100 * max(a_bytes) / (max(b_bytes) > 0) unless up{job="tiffin"} == 0')).toEqual(['a_bytes', 'b_bytes', 'up']);
  });

  it('the dashboard and the rules are not empty, and use only recording rules the rules file defines', () => {
    expect(dashboardQueries.length).toBeGreaterThan(20);
    expect(rules.filter((rule) => rule.alert).length).toBeGreaterThanOrEqual(6);
    const undefinedRecordings = [...usedNames().keys()].filter((name) => name.includes(':') && !recorded.has(name));
    expect(undefinedRecordings).toEqual([]);
  });
});

describe('Prometheus alert rules match the app’s own rules', () => {
  const alertFor = (rule: string, severity: string) =>
    rules.filter((candidate) => candidate.alert && candidate.labels?.rule === rule && candidate.labels?.severity === severity);

  it.each([
    [ALERT_RULES.hitRatio, ALERT_THRESHOLDS.hitRatioPercent, (threshold: number) => `< ${threshold}`],
    [ALERT_RULES.redisMemory, ALERT_THRESHOLDS.redisMemoryPercent, (threshold: number) => `> ${threshold}`],
    [ALERT_RULES.responseTime, ALERT_THRESHOLDS.p95ResponseMs, (threshold: number) => `> ${threshold / 1000}`],
  ])('%s: one alert per severity, at the app’s threshold', (rule, thresholds, comparison) => {
    for (const severity of ['warning', 'critical'] as const) {
      const [alert, ...others] = alertFor(rule, severity);
      expect(others).toEqual([]);
      expect(alert.annotations?.threshold).toBe(String(thresholds[severity]));
      expect(alert.expr).toContain(comparison(thresholds[severity]));
    }
  });

  it('judges the outbox backlog past the replay bound plus two replay intervals, at their defaults', () => {
    const defaults = new EnvironmentVariables();
    const seconds = defaults.CACHE_OUTBOX_REPLAY_AFTER_SECONDS + (2 * defaults.JOB_INTERVAL_OUTBOX_REPLAY_MS) / 1000;
    const [alert, ...others] = rules.filter((rule) => rule.alert === 'TiffinCacheOutboxBacklog');
    expect(others).toEqual([]);
    expect(alert.expr).toBe(`max(tiffin_cache_outbox_oldest_age_seconds) > ${seconds}`);
  });

  it('judges the hit ratio and p95 from the app’s minimum sample sizes', () => {
    for (const alert of [...alertFor(ALERT_RULES.hitRatio, 'warning'), ...alertFor(ALERT_RULES.hitRatio, 'critical')]) {
      expect(alert.expr).toContain(`tiffin:cache_reads:increase5m >= ${MIN_READS_FOR_HIT_RATIO}`);
    }
    for (const alert of [...alertFor(ALERT_RULES.responseTime, 'warning'), ...alertFor(ALERT_RULES.responseTime, 'critical')]) {
      expect(alert.expr).toContain(`tiffin:http_requests:increase5m >= ${MIN_REQUESTS_FOR_P95}`);
    }
  });
});

describe('docker compose --profile observability', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));

  it('adds Prometheus and Grafana with deploy/ mounted, scraping the app service', () => {
    for (const name of ['prometheus', 'grafana']) {
      const service = compose.services[name];
      expect(service.profiles).toEqual(['observability']);
      for (const volume of service.volumes as string[]) {
        const source = volume.split(':')[0];
        if (source.startsWith('./')) expect(existsSync(join(ROOT, source))).toBe(true);
      }
    }
    expect(compose.services.app.profiles).toBeUndefined();
    const prometheus = parse(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8'));
    const targets: string[] = prometheus.scrape_configs.flatMap((scrape: { static_configs: { targets: string[] }[] }) =>
      scrape.static_configs.flatMap((config) => config.targets),
    );
    expect(targets).toEqual([`app:${compose.services.app.environment.PORT}`]);
  });
});

const redisUrl = await redisForSuite('test/observability-config.e2e-spec.ts (Redis memory series)');
const describeWithRedis = redisUrl ? describe : describe.skip;

describeWithRedis('every metric the dashboard and the rules use is in /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Given Redis even without REDIS_URL (the suite found one at the default address): the Redis series need it.
    t = await startTestApp({ env: { REDIS_URL: redisUrl!, CACHE_PREFIX: `tiffin-observability-${process.pid}` } });
  });
  afterAll(() => t?.close());

  it('after a little traffic (a miss, a hit, a 404, a probe, a job run), each name has samples', async () => {
    const restaurantId = await insertRestaurant(t.db);
    expect((await t.admin.get(`/restaurants/${restaurantId}`)).status).toBe(200);
    expect((await t.admin.get(`/restaurants/${restaurantId}`)).headers.get('x-cache')).toMatch(/^HIT-L[12]$/);
    expect((await t.admin.get('/restaurants/999999')).status).toBe(404);
    expect((await t.admin.get('/health')).status).toBe(200);
    expect((await t.admin.post('/jobs/cleanup/run')).status).toBe(200);

    const text = (await t.admin.get('/metrics')).text;
    const exported = new Set(text.split('\n').flatMap((line) => /^[a-zA-Z_][\w]*(?=[{ ])/.exec(line) ?? []));
    const missing = [...usedNames()]
      .filter(([name]) => !name.includes(':') && !PROMETHEUS_OWN.has(name) && !exported.has(name))
      .map(([name, where]) => `${name} (${where.join(', ')})`);
    expect(missing).toEqual([]);
  });
});
