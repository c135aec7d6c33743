import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppProcess } from '../support/faults/app-process.js';
import { cachedReadPaths, type Catalogue, mixedLoad, orderProblems, seedCatalogue, sqlTo } from '../support/faults/catalogue.js';
import { integrityViolations } from '../support/faults/integrity.js';
import { contractProblems, LoadDriver, percentile, printTable, row, type Sample } from '../support/faults/load.js';
import { answered, problemsOf, type Rule, sameBodyAs } from '../support/faults/outcomes.js';
import { deleteKeysUnderPrefix } from '../support/redis-keys.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { servicesForMultiInstanceSuite } from '../support/services.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { TEST_ADMIN_TOKEN } from '../support/test-app.js';
import { eventually, sleep } from '../support/eventually.js';

/*
 * Redis goes away for 20 s and comes back, then answers every reply 500 ms late for 10 s, under a
 * steady mixed load; the app (the production build, its own process) reaches Redis through a TCP
 * proxy. No request may fail: the cache is an accelerator, and Postgres is there. While Redis is
 * away the app cannot hear other instances' invalidations, so it must not trust its L1 either:
 * reads go to the database, and the hit ratio comes back once Redis does.
 */

const redisUrl = await servicesForMultiInstanceSuite('test/faults/redis.fault-spec.ts');
const describeWithServices = redisUrl ? describe : describe.skip;

const STEADY_MS = 3000;
const OUTAGE_MS = 20_000;
const AFTER_MS = 10_000;
const SLOW_MS = 10_000;
/** Generous: far below what waiting on a 500 ms Redis for each of a request's calls would cost. */
const LONGEST_ANSWER_MS = 2000;
const KINDS = ['cached read', 'uncached read', 'write'];
/** The warm-up (a just-started process compiling its hot paths) is not the normal to compare with. */
const PHASES = ['warm-up', 'before', 'outage', 'after', 'slow', 'after slow'];
const WARM_UP_MS = 2000;

