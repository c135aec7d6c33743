import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
// The app first: it loads the entities in an order that resolves their circular imports.
import { startTestApp, type TestApp } from './support/test-app.js';
import { DistributedLock } from '../src/redis/distributed-lock.js';
import { JOB_NAMES } from '../src/jobs/job-schedule.js';
import { QUIET_JOB_INTERVALS_MS, QUIET_JOBS_ENV } from './support/jobs.js';
import { JobScheduler } from '../src/jobs/job-scheduler.js';
import { expectStatus, type Json, TiffinBuilder } from './support/cascade.js';
import { eventually } from './support/eventually.js';

/*
 * The job runner on one instance: start-up warming on an empty database, GET /jobs, running each
 * job by hand (admin only, 404, 409 while it runs), what warming and cleanup do, and scheduled
 * ticks with short intervals set for the test.
 */

const ADMIN_TOKEN = 'jobs-suite-admin-token-0123456789';
const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

describe('background jobs', () => {
  let t: TestApp;
  let build: TiffinBuilder;
  const run = (name: string) => t.admin.post(`/jobs/${name}/run`, undefined, admin);

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_TOKEN, ...QUIET_JOBS_ENV } });
    build = new TiffinBuilder(t.admin);
  });
  afterAll(() => t.close());

  it('replayed the outbox and warmed at start-up, before answering, with nothing to do on an empty database', async () => {
    const runs = await t.db.query(`SELECT job, trigger, outcome, detail, finished_at FROM job_runs ORDER BY id`);
    expect(runs).toEqual([
      {
        job: 'outbox-replay',
        trigger: 'startup',
        outcome: 'succeeded',
        detail: { replayed: 0, discarded: 0, pending: 0 },
        finished_at: expect.any(Date),
      },
      {
        job: 'warm-popular',
        trigger: 'startup',
        outcome: 'succeeded',
        detail: { restaurants: 0, paths: 0, loaded: 0, already_cached: 0, failed: [] },
        finished_at: expect.any(Date),
      },
    ]);
  });

  it('lists every job with its interval, last run and next tick', async () => {
    const jobs = expectStatus(await t.admin.get('/jobs'), 200, 'GET /jobs');
    expect(jobs.map((job: Json) => job.name)).toEqual([...JOB_NAMES]);
    for (const job of jobs) {
      expect(job.interval_ms).toBe(QUIET_JOB_INTERVALS_MS[job.name as keyof typeof QUIET_JOB_INTERVALS_MS]);
      const next = Date.parse(job.next_run_at);
      expect(next % job.interval_ms).toBe(0);
      expect(next).toBeGreaterThan(Date.now());
      expect(next - Date.now()).toBeLessThanOrEqual(job.interval_ms);
      expect(job.running_here).toBe(false);
    }
    const [startup] = await t.db.query(`SELECT id, instance FROM job_runs WHERE trigger = 'startup' AND job = 'warm-popular'`);
    expect(jobs[0].last_run).toMatchObject({
      id: Number(startup.id),
      instance: startup.instance,
      trigger: 'startup',
      outcome: 'succeeded',
    });
    expect(jobs.slice(1, -1).map((job: Json) => job.last_run)).toEqual([null, null, null, null]);
    expect(jobs.at(-1)).toMatchObject({ name: 'outbox-replay', last_run: { trigger: 'startup', outcome: 'succeeded' } });
  });

  it('runs a job by hand for an admin only, and knows no other job', async () => {
    expect((await t.http.post('/jobs/cleanup/run')).status).toBe(401);
    expect(
      (await t.http.post('/jobs/cleanup/run', undefined, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status,
    ).toBe(401);
    const names = 'warm-popular, predictive-warming, analytics-refresh, health-monitor, cleanup, outbox-replay';
    for (const unknown of ['defrag', 'Warm_Popular']) {
      const refused = await run(unknown);
      expect([refused.status, refused.body.errors]).toEqual([
        400,
        [{ field: 'name', rule: 'isIn', message: `name must be one of the jobs: ${names}` }],
      ]);
    }
  });

  it('warms the most ordered restaurants, their menus and the popular items', async () => {
    const [busy, quiet, none] = [await build.restaurant(), await build.restaurant(), await build.restaurant()];
    const [d1, d2] = [await build.menuItem(busy.id), await build.menuItem(quiet.id)];
    await build.menuItem(none.id);
    const customer = await build.customer();
    await build.order(customer.id, busy.id, [[d1.id, 1]]);
    await build.order(customer.id, busy.id, [[d1.id, 1]], 'cancelled');
    await build.order(customer.id, quiet.id, [[d2.id, 1]]);

    const response = await run('warm-popular');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ job: 'warm-popular', trigger: 'manual', outcome: 'succeeded', finished_at: expect.any(String) });
    expect(response.body.detail).toEqual({ restaurants: 2, paths: 5, loaded: 5, already_cached: 0, failed: [] });
    for (const path of [`/restaurants/${busy.id}/with-menu`, `/restaurants/${quiet.id}/menu`]) {
      expect((await t.admin.get(path)).headers.get('x-cache')).toMatch(/^HIT/);
    }
    expect((await t.admin.get(`/restaurants/${none.id}/menu`)).headers.get('x-cache')).toBe('MISS');
    const [stored] = await t.db.query(
      `SELECT duration_ms, round(extract(epoch FROM finished_at - started_at) * 1000)::int AS took FROM job_runs WHERE id = $1`,
      [response.body.id],
    );
    expect(stored).toEqual({ duration_ms: response.body.duration_ms, took: response.body.duration_ms });
  });

  it('cleans up notifications past 90 days, job runs past 30, refresh tokens expired over 7 and idempotency keys past 24 hours, keeping the rest', async () => {
    const [r, customer] = [await build.restaurant(), await build.customer()];
    const dish = await build.menuItem(r.id);
    const order = await build.order(customer.id, r.id, [[dish.id, 1]]);
    await t.db.query(
      `INSERT INTO notifications (customer_id, order_id, kind, title, message, created_at)
       VALUES ($1, $2, 'order_placed', 'Old', 'Old', now() - interval '91 days'), ($1, $2, 'order_placed', 'Recent', 'Recent', now() - interval '89 days')`,
      [customer.id, order.id],
    );
    await t.db.query(
      `INSERT INTO job_runs (job, instance, trigger, started_at, outcome)
       VALUES ('cleanup', 'gone', 'schedule', now() - interval '31 days', 'succeeded'), ('cleanup', 'gone', 'schedule', now() - interval '29 days', 'succeeded')`,
    );
    const [account] = await t.db.query(
      `INSERT INTO accounts (email, password_hash, role) VALUES ('cleanup-owner@example.com', 'x', 'restaurant_owner') RETURNING id`,
    );
    await t.db.query(
      `INSERT INTO refresh_tokens (account_id, family_id, token_hash, expires_at)
       VALUES ($1, gen_random_uuid(), 'old', now() - interval '8 days'), ($1, gen_random_uuid(), 'recent', now() - interval '6 days')`,
      [account.id],
    );
    await t.db.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, response_status, response_body, created_at)
       VALUES ('operations', 'old', repeat('a', 64), 201, '{}', now() - interval '25 hours'),
              ('operations', 'recent', repeat('a', 64), 201, '{}', now() - interval '23 hours')`,
    );
    const response = await run('cleanup');
    expect(response.status).toBe(200);
    expect(response.body.outcome).toBe('succeeded');
    expect(response.body.detail).toMatchObject({
      expired: expect.objectContaining({ removed_l1: expect.any(Number) }),
      notifications_deleted: 1,
      job_runs_deleted: 1,
      refresh_tokens_deleted: 1,
      idempotency_keys_deleted: 1,
      retention_days: { notifications: 90, jobRuns: 30, expiredRefreshTokens: 7, cacheAudit: 30 },
    });
    const left = await t.db.query(`SELECT title FROM notifications WHERE customer_id = $1 ORDER BY id`, [customer.id]);
    expect(left.map((row: Json) => row.title)).toEqual(['Order placed', 'Recent']);
    const runs = await t.db.query(`SELECT count(*)::int AS n FROM job_runs WHERE instance = 'gone'`);
    expect(runs[0].n).toBe(1);
    expect(await t.db.query(`SELECT trim(token_hash) AS token_hash FROM refresh_tokens WHERE account_id = $1`, [account.id])).toEqual([
      { token_hash: 'recent' },
    ]);
    expect(await t.db.query(`SELECT key FROM idempotency_keys WHERE scope = 'operations' ORDER BY key`)).toEqual([{ key: 'recent' }]);
    expect((await run('cleanup')).body.detail).toMatchObject({
      notifications_deleted: 0,
      job_runs_deleted: 0,
      refresh_tokens_deleted: 0,
      idempotency_keys_deleted: 0,
    });
  });

  it('runs the other jobs by hand through the analytics, cache administration and monitoring services', async () => {
    const outcomes: Record<string, Json> = {};
    for (const name of ['predictive-warming', 'analytics-refresh', 'health-monitor']) {
      const response = await run(name);
      expect([name, response.status, response.body.outcome]).toEqual([name, 200, 'succeeded']);
      outcomes[name] = response.body.detail;
    }
    expect(outcomes['predictive-warming']).toMatchObject({ source: 'access-frequency', chosen: expect.any(Array) });
    // The analytics read recently are reloaded in place (analytics-refresh.e2e-spec.ts covers which).
    expect(outcomes['analytics-refresh']).toEqual({ refreshed: expect.any(Number), failed: [], gone: expect.any(Number) });
    expect(outcomes['health-monitor']).toMatchObject({ evaluated_at: expect.any(String), rules: expect.any(Array) });
    const jobs = expectStatus(await t.admin.get('/jobs'), 200, 'GET /jobs');
    expect(jobs.map((job: Json) => job.last_run?.trigger)).toEqual(['manual', 'manual', 'manual', 'manual', 'manual', 'startup']);
  });

  it("answers each job's detail in the shape the document gives that job, and nothing else fits it", async () => {
    const contract = t.http.contract!;
    const detailSchema: Record<string, string> = {
      'warm-popular': 'PopularWarmingDetail',
      'predictive-warming': 'PredictiveWarmingDetail',
      'analytics-refresh': 'AnalyticsRefreshDetail',
      'health-monitor': 'EvaluationResponse',
      cleanup: 'CleanupDetail',
      'outbox-replay': 'OutboxReplayDetail',
    };
    // The run as it would be answered with another body: judged against POST /jobs/{name}/run.
    const problemsOf = (name: string, body: Json) =>
      contract.check({
        method: 'POST',
        path: `/jobs/${name}/run`,
        status: 200,
        header: (header) => (header === 'content-type' ? 'application/json; charset=utf-8' : undefined),
        text: JSON.stringify(body),
      }).problems;
    const runs: Record<string, Json> = {};
    for (const name of JOB_NAMES) {
      // The client has checked the answer against the document already; here, against the job's own detail.
      const response = await run(name);
      expect([name, response.status, response.body.outcome]).toEqual([name, 200, 'succeeded']);
      expect(contract.schemaProblems({ $ref: `#/components/schemas/${detailSchema[name]}` }, response.body.detail, name)).toEqual([]);
      runs[name] = response.body;
    }
    for (const name of JOB_NAMES) {
      const body = runs[name];
      const [first, ...others] = Object.keys(body.detail);
      const less = Object.fromEntries(others.map((key) => [key, body.detail[key]]));
      expect(problemsOf(name, body)).toEqual([]);
      const refused = (detail: Json) => problemsOf(name, { ...body, detail }).length > 0;
      // Another job's report under this job's name is not this job's run either.
      const other = JOB_NAMES[(JOB_NAMES.indexOf(name) + 1) % JOB_NAMES.length];
      expect({
        name,
        first,
        other,
        more: refused({ ...body.detail, unlisted: 1 }),
        less: refused(less),
        another: refused(runs[other].detail),
      }).toEqual({
        name,
        first,
        other,
        more: true,
        less: true,
        another: true,
      });
    }
  });

  it('records a job whose work throws as failed, with the error as its detail', async () => {
    await t.db.query('ALTER TABLE notifications RENAME TO notifications_away');
    let response;
    try {
      response = await run('cleanup');
    } finally {
      await t.db.query('ALTER TABLE notifications_away RENAME TO notifications');
    }
    expect([response.status, response.body.outcome]).toEqual([200, 'failed']);
    expect(response.body.detail).toEqual({ error: expect.stringContaining('notifications') });
    expect(t.http.contract!.schemaProblems({ $ref: '#/components/schemas/JobFailureDetail' }, response.body.detail, 'detail')).toEqual([]);
    const listed = expectStatus(await t.admin.get('/jobs'), 200, 'GET /jobs').find((job: Json) => job.name === 'cleanup');
    expect(listed.last_run).toMatchObject({ id: response.body.id, outcome: 'failed', detail: response.body.detail });
  });

  it('answers 409 while the job is running on this instance', async () => {
    let release!: () => void;
    let acquired!: () => void;
    const holding = new Promise<void>((done) => (acquired = done));
    const held = t.app.get(DistributedLock).runExclusive('job:cleanup', 5000, () => {
      acquired();
      return new Promise<void>((done) => (release = done));
    });
    await holding;
    try {
      const busy = await run('cleanup');
      expect([busy.status, busy.body.message]).toEqual([
        409,
        'Job cleanup is already running on this instance; try again when it has finished',
      ]);
    } finally {
      release();
      await held;
    }
    expect((await run('cleanup')).status).toBe(200);
  });

  it('ticks on multiples of the interval, once per tick, recording each run as scheduled', async () => {
    const scheduler = t.app.get(JobScheduler);
    const interval = 300;
    const since = new Date();
    scheduler.reschedule({ 'health-monitor': interval });
    const next = Date.parse((await t.admin.get('/jobs')).body.find((job: Json) => job.name === 'health-monitor').next_run_at);
    expect(next % interval).toBe(0);
    const runs = await eventually(
      '4 scheduled runs of health-monitor',
      async () => {
        const rows: Json[] = await t.db.query(
          `SELECT started_at, outcome FROM job_runs WHERE job = 'health-monitor' AND trigger = 'schedule' AND started_at >= $1 ORDER BY started_at`,
          [since],
        );
        return rows.length >= 4 && rows;
      },
      { intervalMs: 100 },
    );
    scheduler.reschedule({ 'health-monitor': QUIET_JOB_INTERVALS_MS['health-monitor'] });
    const slots = runs.map((row) => Math.floor(row.started_at.getTime() / interval));
    expect(new Set(slots).size).toBe(slots.length);
    // A tick that fired just before the reschedule may still be taking its lock or running: its
    // run and skip counts settle once it is done.
    const stats = await eventually('the tick that was in flight to be counted as a run or a skip', async () => {
      const counts = (await t.admin.get('/jobs')).body.find((job: Json) => job.name === 'health-monitor').this_instance;
      const skipped = counts.skipped['running-here'] + counts.skipped['held-elsewhere'] + counts.skipped['ran-elsewhere'];
      return counts.ticks === counts.runs + skipped && counts;
    });
    expect(stats.ticks).toBe(stats.runs + stats.skipped['running-here'] + stats.skipped['held-elsewhere'] + stats.skipped['ran-elsewhere']);
    expect(stats.runs).toBeGreaterThanOrEqual(4);
  });
});

describe('background jobs with the cache disabled', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_TOKEN, ...QUIET_JOBS_ENV, CACHE_ENABLED: 'false' } });
  });
  afterAll(() => t.close());

  it('reports the warming and refresh jobs as not performed, in the shape the document gives them', async () => {
    for (const name of ['warm-popular', 'predictive-warming', 'analytics-refresh']) {
      const response = await t.admin.post(`/jobs/${name}/run`, undefined, admin);
      expect([name, response.status, response.body.outcome, response.body.detail]).toEqual([
        name,
        200,
        'succeeded',
        { performed: false, reason: 'the cache is disabled' },
      ]);
      expect(t.http.contract!.schemaProblems({ $ref: '#/components/schemas/JobNotPerformedDetail' }, response.body.detail, name)).toEqual(
        [],
      );
    }
  });
});
