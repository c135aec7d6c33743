import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
// The app first: it loads the entities in an order that resolves their circular imports.
import { startTestApp, type TestApp } from './support/test-app.js';
import { DistributedLock } from '../src/redis/distributed-lock.js';
import { SharedRedis } from '../src/redis/redis-connection.js';
import { JobRunner } from '../src/jobs/job-runner.js';
import { type JobName } from '../src/jobs/job-schedule.js';
import { QUIET_JOB_INTERVALS_MS, QUIET_JOBS_ENV } from './support/jobs.js';
import { JobScheduler } from '../src/jobs/job-scheduler.js';
import { expectStatus, type Json, TiffinBuilder } from './support/cascade.js';
import { eventually, sleep } from './support/eventually.js';
import { deleteKeysUnderPrefix } from './support/redis-keys.js';
import { servicesForMultiInstanceSuite } from './support/services.js';

/*
 * Two instances sharing Postgres and Redis: start-up warming on an instance that starts with data,
 * each scheduled tick run by exactly one of them (short intervals set for the test), the run
 * history shared, and a manual run refused while the other instance runs the job.
 */

const redisUrl = await servicesForMultiInstanceSuite('test/jobs-instances.e2e-spec.ts');
const describeWithRedis = redisUrl ? describe : describe.skip;
const ADMIN_TOKEN = 'jobs-instances-admin-token-0123456789';
const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

describeWithRedis('jobs across two instances', () => {
  const prefix = `tiffin-jobs-${randomBytes(4).toString('hex')}`;
  const env = { REDIS_URL: redisUrl!, CACHE_PREFIX: prefix, ADMIN_TOKEN, ...QUIET_JOBS_ENV };
  let a: TestApp;
  let b: TestApp;
  let build: TiffinBuilder;
  let popular: Json[];

  beforeAll(async () => {
    a = await startTestApp({ env });
    build = new TiffinBuilder(a.admin);
    const customer = await build.customer();
    popular = [await build.restaurant(), await build.restaurant()];
    for (const [index, restaurant] of popular.entries()) {
      const dish = await build.menuItem(restaurant.id);
      for (let n = 0; n <= index; n++) await build.order(customer.id, restaurant.id, [[dish.id, 1]]);
    }
    b = await startTestApp({ env, database: a.database });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await deleteKeysUnderPrefix(redisUrl!, prefix);
  });

  it('warms the popular set at start-up, before the instance answers', async () => {
    const instanceB = b.app.get(JobRunner).instanceId;
    expect(instanceB).toBe(b.app.get(SharedRedis).instanceId);
    const [startup] = await b.db.query(
      `SELECT outcome, detail FROM job_runs WHERE trigger = 'startup' AND job = 'warm-popular' AND instance = $1`,
      [instanceB],
    );
    expect(startup.outcome).toBe('succeeded');
    expect(startup.detail).toMatchObject({ restaurants: 2, paths: 5, failed: [] });
    expect(startup.detail.loaded + startup.detail.already_cached).toBe(5);
    for (const restaurant of popular) {
      for (const path of [`/restaurants/${restaurant.id}/menu`, `/restaurants/${restaurant.id}/with-menu`]) {
        expect([path, (await b.admin.get(path)).headers.get('x-cache')]).toEqual([path, 'HIT-L1']);
      }
    }
  });

  it('runs each scheduled tick on exactly one instance', async () => {
    const interval = 400;
    const jobs: JobName[] = ['cleanup', 'health-monitor'];
    const since = new Date();
    const statsOf = async (app: TestApp, job: JobName) =>
      (await app.admin.get('/jobs')).body.find((status: Json) => status.name === job).this_instance;
    const before = new Map(
      await Promise.all(
        jobs.flatMap((job) => [a, b].map(async (app) => [`${job}@${app.admin.baseUrl}`, await statsOf(app, job)] as const)),
      ),
    );
    for (const app of [a, b]) app.app.get(JobScheduler).reschedule(Object.fromEntries(jobs.map((job) => [job, interval])));

    const runsOf = async (job: JobName) =>
      a.db.query<{ started_at: Date; instance: string }[]>(
        `SELECT started_at, instance FROM job_runs WHERE job = $1 AND trigger = 'schedule' AND started_at >= $2 ORDER BY started_at`,
        [job, since],
      );
    await eventually('6 scheduled runs of each job', async () => (await Promise.all(jobs.map(runsOf))).every((runs) => runs.length >= 6), {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    for (const app of [a, b])
      app.app.get(JobScheduler).reschedule(Object.fromEntries(jobs.map((job) => [job, QUIET_JOB_INTERVALS_MS[job]])));
    // Time passing: a tick of the short interval that was already due when the schedule changed
    // fires within one interval; its run must be in the counts compared below.
    await sleep(interval);

    for (const job of jobs) {
      const runs = await runsOf(job);
      expect(runs.length).toBeGreaterThanOrEqual(6);
      const ticks = runs.map((run) => Math.floor(run.started_at.getTime() / interval));
      expect([job, new Set(ticks).size]).toEqual([job, runs.length]);
      // Every tick of either instance was either the one run of that tick or skipped.
      let ticked = 0;
      let skipped = 0;
      for (const app of [a, b]) {
        const stats = await statsOf(app, job);
        const earlier = before.get(`${job}@${app.admin.baseUrl}`)!;
        const appTicks = stats.ticks - earlier.ticks;
        expect(appTicks).toBeGreaterThanOrEqual(runs.length - 1);
        ticked += appTicks;
        skipped +=
          Object.values(stats.skipped as Record<string, number>).reduce((sum, n) => sum + n, 0) -
          Object.values(earlier.skipped as Record<string, number>).reduce((sum, n) => sum + n, 0);
      }
      expect([job, ticked - skipped]).toEqual([job, runs.length]);
    }
  });

  it('shares the run history: either instance shows the last run wherever it ran', async () => {
    const run = expectStatus(await a.admin.post('/jobs/cleanup/run', undefined, admin), 200, 'cleanup on A');
    expect(run.instance).toBe(a.app.get(JobRunner).instanceId);
    const onB = expectStatus(await b.admin.get('/jobs'), 200, 'GET /jobs on B').find((job: Json) => job.name === 'cleanup');
    expect(onB.last_run).toEqual(run);
  });

  it('answers 409 on one instance while the other runs the job', async () => {
    let release!: () => void;
    let acquired!: () => void;
    const holding = new Promise<void>((done) => (acquired = done));
    const held = a.app.get(DistributedLock).runExclusive('job:warm-popular', 10_000, () => {
      acquired();
      return new Promise<void>((done) => (release = done));
    });
    await holding;
    try {
      const busy = await b.admin.post('/jobs/warm-popular/run', undefined, admin);
      expect([busy.status, busy.body.message]).toEqual([
        409,
        'Job warm-popular is already running on another instance; try again when it has finished',
      ]);
    } finally {
      release();
      await held;
    }
    expect((await b.admin.post('/jobs/warm-popular/run', undefined, admin)).status).toBe(200);
  });
});