const hits = (samples: Sample[]) => samples.filter((sample) => sample.cache?.startsWith('HIT')).length;
const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(1)}`;
const share = (part: number, whole: number) => (whole === 0 ? Number.NaN : part / whole);

interface RuleResult {
  rule: string;
  state: string;
  action: string;
  message: string;
}

describeWithServices('Redis gone for 20 s, then slow, under a steady mixed load', () => {
  const prefix = `tiffin-faults-${randomBytes(4).toString('hex')}`;
  const runToken = `fault-${randomBytes(4).toString('hex')}`;
  let database: ScratchDatabase;
  let proxy: TcpProxy;
  let app: AppProcess;
  let sql: DataSource;
  let catalogue: Catalogue;
  let load: LoadDriver;
  let restoredAt: number;
  const warmBodies = new Map<string, string>();
  const evaluations: Record<string, RuleResult[]> = {};
  const readiness: Record<string, { status: number; body: any }> = {};

  const evaluate = async (when: string) => {
    const response = await app.admin.post('/alerts/evaluate');
    expect(response.status).toBe(200);
    evaluations[when] = response.body.rules;
  };
  const ready = async (when: string) => {
    const response = await app.http.get('/health/ready');
    readiness[when] = { status: response.status, body: response.body };
  };
  const ruleAt = (when: string, rule: string) => evaluations[when].find((result) => result.rule === rule);

  /** Cached reads in whole seconds after Redis came back: the hit ratio of each second. */
  const hitRatioBySecond = () => {
    const seconds: Sample[][] = [];
    for (const sample of load.of('after', 'cached read')) (seconds[Math.floor((sample.at - restoredAt) / 1000)] ??= []).push(sample);
    return Array.from(seconds, (samples = []) => share(hits(samples), samples.length));
  };

  beforeAll(async () => {
    database = await createScratchDatabase();
    const target = new URL(redisUrl!);
    proxy = new TcpProxy(target.hostname, Number(target.port) || 6379);
    await proxy.start();
    app = await AppProcess.start({ DATABASE_URL: database.url, REDIS_URL: proxy.url, CACHE_PREFIX: prefix });
    sql = await sqlTo(database.url);
    catalogue = await seedCatalogue(sql);
    for (const path of cachedReadPaths(catalogue)) {
      const first = await app.http.get(path);
      expect(first.status).toBe(200);
      warmBodies.set(path, first.text);
    }
    // L1 is used once the invalidation bus is up: wait for a read served from it.
    const probe = cachedReadPaths(catalogue)[0];
    await eventually(
      'a read served from L1 (is the Redis bus up?)',
      async () => (await app.http.get(probe)).headers.get('x-cache') === 'HIT-L1',
    );

    load = new LoadDriver({
      baseUrl: app.baseUrl,
      workers: 6,
      pauseMs: 10,
      next: mixedLoad(catalogue, TEST_ADMIN_TOKEN, runToken, { cachedReads: 0.7, uncachedReads: 0.05 }),
    });
    // Time passing: each phase of the load runs for its set duration.
    load.start('warm-up');
    await sleep(WARM_UP_MS);
    await load.switchTo('before');
    await sleep(STEADY_MS);
    await load.switchTo('outage', async () => {
      await evaluate('before');
      proxy.cut();
    });
    await sleep(OUTAGE_MS / 2);
    await ready('outage');
    await sleep(OUTAGE_MS / 2);
    await load.switchTo('after', async () => {
      await evaluate('outage');
      await proxy.restore();
      restoredAt = Date.now();
    });
    await sleep(AFTER_MS);
    await load.switchTo('slow', async () => {
      await evaluate('after');
      await ready('after');
      proxy.delayMs = 500;
    });
    await sleep(SLOW_MS);
    await load.switchTo('after slow', () => (proxy.delayMs = 0));
    await sleep(STEADY_MS);
    await load.stop();

    const rows = PHASES.flatMap((phase) =>
      KINDS.map((kind) => row(`${phase} / ${kind}`, load.of(phase, kind), (sample) => RULES[kind](sample) !== undefined)),
    );
    const p99 = (phase: string, kind: string) =>
      percentile(
        load.of(phase, kind).map((sample) => sample.ms),
        0.99,
      );
    const outageAgainstBefore = KINDS.map(
      (kind) =>
        `${kind} ${p99('before', kind).toFixed(1)} -> ${p99('outage', kind).toFixed(1)} ms (${signed(p99('outage', kind) - p99('before', kind))})`,
    );
    const ratios = PHASES.map((phase) => {
      const reads = load.of(phase, 'cached read');
      return `${phase} ${(100 * share(hits(reads), reads.length)).toFixed(1)}%`;
    });
    const bySecond = hitRatioBySecond().map((ratio) => (Number.isNaN(ratio) ? '-' : `${Math.round(100 * ratio)}%`));
    printTable(
      `Redis gone for ${OUTAGE_MS / 1000} s, then every reply 500 ms late for ${SLOW_MS / 1000} s (CACHE_REDIS_TIMEOUT_MS 100)\n` +
        `p99 before -> during the outage (goal: within about 100 ms): ${outageAgainstBefore.join(', ')}\n` +
        `hit ratio of cached reads: ${ratios.join(', ')}\n` +
        `hit ratio in each second after Redis came back: ${bySecond.join(' ')}`,
      rows,
    );
  }, 150_000);

  afterAll(async () => {
    await app?.stop();
    await sql?.destroy();
    await proxy?.stop();
    await database?.drop();
    if (redisUrl) await deleteKeysUnderPrefix(redisUrl, prefix);
  });

  const sameAsWarm = sameBodyAs(warmBodies, "the database's");
  const RULES: Record<string, Rule> = { 'cached read': sameAsWarm, 'uncached read': answered(200), write: answered(201) };

  it('answers every request of the load, in every phase, as the OpenAPI document describes', () => {
    expect(load.samples.filter((sample) => sample.status !== 0).length).toBeGreaterThan(0);
    expect(contractProblems(load.samples)).toEqual([]);
  });

  it.each(PHASES)('answers every request correctly: %s', (phase) => {
    expect(load.of(phase, 'write').length).toBeGreaterThan(0);
    expect(problemsOf(load.of(phase), RULES)).toEqual([]);
  });

  it(`leaves no request waiting on Redis: every answer within ${LONGEST_ANSWER_MS} ms`, () => {
    const slow = load.samples.filter((sample) => sample.status === 0 || sample.ms > LONGEST_ANSWER_MS);
    expect(slow.map((s) => `[${s.phase}] ${s.method} ${s.path}: ${s.status} after ${Math.round(s.ms)} ms`)).toEqual([]);
  });

  it('reads the database, not its L1, while Redis is gone: it cannot hear invalidations', () => {
    const reads = load.of('outage', 'cached read');
    expect(reads.length).toBeGreaterThan(0);
    expect(hits(reads)).toBe(0);
  });

  it('serves from the cache again within 10 s of Redis coming back: two whole seconds of 90% hits or more', () => {
    const bySecond = hitRatioBySecond();
    const recovered = bySecond.some((ratio, second) => ratio >= 0.9 && bySecond[second + 1] >= 0.9);
    expect({ recovered, bySecond }).toEqual({ recovered: true, bySecond });
  });

  it('shows the outage on /health/ready and in the alerts, and clears both after', () => {
    expect(readiness.outage.status).toBe(503);
    expect(readiness.outage.body.details.redis.status).toBe('down');
    expect(readiness.after).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
    expect(ruleAt('outage', 'cache_hit_ratio')).toMatchObject({ state: 'breach' });
    expect(ruleAt('outage', 'redis_memory')).toMatchObject({ state: 'unknown', message: 'Redis did not answer INFO memory' });
    expect(ruleAt('after', 'cache_hit_ratio')).toMatchObject({ state: 'clear', action: 'resolved' });
  });

  it('lost no acknowledged order and invented none', async () => {
    expect(await orderProblems(sql, load.samples, runToken)).toEqual([]);
  });

  it('leaves the data whole (integrity check in SQL)', async () => {
    expect(await integrityViolations(sql)).toEqual([]);
  });
});
