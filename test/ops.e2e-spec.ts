import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JOB_NAMES } from '../src/jobs/job-schedule.js';
import { createAccount, registerCustomer } from './support/accounts.js';
import { insertCustomer, insertMenuItem, insertRestaurant } from './support/fixtures.js';
import { SseClient, type SseEvent } from './realtime-support.js';
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from './support/test-app.js';

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/** Waits for the first event from `from` on that satisfies `check`. */
async function eventWhere(stream: SseClient, check: (event: SseEvent) => boolean, timeoutMs = 10_000, from = 1): Promise<SseEvent> {
  const deadline = Date.now() + timeoutMs;
  for (let index = from; ; index++) {
    const event = await stream.next(index, Math.max(deadline - Date.now(), 1));
    if (check(event)) return event;
  }
}

const sumRequests = (points: { requests: number }[]) => points.reduce((sum, point) => sum + point.requests, 0);

describe('operations page', () => {
  let t: TestApp;
  let restaurant: number;
  let dish: number;
  let customer: number;

  beforeAll(async () => {
    t = await startTestApp();
    restaurant = await insertRestaurant(t.db, { name: 'Ops Diner' });
    dish = await insertMenuItem(t.db, restaurant, { price: '9.50' });
    customer = await insertCustomer(t.db);
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('static files', () => {
    it('serves the page under the API security headers, with no inline script or style', async () => {
      const page = await t.http.get('/ops/');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.text).toContain('<script src="/ops/ops.js" type="module"></script>');
      // Every script element loads a file; no element carries a style attribute or a style element.
      expect(page.text.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
      expect(page.text).not.toMatch(/\sstyle=|<style/);
      expect((await t.http.get('/ops')).status).toBe(200);
    });

    it('serves its script, stylesheet and the charting library, and nothing else of that package', async () => {
      for (const [path, type] of [
        ['/ops/ops.js', /javascript/],
        ['/ops/ops.css', /text\/css/],
        ['/ops/vendor/uPlot.iife.min.js', /javascript/],
        ['/ops/vendor/uPlot.min.css', /text\/css/],
      ] as const) {
        const response = await t.http.get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
        expect(response.headers.get('content-type')).toMatch(type);
      }
      expect((await t.http.get('/ops/vendor/uPlot.esm.js')).status).toBe(404);
      expect((await t.http.get('/ops/vendor/../package.json')).status).toBe(404);
    });
  });

  describe('GET /ops/stream', () => {
    it('is for admins only', async () => {
      const anonymous = await SseClient.open(`${t.http.baseUrl}/ops/stream`);
      expect(anonymous.status).toBe(401);
      const signedIn = await registerCustomer(t);
      const customerStream = await SseClient.open(`${t.http.baseUrl}/ops/stream`, {
        authorization: `Bearer ${signedIn.tokens.access_token}`,
      });
      expect(customerStream.status).toBe(403);
    });

    it('sends the history, then a snapshot a second with the same jobs, orders and alerts as the JSON routes', async () => {
      const account = await createAccount(t, 'admin');
      const placed = await t.admin.post(`/orders/customers/${customer}/orders/`, {
        restaurant_id: restaurant,
        delivery_address: '1 Stream St',
        order_items: [{ menu_item_id: dish, quantity: 2 }],
      });
      expect(placed.status).toBe(201);
      await t.db.query(
        `INSERT INTO alerts (rule, severity, status, message, value, threshold) VALUES ('http_p95_response_time', 'warning', 'open', 'p95 high', 900, 500)`,
      );
      const stream = await SseClient.open(`${t.http.baseUrl}/ops/stream`, { authorization: `Bearer ${account.tokens.access_token}` });
      try {
        expect(stream.status).toBe(200);
        const history = await stream.next(1);
        expect(history.type).toBe('history');
        expect(history.data).toMatchObject({ instance: expect.any(String), instances: expect.any(Array), total: expect.any(Array) });
        const first = await stream.next(2);
        const second = await stream.next(3);
        expect([first.type, second.type]).toEqual(['snapshot', 'snapshot']);
        const gap = Date.parse(second.data.at) - Date.parse(first.data.at);
        expect(gap).toBeGreaterThanOrEqual(800);
        expect(gap).toBeLessThan(3000);

        const snapshot = second.data;
        expect(snapshot.viewers).toBe(1);
        const jobs = await t.admin.get('/jobs');
        expect(snapshot.jobs.map((job: { name: string }) => job.name)).toEqual([...JOB_NAMES]);
        expect(snapshot.jobs.map((job: { interval_ms: number }) => job.interval_ms)).toEqual(
          jobs.body.map((job: { interval_ms: number }) => job.interval_ms),
        );
        expect(snapshot.live_orders).toEqual((await t.admin.get('/realtime/live-orders')).body);
        expect(snapshot.live_orders.flatMap((group: { orders: { id: number }[] }) => group.orders.map((order) => order.id))).toContain(
          placed.body.id,
        );
        expect(snapshot.alerts.items[0]).toMatchObject({ rule: 'http_p95_response_time', status: 'open' });
        expect(snapshot.alerts.items).toEqual((await t.admin.get('/alerts?limit=100')).body);
        const namespaces = (await t.admin.get('/cache/stats/namespaces')).body.namespaces;
        expect(snapshot.cache.namespaces.map((row: { namespace: string }) => row.namespace)).toEqual(
          namespaces.map((row: { namespace: string }) => row.namespace),
        );
      } finally {
        stream.close();
      }
    });

    it("sends events whose data match the document's schema for each event, every section filled", async () => {
      const contract = t.http.contract!;
      // Something in every section: a job run, a cache audit record (a namespace cleared), an open alert and a live order (above).
      expect((await t.admin.post('/jobs/health-monitor/run')).status).toBe(200);
      expect((await t.admin.delete('/cache/clear/restaurants')).status).toBe(200);
      const stream = await SseClient.open(`${t.http.baseUrl}/ops/stream`, admin);
      try {
        await stream.next(3);
        const envelope = (contract.document.paths['/ops/stream'].get as any).responses['200'].content['text/event-stream'].schema;
        const dataSchema: Record<string, string> = { history: 'OpsHistoryEventData', snapshot: 'OpsSnapshotEventData' };
        for (const [index, event] of stream.events.entries()) {
          const where = `${event.type}[${index}]`;
          expect(contract.schemaProblems({ $ref: `#/components/schemas/${dataSchema[event.type]}` }, event.data, where)).toEqual([]);
          expect(contract.schemaProblems(envelope, { event: event.type, data: event.data }, where)).toEqual([]);
        }
        const snapshot = stream.events[2].data;
        expect([
          snapshot.cache.error,
          snapshot.jobs.error,
          snapshot.alerts.error,
          snapshot.live_orders.error,
          snapshot.audit.error,
        ]).toEqual([undefined, undefined, undefined, undefined, undefined]);
        expect(snapshot.jobs.find((job: { name: string }) => job.name === 'health-monitor').last_run.job).toBe('health-monitor');
        expect(snapshot.audit.length).toBeGreaterThan(0);
        expect(stream.events[0].data.total.length).toBeGreaterThan(0);
        // A property the document does not list, or one missing, is refused.
        const snapshotSchema = { $ref: '#/components/schemas/OpsSnapshotEventData' };
        expect(contract.schemaProblems(snapshotSchema, { ...snapshot, unlisted: 1 }, 'snapshot')).not.toEqual([]);
        expect(contract.schemaProblems(snapshotSchema, { ...snapshot, cache: { ...snapshot.cache, l1: {} } }, 'snapshot')).not.toEqual([]);
        const [point] = stream.events[0].data.total;
        const history = { ...stream.events[0].data, total: [{ ...point, unlisted: 1 }] };
        expect(contract.schemaProblems({ $ref: '#/components/schemas/OpsHistoryEventData' }, history, 'history')).not.toEqual([]);
      } finally {
        stream.close();
      }
    });

    it('counts the requests this instance serves, and not the stream itself, in the overview points', async () => {
      const stream = await SseClient.open(`${t.http.baseUrl}/ops/stream`, admin);
      try {
        // Three snapshots (two seconds) without a request: what the earlier tests asked is in earlier samples.
        await stream.next(4);
        const before = Date.now();
        for (let i = 0; i < 30; i++) expect((await t.http.get(`/restaurants/${restaurant}`)).status).toBe(200);
        const fromSecond = Math.floor(before / 1000);
        const seen = new Map<number, number>();
        await eventWhere(stream, (event) => {
          if (event.type !== 'snapshot') return false;
          for (const point of event.data.overview.total) if (point.t >= fromSecond) seen.set(point.t, point.requests);
          return sumRequests([...seen.values()].map((requests) => ({ requests }))) >= 30;
        });
        expect(sumRequests([...seen.values()].map((requests) => ({ requests })))).toBe(30);
        const latest = stream.events.filter((event) => event.type === 'snapshot').at(-1)!.data;
        const busy = latest.overview.total.find((point: { t: number; requests: number }) => point.t >= fromSecond && point.requests > 0);
        expect(busy).toBeDefined();
        // 29 of the 30 reads of one restaurant hit the cache (the first one loads it).
        const served = latest.overview.total.filter((point: { t: number }) => point.t >= fromSecond);
        expect(served.every((point: { error_rate: number | null }) => point.error_rate === null || point.error_rate === 0)).toBe(true);
        expect(served.some((point: { p95_ms: number | null }) => point.p95_ms !== null && point.p95_ms > 0)).toBe(true);
        expect(served.some((point: { hit_ratio: number | null }) => point.hit_ratio !== null && point.hit_ratio > 0.5)).toBe(true);
      } finally {
        stream.close();
      }
    });
  });

  (process.env.REDIS_URL ? describe : describe.skip)('with two instances sharing Redis', () => {
    let other: TestApp;

    beforeAll(async () => {
      const prefix = t.app.get((await import('../src/config/app-config.js')).AppConfig).cache.prefix;
      other = await startTestApp({ database: t.database, env: { REDIS_URL: process.env.REDIS_URL!, CACHE_PREFIX: prefix } });
    });

    afterAll(async () => {
      await other?.close();
    });

    it("shows each instance's traffic and their total on either instance", async () => {
      const stream = await SseClient.open(`${t.http.baseUrl}/ops/stream`, admin);
      try {
        await stream.next(2);
        const fromSecond = Math.floor(Date.now() / 1000);
        for (let i = 0; i < 20; i++) expect((await other.http.get(`/restaurants/${restaurant}`)).status).toBe(200);
        const byInstance = new Map<string, Map<number, number>>();
        const total = new Map<number, number>();
        const event = await eventWhere(stream, (candidate) => {
          if (candidate.type !== 'snapshot') return false;
          for (const instance of candidate.data.overview.instances) {
            const points = byInstance.get(instance.id) ?? new Map<number, number>();
            for (const point of instance.points) if (point.t >= fromSecond) points.set(point.t, point.requests);
            byInstance.set(instance.id, points);
          }
          for (const point of candidate.data.overview.total) if (point.t >= fromSecond) total.set(point.t, point.requests);
          // The other instance's samples arrive over pub/sub: wait for a snapshot that lists both.
          return (
            candidate.data.overview.instances.length === 2 &&
            [...byInstance.values()].some((points) => [...points.values()].reduce((a, b) => a + b, 0) >= 20)
          );
        });
        const instances = event.data.overview.instances as { id: string; self: boolean }[];
        expect(instances).toHaveLength(2);
        expect(instances.filter((instance) => instance.self).map((instance) => instance.id)).toEqual([event.data.instance]);
        const otherId = instances.find((instance) => !instance.self)!.id;
        expect([...byInstance.get(otherId)!.values()].reduce((a, b) => a + b, 0)).toBe(20);
        expect([...total.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(20);
      } finally {
        stream.close();
      }
    });
  });
});
