import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { expectStatus } from '../support/cascade.js';
import { AppProcess, type Exit } from '../support/faults/app-process.js';
import { committedContract } from '../support/faults/contract.js';
import { type Catalogue, mixedLoad, orderProblems, seedCatalogue, sqlTo } from '../support/faults/catalogue.js';
import { integrityViolations } from '../support/faults/integrity.js';
import { contractProblems, LoadDriver, printTable, row, type Sample } from '../support/faults/load.js';
import { answered, type Rule, unavailableProblem } from '../support/faults/outcomes.js';
import { deleteKeysUnderPrefix } from '../support/redis-keys.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { servicesForMultiInstanceSuite } from '../support/services.js';
import { TEST_ADMIN_TOKEN } from '../support/test-app.js';
import { SseClient } from '../realtime-support.js';
import { eventually, sleep } from '../support/eventually.js';

/*
 * SIGTERM under a steady mixed load, to the production build in its own process. Some writes are
 * held mid-transaction when the signal arrives (their rows locked from a test connection), so
 * "in flight" is certain rather than a matter of timing: they must complete and commit. Requests
 * after the signal are refused (nothing listens) or answered 503; an event stream open at the
 * signal is ended; the process exits 0 within SHUTDOWN_GRACE_MS, and the data is whole.
 */

const redisUrl = await servicesForMultiInstanceSuite('test/faults/shutdown.fault-spec.ts');
const describeWithServices = redisUrl ? describe : describe.skip;

const GRACE_MS = 6000;
const HELD_WRITES = 4;
/** How long the held writes stay blocked after the signal: well inside the grace period. */
const HOLD_AFTER_SIGNAL_MS = 1500;

/** Refused at connect: nothing listens any more. */
const refused = (sample: Sample) => sample.status === 0 && sample.error === 'ECONNREFUSED';
/**
 * Not taken: refused, or reset before any answer (a connection still in the listen queue when the
 * server closed, which the app never read). The writes among them must not be stored.
 */
const notTaken = (sample: Sample) => refused(sample) || (sample.status === 0 && sample.error === 'ECONNRESET');

/** A request that reached the closing server: 503 with Retry-After and the error body (the contract checks the rest). */
const isShutdown503 = (sample: Sample) => unavailableProblem(sample) === undefined;

