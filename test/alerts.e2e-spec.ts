import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALERT_RULES, ALERT_WEBHOOK, type AlertWebhookOptions } from '../src/monitoring/monitoring.constants.js';
import { WebhookReceiver } from './support/alert-webhook-receiver.js';
import { eventually, sleep } from './support/eventually.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const TOKEN = 'alerts-e2e-admin-token-0123456789';
const admin = { headers: { authorization: `Bearer ${TOKEN}` } };

interface RuleResult {
  rule: string;
  state: string;
  severity: string | null;
  value: number | null;
  threshold: number | null;
  action: string;
  alert_id: number | null;
  message: string;
}

describe('alerts', () => {
  const webhook = new WebhookReceiver();
  // The failures these tests ask for are the hit-ratio rule's calls; the other rules may fire meanwhile.
  webhook.failRule = ALERT_RULES.hitRatio;
  let t: TestApp;
  let nextSkip = 1;

  /** Reads of distinct, never-read keys: every one a MISS. */
  const missReads = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const response = await t.admin.get(`/restaurants/?skip=${nextSkip++}`);
      expect(response.headers.get('x-cache')).toBe('MISS');
    }
  };
  /** Reads of one key read before: every one a hit. */
  const hitReads = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const response = await t.admin.get('/restaurants/?skip=0');
      expect(response.headers.get('x-cache')).toMatch(/^HIT-L[12]$/);
    }
  };
  const evaluate = async (): Promise<RuleResult[]> => {
    const response = await t.admin.post('/alerts/evaluate', undefined, admin);
    expect(response.status).toBe(200);
    return response.body.rules;
  };
  const hitRatioOf = (rules: RuleResult[]) => rules.find((rule) => rule.rule === ALERT_RULES.hitRatio)!;
  const hitRatioAlerts = () => t.db.query(`SELECT * FROM alerts WHERE rule = $1 ORDER BY id`, [ALERT_RULES.hitRatio]);

  let firstAlertId: number;

  beforeAll(async () => {
    await webhook.start();
    t = await startTestApp({ env: { ADMIN_TOKEN: TOKEN } });
    Object.assign(t.app.get<AlertWebhookOptions>(ALERT_WEBHOOK), { url: webhook.url, retryDelaysMs: [20, 40, 80] });
    expect((await t.admin.get('/restaurants/?skip=0')).headers.get('x-cache')).toBe('MISS');
  });
  afterAll(async () => {
    await t?.close();
    await webhook.stop();
  });

  it('lists alerts for an admin only, and refuses every write without the token (401)', async () => {
    expect((await t.http.get('/alerts')).status).toBe(401);
    const list = await t.admin.get('/alerts');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([]);
    expect(list.headers.get('x-total-count')).toBe('0');
    for (const path of ['/alerts/evaluate', '/alerts/1/acknowledge', '/alerts/1/resolve']) {
      const anonymous = await t.http.post(path);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ status: 401, error: 'Unauthorized', path });
      expect((await t.http.post(path, undefined, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    }
    expect(await t.db.query('SELECT * FROM alerts')).toEqual([]);
  });

  it('opens a critical hit-ratio alert when reads miss, and POSTs it to the webhook', async () => {
    // The window holds the warm-up miss above and these 29: 0 hits of 30 reads.
    await missReads(29);
    const rules = await evaluate();
    expect(hitRatioOf(rules)).toEqual({
      rule: ALERT_RULES.hitRatio,
      state: 'breach',
      severity: 'critical',
      value: 0,
      threshold: 50,
      message: expect.stringMatching(/^Cache hit ratio 0% \(0 of 30 reads since .+\) is below 50%$/),
      action: 'opened',
      alert_id: expect.any(Number),
    });
    firstAlertId = hitRatioOf(rules).alert_id!;
    // Local Redis has no maxmemory (or there is no Redis): nothing to approach.
    expect(rules.find((rule) => rule.rule === ALERT_RULES.redisMemory)).toMatchObject({ state: 'clear', action: 'none' });
    expect(rules.find((rule) => rule.rule === ALERT_RULES.responseTime)!.value).toEqual(expect.any(Number));

    const open = await t.admin.get(`/alerts?status=open&severity=critical`);
    expect(open.body.filter((alert: { rule: string }) => alert.rule === ALERT_RULES.hitRatio)).toEqual([
      {
        id: firstAlertId,
        rule: ALERT_RULES.hitRatio,
        severity: 'critical',
        status: 'open',
        message: hitRatioOf(rules).message,
        value: 0,
        threshold: 50,
        opened_at: expect.any(String),
        last_seen_at: expect.any(String),
        acknowledged_at: null,
        resolved_at: null,
      },
    ]);
    await eventually('the alert.opened webhook call', () => webhook.callsFor('alert.opened', firstAlertId).length === 1, {
      intervalMs: 20,
    });
    expect(webhook.callsFor('alert.opened', firstAlertId)[0].body).toMatchObject({
      event: 'alert.opened',
      alert: { id: firstAlertId, rule: ALERT_RULES.hitRatio, status: 'open', severity: 'critical' },
      reason: hitRatioOf(rules).message,
    });
  });

  it('keeps one alert across repeated and concurrent evaluations while the condition holds', async () => {
    expect(hitRatioOf(await evaluate())).toMatchObject({ state: 'unknown', action: 'none', alert_id: null });
    await missReads(25);
    const both = await Promise.all([evaluate(), evaluate()]);
    expect(both.map((rules) => hitRatioOf(rules).action).sort()).toEqual(['none', 'updated']);
    const rows = await hitRatioAlerts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: firstAlertId, status: 'open', severity: 'critical', value: 0 });
    expect(rows[0].last_seen_at.getTime()).toBeGreaterThan(rows[0].opened_at.getTime());
    expect(webhook.callsFor('alert.opened', firstAlertId)).toHaveLength(1);
  });

  it('acknowledges an alert (again: unchanged); it stays acknowledged as its severity follows the measure', async () => {
    const acknowledged = await t.admin.post(`/alerts/${firstAlertId}/acknowledge`, undefined, admin);
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({
      id: firstAlertId,
      status: 'acknowledged',
      acknowledged_at: expect.any(String),
      resolved_at: null,
    });
    const again = await t.admin.post(`/alerts/${firstAlertId}/acknowledge`, undefined, admin);
    expect(again.body.acknowledged_at).toBe(acknowledged.body.acknowledged_at);

    // 20 hits of 30 reads: 66.67%, under 70% but not under 50%.
    await missReads(10);
    await hitReads(20);
    expect(hitRatioOf(await evaluate())).toMatchObject({
      state: 'breach',
      severity: 'warning',
      value: 66.67,
      threshold: 70,
      action: 'updated',
      alert_id: firstAlertId,
    });
    expect(await hitRatioAlerts()).toEqual([expect.objectContaining({ id: firstAlertId, status: 'acknowledged', severity: 'warning' })]);
  });

  it('resolves the alert when the hit ratio recovers, and POSTs the resolution', async () => {
    await hitReads(30);
    expect(hitRatioOf(await evaluate())).toMatchObject({ state: 'clear', value: 100, action: 'resolved', alert_id: firstAlertId });
    // This rule's alerts only: on a loaded machine the latency rule may open and resolve its own.
    const resolved = await t.admin.get('/alerts?status=resolved');
    expect(resolved.body.filter((alert: { rule: string }) => alert.rule === ALERT_RULES.hitRatio)).toEqual([
      expect.objectContaining({ id: firstAlertId, status: 'resolved', resolved_at: expect.any(String) }),
    ]);
    await eventually('the alert.resolved webhook call', () => webhook.callsFor('alert.resolved', firstAlertId).length === 1, {
      intervalMs: 20,
    });
    expect(webhook.callsFor('alert.resolved', firstAlertId)[0].body).toMatchObject({
      alert: { id: firstAlertId, status: 'resolved' },
      reason: expect.stringMatching(/^Cache hit ratio 100% \(30 of 30 reads/),
    });
    expect(hitRatioOf(await evaluate())).toMatchObject({ action: 'none' });
  });

  it('POSTs in the background: the evaluation answers while the webhook has not; retried with backoff until it succeeds', async () => {
    webhook.stalled = true;
    webhook.failNext = 2;
    await missReads(20);
    const opened = hitRatioOf(await evaluate());
    expect(opened).toMatchObject({ action: 'opened' });
    await eventually('the alert.opened webhook call', () => webhook.callsFor('alert.opened', opened.alert_id!).length === 1, {
      intervalMs: 20,
    });
    expect(webhook.callsFor('alert.opened', opened.alert_id!)[0].status).toBe(0);
    webhook.unstall();
    await eventually(
      'the alert.opened webhook call',
      () => webhook.callsFor('alert.opened', opened.alert_id!).some((call) => call.status === 204),
      { intervalMs: 20 },
    );
    expect(webhook.callsFor('alert.opened', opened.alert_id!).map((call) => call.status)).toEqual([500, 500, 204]);
  });

  it('resolves by hand (POSTed too; then 409), gives up on a webhook failing every attempt, 404s and 400s', async () => {
    const [open] = await t.admin
      .get('/alerts?status=open')
      .then((response) => response.body.filter((a: { rule: string }) => a.rule === ALERT_RULES.hitRatio));
    webhook.failNext = 100;
    const resolved = await t.admin.post(`/alerts/${open.id}/resolve`, undefined, admin);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ id: open.id, status: 'resolved', resolved_at: expect.any(String) });
    // One attempt and a retry after each of the 3 delays.
    await eventually('the alert.resolved webhook calls', () => webhook.callsFor('alert.resolved', open.id).length === 4, {
      intervalMs: 20,
    });
    // Time passing with nothing happening: no fifth attempt follows the last delay.
    await sleep(300);
    expect(webhook.callsFor('alert.resolved', open.id).map((call) => call.status)).toEqual([500, 500, 500, 500]);
    webhook.failNext = 0;

    const again = await t.admin.post(`/alerts/${open.id}/resolve`, undefined, admin);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`Alert ${open.id} is already resolved and cannot be resolved`);
    expect((await t.admin.post(`/alerts/${open.id}/acknowledge`, undefined, admin)).status).toBe(409);
    const unknown = await t.admin.post('/alerts/999999/resolve', undefined, admin);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('Alert 999999 not found');
    expect((await t.admin.post('/alerts/999999/acknowledge', undefined, admin)).status).toBe(404);
    expect((await t.admin.post('/alerts/abc/resolve', undefined, admin)).status).toBe(400);
    expect((await t.admin.post('/alerts/0/acknowledge', undefined, admin)).status).toBe(400);
  });

  it('lists newest first, filtered by status and severity, paginated with X-Total-Count; bad filters are 400s', async () => {
    const ids = (await hitRatioAlerts()).map((row: { id: number }) => row.id);
    const resolved = await t.admin.get('/alerts?status=resolved');
    const resolvedHitRatio = resolved.body.filter((alert: { rule: string }) => alert.rule === ALERT_RULES.hitRatio);
    expect(resolvedHitRatio.map((alert: { id: number }) => alert.id)).toEqual([...ids].reverse());

    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM alerts WHERE status = 'resolved'`);
    const first = await t.admin.get('/alerts?status=resolved&limit=1');
    expect(first.body).toHaveLength(1);
    expect(first.headers.get('x-total-count')).toBe(String(count));
    const second = await t.admin.get('/alerts?status=resolved&skip=1&limit=1');
    expect(second.body[0].id).toBe(resolved.body[1].id);

    const critical = await t.admin.get('/alerts?severity=critical');
    expect(critical.body.every((alert: { severity: string }) => alert.severity === 'critical')).toBe(true);
    expect(critical.body.map((alert: { id: number }) => alert.id)).toContain(ids.at(-1));

    for (const query of ['status=closed', 'severity=loud', 'limit=1000', 'skip=-1', 'rule=x']) {
      const response = await t.admin.get(`/alerts?${query}`);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: query.split('=')[0] })]);
    }
  });

  it('documents the alert routes as admin-only, with the bearer scheme', async () => {
    const paths = (await t.admin.get('/docs-json')).body.paths;
    expect(paths['/alerts'].get.responses).toHaveProperty('400');
    expect(paths['/alerts'].get.security).toEqual([{ bearer: [] }]);
    for (const path of ['/alerts/evaluate', '/alerts/{id}/acknowledge', '/alerts/{id}/resolve']) {
      expect(paths[path].post.security).toEqual([{ bearer: [] }]);
      expect(paths[path].post.responses).toHaveProperty('401');
    }
    expect(paths['/alerts/{id}/resolve'].post.responses).toHaveProperty('409');
  });
});
