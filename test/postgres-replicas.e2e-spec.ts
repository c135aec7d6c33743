import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ReplicaReadCounts } from '../src/cache/load-routing.js';
import { ReplicaReads } from '../src/database/replicas/replica-reads.js';
import { eventually } from './support/eventually.js';
import { postgresBinariesForSuite, startPostgresPair, type PostgresPair } from './support/postgres-replica.js';
import { deleteKeysUnderPrefix } from './support/redis-keys.js';
import { redisForSuite } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SUITE = 'test/postgres-replicas.e2e-spec.ts';
const redisUrl = postgresBinariesForSuite(SUITE) ? await redisForSuite(SUITE) : undefined;
const describeWithPair = redisUrl ? describe : describe.skip;

/** Operations (writes and reads) of the randomised two-instance run: a write in about 3 steps of 10, two reads in each. */
const RANDOMISED_OPERATIONS = 10_000;
/** Replay is paused from 40% of the run's operations for at least this long and this many operations. */
const REPLAY_PAUSE_MS = 3000;
const PAUSED_OPERATIONS = 1000;

interface Customer {
  id: number;
  name: string;
}

describeWithPair('Postgres read replicas: exact read-your-writes on a real primary and streaming replica', () => {
  const prefix = `tiffin-replicas-${randomBytes(4).toString('hex')}`;
  const databaseName = `tiffin_replicas_${randomBytes(4).toString('hex')}`;
  let pair: PostgresPair;
  let urls: { primary: string; replica: string };
  let a: TestApp;
  let b: TestApp;
  let customerCounter = 0;

  const sql = async (url: string, text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  const replicaReads = (app: TestApp) => app.app.get(ReplicaReads);
  const reads = (app: TestApp): ReplicaReadCounts => replicaReads(app).report()!.reads;
  const createCustomer = async (app: TestApp): Promise<Customer> => {
    customerCounter++;
    const response = await app.admin.post('/customers', {
      name: `Replica Customer ${customerCounter}`,
      email: `replica-${customerCounter}-${randomBytes(3).toString('hex')}@example.com`,
      phone_number: '+1-555-0100',
      address: `${customerCounter} Replica Street`,
    });
    expect(response.status).toBe(201);
    return response.body as Customer;
  };
  const listed = async (app: TestApp, limit: number, id: number) => {
    const response = await app.admin.get(`/customers?limit=${limit}&skip=0`);
    expect(response.status).toBe(200);
    return { response, row: (response.body as Customer[]).find((customer) => customer.id === id) };
  };
  /** The replica has replayed everything and both instances have polled it since. */
  const caughtUp = async () => {
    await pair.waitForReplay();
    for (const app of [a, b]) {
      await replicaReads(app).pollNow();
      expect(replicaReads(app).report()!.replicas[0]).toMatchObject({ up: true, usable: true });
    }
  };

  beforeAll(async () => {
    pair = await startPostgresPair();
    await sql(pair.primaryUrl, `CREATE DATABASE "${databaseName}"`);
    urls = pair.urlsFor(databaseName);
    const database = { url: urls.primary, poolSize: 10, drop: async () => {} };
    const env = {
      REDIS_URL: redisUrl!,
      CACHE_PREFIX: prefix,
      DATABASE_REPLICA_URLS: urls.replica,
      CACHE_LEASE_WAIT_MS: '10000',
    };
    await pair.waitForReplay();
    a = await startTestApp({ database, env });
    b = await startTestApp({ database, env });
  }, 180_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await pair?.resumeReplay().catch(() => {});
    await pair?.stop();
    if (redisUrl) await deleteKeysUnderPrefix(redisUrl, prefix);
  });

  it('reads a caught-up replica: a change made behind the app (no invalidation) is not seen while replay is paused', async () => {
    const customer = await createCustomer(a);
    await caughtUp();
    await pair.pauseReplay();
    try {
      await sql(urls.primary, 'UPDATE customers SET name = $1 WHERE id = $2', ['Changed Behind The App', customer.id]);
      const before = reads(a).replica;
      const { response, row } = await listed(a, 91, customer.id);
      expect(response.headers.get('x-cache')).toBe('MISS');
      // Only the replica still has the old name: the load read it there.
      expect(row?.name).toBe(customer.name);
      expect(reads(a).replica).toBe(before + 1);
      const sessions = await sql(
        urls.replica,
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'tiffin-replica-0'`,
      );
      expect(sessions[0].n).toBeGreaterThan(0);
    } finally {
      await pair.resumeReplay();
    }
  });

  it('answers a write at once on both instances while replay is paused, and caches only post-write data', async () => {
    const customer = await createCustomer(a);
    await caughtUp();
    // Entries from before the write, on both instances.
    for (const app of [a, b]) {
      expect((await app.admin.get(`/customers/${customer.id}`)).body.name).toBe(customer.name);
      expect((await listed(app, 92, customer.id)).row?.name).toBe(customer.name);
    }
    await pair.pauseReplay();
    try {
      const primaryBefore = reads(a).primary + reads(b).primary;
      const put = await a.admin.put(`/customers/${customer.id}`, { name: 'Written While Paused' });
      expect(put.status).toBe(200);
      for (const app of [b, a]) {
        for (let attempt = 0; attempt < 2; attempt++) {
          // The second answer comes from the cache: what was stored is the new name.
          expect((await app.admin.get(`/customers/${customer.id}`)).body.name).toBe('Written While Paused');
          expect((await listed(app, 92, customer.id)).row?.name).toBe('Written While Paused');
          expect((await listed(app, 93, customer.id)).row?.name).toBe('Written While Paused');
        }
      }
      // The replica really is behind: loads of the written tags went to the primary.
      expect((await sql(urls.replica, 'SELECT name FROM customers WHERE id = $1', [customer.id]))[0].name).toBe(customer.name);
      expect(reads(a).primary + reads(b).primary).toBeGreaterThan(primaryBefore);
    } finally {
      await pair.resumeReplay();
    }
  });

  it(`never reads stale data over ${RANDOMISED_OPERATIONS} randomised operations on two instances, with replay paused for ${REPLAY_PAUSE_MS / 1000} s or more in the middle`, async () => {
    const customers = await Promise.all([createCustomer(a), createCustomer(a), createCustomer(b)]);
    await caughtUp();
    const expected = new Map(customers.map((customer) => [customer.id, customer.name]));
    const readsBefore = [reads(a), reads(b)];
    let seed = 20;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const stale: string[] = [];
    let operations = 0;
    /** The pause: when and at which operation it began, then how long and over how many operations it lasted. */
    const pause = { startedAt: 0, fromOperation: 0, ms: 0, operations: 0 };
    const paused = () => pause.startedAt > 0 && pause.ms === 0;
    const resume = async () => {
      await pair.resumeReplay();
      pause.ms = Date.now() - pause.startedAt;
      pause.operations = operations - pause.fromOperation;
    };
    const startedAt = Date.now();
    for (let step = 0; operations < RANDOMISED_OPERATIONS; step++) {
      if (pause.startedAt === 0 && operations >= 0.4 * RANDOMISED_OPERATIONS) {
        await pair.pauseReplay();
        Object.assign(pause, { startedAt: Date.now(), fromOperation: operations });
      }
      if (paused() && operations - pause.fromOperation >= PAUSED_OPERATIONS && Date.now() - pause.startedAt >= REPLAY_PAUSE_MS)
        await resume();
      const customer = customers[Math.floor(random() * customers.length)];
      const [writer, reader] = random() < 0.5 ? [a, b] : [b, a];
      if (random() < 0.3) {
        const name = `Name ${step}`;
        expect((await writer.admin.put(`/customers/${customer.id}`, { name })).status).toBe(200);
        expected.set(customer.id, name);
        operations++;
      }
      const profile = await reader.admin.get(`/customers/${customer.id}`);
      expect(profile.status).toBe(200);
      if (profile.body.name !== expected.get(customer.id)) stale.push(`step ${step}: profile ${profile.body.name}`);
      // Many list variants: most reads of them are loads, which is where a replica may be used.
      const { row } = await listed(reader, 50 + Math.floor(random() * 50), customer.id);
      if (row?.name !== expected.get(customer.id)) stale.push(`step ${step}: list ${row?.name}`);
      operations += 2;
    }
    if (paused()) await resume();
    const tookMs = Date.now() - startedAt;
    expect(stale).toEqual([]);
    expect(operations).toBeGreaterThanOrEqual(RANDOMISED_OPERATIONS);
    expect(pause.ms).toBeGreaterThanOrEqual(REPLAY_PAUSE_MS);
    expect(pause.operations).toBeGreaterThanOrEqual(PAUSED_OPERATIONS);
    const after = [reads(a), reads(b)];
    const delta = (key: keyof ReplicaReadCounts) => after[0][key] + after[1][key] - readsBefore[0][key] - readsBefore[1][key];
    // Both routes were taken: the test exercised the replica, and the rule sent loads to the primary.
    expect(delta('replica')).toBeGreaterThan(0);
    expect(delta('primary')).toBeGreaterThan(0);
    console.log(
      `randomised run: ${operations} operations in ${(tookMs / 1000).toFixed(1)} s, 0 stale; replay paused ${(pause.ms / 1000).toFixed(1)} s ` +
        `over ${pause.operations} operations; loads on the replica ${delta('replica')}, on the primary ${delta('primary')}, ` +
        `re-read on the primary after the check ${delta('primary_after_check')}, failed on the replica ${delta('replica_failures')}`,
    );
  }, 300_000);

  it('sends every read to the primary when the replica is down, with no failed request, and uses it again once it is back', async () => {
    const customer = await createCustomer(a);
    await caughtUp();
    await pair.stopReplica();
    try {
      for (let i = 0; i < 10; i++) {
        // Distinct list variants: each one is a load.
        expect((await listed(a, 60 + i, customer.id)).row?.name).toBe(customer.name);
      }
      await eventually('the monitor to report the replica down', () => replicaReads(a).report()!.replicas[0].up === false);
      const ready = await a.admin.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details.database_replicas).toMatchObject({ status: 'up', usable: 0, configured: 1 });
      const before = reads(a).primary;
      expect((await listed(a, 71, customer.id)).row?.name).toBe(customer.name);
      expect(reads(a).primary).toBe(before + 1);
      const metrics = await a.admin.get('/metrics');
      expect(metrics.text).toContain('tiffin_database_replica_usable{replica="0"} 0');
    } finally {
      await pair.startReplica();
    }
    await eventually('the replica to be usable again', () => replicaReads(a).report()!.replicas[0].usable, { timeoutMs: 30_000 });
  }, 120_000);
});