describeWithServices('SIGTERM under a steady mixed load', () => {
  const prefix = `tiffin-faults-${randomBytes(4).toString('hex')}`;
  const runToken = `fault-${randomBytes(4).toString('hex')}`;
  let database: ScratchDatabase;
  let app: AppProcess;
  let sql: DataSource;
  let locker: pg.Client;
  let catalogue: Catalogue;
  let load: LoadDriver;
  let held: { id: number; response: Promise<Response> }[];
  let heldAnswers: { status: number; body: any; contract: string[] }[];
  let stream: SseClient;
  let exit: Exit;

  beforeAll(async () => {
    database = await createScratchDatabase();
    app = await AppProcess.start({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl!,
      CACHE_PREFIX: prefix,
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
    });
    sql = await sqlTo(database.url);
    catalogue = await seedCatalogue(sql);
    const { restaurant, menuItems } = catalogue.write[0];
    const orders = [];
    for (let i = 0; i < HELD_WRITES; i++) {
      const body = { restaurant_id: restaurant, delivery_address: `Held ${i}`, order_items: [{ menu_item_id: menuItems[0], quantity: 1 }] };
      orders.push(
        expectStatus(await app.admin.post(`/orders/customers/${catalogue.customers[i]}/orders`, body), 201, 'placing an order').id,
      );
    }

    const watched = { restaurant_id: restaurant, delivery_address: 'Watched', order_items: [{ menu_item_id: menuItems[0], quantity: 1 }] };
    const watchedId = expectStatus(
      await app.admin.post(`/orders/customers/${catalogue.customers[0]}/orders`, watched),
      201,
      'placing an order',
    ).id;
    stream = await SseClient.open(`${app.baseUrl}/realtime/orders/${watchedId}/events`, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
    await stream.next();

    load = new LoadDriver({
      baseUrl: app.baseUrl,
      workers: 6,
      pauseMs: 10,
      freshConnections: true,
      next: mixedLoad(catalogue, TEST_ADMIN_TOKEN, runToken),
    });
    load.start('before');
    // Time passing: a steady phase of load before the locks and the signal.
    await sleep(3000);

    // Lock the orders, send a status change for each, and wait until all are blocked inside their transaction.
    locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM orders WHERE id = ANY($1) FOR UPDATE', [orders]);
    held = orders.map((id) => ({
      id,
      response: fetch(`${app.baseUrl}/orders/${id}/status`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ order_status: 'confirmed' }),
      }),
    }));
    await eventually(
      `all ${HELD_WRITES} status changes to wait on the lock`,
      async () => {
        const [{ waiting }] = await sql.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return waiting === HELD_WRITES;
      },
      { intervalMs: 25 },
    );

    await load.switchTo('after SIGTERM', () => app.signal('SIGTERM'));
    // Time passing: the held writes stay blocked for a while into the grace period.
    await sleep(HOLD_AFTER_SIGNAL_MS);
    await locker.query('COMMIT');
    heldAnswers = await Promise.all(
      held.map(async ({ id, response }) =>
        response.then(async (r) => {
          const text = await r.text();
          const observed = {
            method: 'PUT',
            path: `/orders/${id}/status`,
            status: r.status,
            header: (name: string) => r.headers.get(name) ?? undefined,
            text,
          };
          return { status: r.status, body: JSON.parse(text), contract: committedContract().check(observed).problems };
        }),
      ),
    );
    exit = await app.waitForExit(GRACE_MS + 5000);
    await load.stop();
    if (exit.code !== 0) console.log(`The app's last words:\n${app.output.slice(-3000)}`);

    printTable(
      `SIGTERM under load: exit code ${exit.code} after ${exit.afterSignalMs} ms (SHUTDOWN_GRACE_MS ${GRACE_MS}); ` +
        `${HELD_WRITES} writes held in their transaction for ${HOLD_AFTER_SIGNAL_MS} ms after the signal`,
      ['before', 'after SIGTERM'].flatMap((phase) =>
        ['cached read', 'uncached read', 'write'].map((kind) =>
          row(
            `${phase} / ${kind}`,
            load.of(phase, kind),
            (sample) => (phase === 'before' ? RULES[kind](sample) : afterSignal(sample)) !== undefined,
          ),
        ),
      ),
    );
  }, 90_000);

  afterAll(async () => {
    stream?.close();
    await locker?.end().catch(() => undefined);
    await app?.stop();
    await sql?.destroy();
    await database?.drop();
    if (redisUrl) await deleteKeysUnderPrefix(redisUrl, prefix);
  });

  const RULES: Record<string, Rule> = { 'cached read': answered(200), 'uncached read': answered(200), write: answered(201) };
  /** After the signal: answered as usual (taken before the server closed), not taken, or a clean 503. */
  const afterSignal: Rule = (sample) =>
    RULES[sample.kind](sample) === undefined || notTaken(sample) || isShutdown503(sample)
      ? undefined
      : `answered ${sample.status}${sample.error ? ` (${sample.error})` : ''} ${sample.text.slice(0, 200)}`;

  it('answers every request of the load, in every phase, as the OpenAPI document describes', () => {
    expect(load.samples.filter((sample) => sample.status !== 0).length).toBeGreaterThan(0);
    expect(contractProblems(load.samples)).toEqual([]);
  });

  it('answers every request before the signal', () => {
    const problems = load
      .of('before')
      .map((sample) => RULES[sample.kind](sample))
      .filter(Boolean);
    expect(load.of('before', 'write').length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('completes the writes in flight: each held write answers 200 and is committed', async () => {
    expect(heldAnswers.map((answer) => [answer.status, answer.body.order_status, answer.contract])).toEqual(
      held.map(() => [200, 'confirmed', []]),
    );
    const rows = await sql.query(`SELECT id, order_status FROM orders WHERE id = ANY($1) ORDER BY id`, [held.map((h) => h.id)]);
    expect(rows).toEqual(held.map(({ id }) => ({ id, order_status: 'confirmed' })).sort((x, y) => x.id - y.id));
  });

  it('refuses new requests cleanly after the signal: connection refused or a 503, nothing else', () => {
    const after = load.of('after SIGTERM');
    expect(after.some(refused)).toBe(true);
    const problems = after.map((sample) => afterSignal(sample)).filter(Boolean);
    expect(problems).toEqual([]);
  });

  it('kept Redis open for the writes in flight: none of their cache invalidations was lost', () => {
    expect(app.output).not.toMatch(/client is closed|deferred until it is back/);
  });

  it('stored none of the writes it did not take after the signal', async () => {
    const untaken = load.of('after SIGTERM', 'write').filter((sample) => sample.status !== 201);
    const addresses = untaken.map((sample) => (sample.body as { delivery_address: string }).delivery_address);
    expect(untaken.length).toBeGreaterThan(0);
    expect(await sql.query(`SELECT id, delivery_address FROM orders WHERE delivery_address = ANY($1)`, [addresses])).toEqual([]);
  });

  it('ends the event stream that was open at the signal with a "reconnect" event, not by cutting it', () => {
    expect(stream.status).toBe(200);
    expect(stream.ended).toBe(true);
    expect(stream.events.at(-1)).toMatchObject({ type: 'reconnect', retry: expect.any(Number) });
  });

  it(`exits 0 within SHUTDOWN_GRACE_MS (${GRACE_MS} ms)`, () => {
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.afterSignalMs).toBeLessThan(GRACE_MS);
  });

  it('leaves no transaction half-done: integrity check in SQL, and every acknowledged order stored', async () => {
    expect(await integrityViolations(sql)).toEqual([]);
    expect(await orderProblems(sql, load.samples, runToken)).toEqual([]);
  });
});
