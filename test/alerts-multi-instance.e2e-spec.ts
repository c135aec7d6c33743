import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALERT_RULES, ALERT_WEBHOOK, type AlertWebhookOptions } from '../src/monitoring/monitoring.constants.js';
import { WebhookReceiver } from './support/alert-webhook-receiver.js';
import { servicesForMultiInstanceSuite } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { eventually } from './support/eventually.js';

const redisUrl = await servicesForMultiInstanceSuite('test/alerts-multi-instance.e2e-spec.ts');
const describeWithServices = redisUrl ? describe : describe.skip;

const TOKEN = 'alerts-multi-admin-token-0123456789';
const admin = { headers: { authorization: `Bearer ${TOKEN}` } };
const ROUNDS = 5;

describeWithServices('alerts evaluated by two instances at once', () => {
  const webhook = new WebhookReceiver();
  let a: TestApp;
  let b: TestApp;
  let nextSkip = 1;

  const missReads = async (app: TestApp, count: number) => {
    for (let i = 0; i < count; i++) expect((await app.admin.get(`/restaurants/?skip=${nextSkip++}`)).headers.get('x-cache')).toBe('MISS');
  };
  const hitRatioAction = async (app: TestApp) => {
    const response = await app.admin.post('/alerts/evaluate', undefined, admin);
    expect(response.status).toBe(200);
    return response.body.rules.find((rule: { rule: string }) => rule.rule === ALERT_RULES.hitRatio) as { action: string; alert_id: number };
  };

  beforeAll(async () => {
    await webhook.start();
    // Each instance under its own cache prefix: both see every read as a miss.
    a = await startTestApp({ env: { ADMIN_TOKEN: TOKEN } });
    b = await startTestApp({ env: { ADMIN_TOKEN: TOKEN }, database: a.database });
    for (const app of [a, b]) Object.assign(app.app.get<AlertWebhookOptions>(ALERT_WEBHOOK), { url: webhook.url, retryDelaysMs: [20] });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await webhook.stop();
  });

  it('opens the alert exactly once per episode when both find the breach at the same moment', async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      await Promise.all([missReads(a, 20), missReads(b, 20)]);
      const actions = await Promise.all([hitRatioAction(a), hitRatioAction(b)]);
      expect(actions.map((result) => result.action).sort()).toEqual(['opened', 'updated']);
      expect(actions[0].alert_id).toBe(actions[1].alert_id);
      const unresolved = await a.db.query(`SELECT id FROM alerts WHERE rule = $1 AND status <> 'resolved'`, [ALERT_RULES.hitRatio]);
      expect(unresolved).toEqual([{ id: actions[0].alert_id }]);
      expect((await a.admin.post(`/alerts/${actions[0].alert_id}/resolve`, undefined, admin)).status).toBe(200);
    }
    expect(await a.db.query(`SELECT count(*)::int AS count FROM alerts WHERE rule = $1`, [ALERT_RULES.hitRatio])).toEqual([
      { count: ROUNDS },
    ]);
    // Only this rule's notices: on a loaded machine the latency rule may open alerts of its own.
    const openedNotices = () =>
      webhook.calls.filter((call) => call.body.event === 'alert.opened' && call.body.alert.rule === ALERT_RULES.hitRatio);
    await eventually(`${ROUNDS} alert.opened notices`, () => openedNotices().length >= ROUNDS, { intervalMs: 20 });
    expect(openedNotices()).toHaveLength(ROUNDS);
  });
});
