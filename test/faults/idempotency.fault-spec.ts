import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { expectStatus } from '../support/cascade.js';
import { AppProcess } from '../support/faults/app-process.js';
import { seedCatalogue, sqlTo } from '../support/faults/catalogue.js';
import { deleteKeysUnderPrefix } from '../support/redis-keys.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { servicesForMultiInstanceSuite } from '../support/services.js';
import { eventually } from '../support/eventually.js';

/*
 * SIGKILL between an idempotent write's commit and the storing of its answer, to the production
 * build in its own process. The store (the UPDATE setting the key's response_status) is held back
 * by a trigger that waits for an advisory lock the test holds, so the kill surely comes after the
 * commit and before the store rather than by luck of timing; the client gets no answer. After a
 * restart, and after the key's lease (IDEMPOTENCY_LEASE_MS, lowered to a second here) has run out,
 * the retry with the same key must not place the order again: it gets the order.
 */

const redisUrl = await servicesForMultiInstanceSuite('test/faults/idempotency.fault-spec.ts');
const describeWithServices = redisUrl ? describe : describe.skip;

/** The advisory lock the answer's store waits for while the test holds it. */
const ANSWER_LOCK = 'tiffin-faults-idempotency-answer';

describeWithServices('SIGKILL after an idempotent write committed, before its answer was stored', () => {
  const prefix = `tiffin-faults-${randomBytes(4).toString('hex')}`;
  let database: ScratchDatabase;
  let sql: DataSource;
  let restarted: AppProcess | undefined;

  beforeAll(async () => {
    database = await createScratchDatabase();
  });

  afterAll(async () => {
    await restarted?.stop();
    await sql?.destroy();
    await database?.drop();
    await deleteKeysUnderPrefix(redisUrl!, prefix);
  });

  it('the retry after the lease gets the order, and there is exactly one order', async () => {
    const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl!, CACHE_PREFIX: prefix, IDEMPOTENCY_LEASE_MS: '1000' };
    const app = await AppProcess.start(env);
    sql = await sqlTo(database.url);
    const catalogue = await seedCatalogue(sql, { read: 0, write: 1, customers: 1 });
    const { restaurant, menuItems } = catalogue.write[0];
    const customer = catalogue.customers[0];
    const path = `/orders/customers/${customer}/orders`;
    const body = {
      restaurant_id: restaurant,
      delivery_address: '1 Crash Lane',
      order_items: [{ menu_item_id: menuItems[0], quantity: 1 }],
    };
    const key = randomUUID();
    const keyed = { headers: { 'idempotency-key': `"${key}"` } };

    await sql.query(`
      CREATE FUNCTION test_hold_answer() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.response_status IS NOT NULL THEN PERFORM pg_advisory_xact_lock(hashtext('${ANSWER_LOCK}')); END IF;
        RETURN NEW;
      END
      $$`);
    await sql.query('CREATE TRIGGER test_hold_answer BEFORE UPDATE ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION test_hold_answer()');
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    let unanswered: unknown;
    try {
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [ANSWER_LOCK]);
      const placing = app.admin.post(path, body, keyed).then(
        (response) => response,
        (error: unknown) => error,
      );
      const [blocked] = await eventually('the answer store to wait for the lock', async () => {
        const { rows } = await holder.query(
          `SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a USING (pid)
            WHERE NOT l.granted AND l.locktype = 'advisory' AND a.datname = current_database()`,
        );
        return rows.length > 0 && rows;
      });
      // The write has committed, and its key says so; its answer is not stored.
      const [placed] = await sql.query('SELECT id FROM orders WHERE customer_id = $1', [customer]);
      expect(await sql.query('SELECT response_status, resource_kind, resource_id FROM idempotency_keys')).toEqual([
        { response_status: null, resource_kind: 'order', resource_id: placed.id },
      ]);
      app.signal('SIGKILL');
      expect((await app.waitForExit(10_000)).signal).toBe('SIGKILL');
      unanswered = await placing;
      // Postgres holds the statement the dead process sent and would run it once the lock goes.
      await holder.query('SELECT pg_terminate_backend($1)', [blocked.pid]);
    } finally {
      await holder.end();
    }
    await sql.query('DROP TRIGGER test_hold_answer ON idempotency_keys');
    // The client got no answer (the connection closed: fetch's TypeError, of another realm under Jest): it retries.
    expect(unanswered).toMatchObject({ name: 'TypeError', message: 'fetch failed' });

    restarted = await AppProcess.start(env);
    await eventually('the lease of the killed request to run out', async () => {
      const [row] = await sql.query('SELECT locked_until < now() AS over FROM idempotency_keys WHERE key = $1', [key]);
      return row.over as boolean;
    });
    const retry = expectStatus(await restarted.admin.post(path, body, keyed), 201, 'the retry');
    const orders = await sql.query('SELECT id FROM orders WHERE customer_id = $1', [customer]);
    expect(orders).toHaveLength(1);
    expect(retry).toEqual(expectStatus(await restarted.admin.get(`/orders/${orders[0].id}`), 200, 'the order'));
    // Later retries too: the key is never taken over once its write committed.
    expect(expectStatus(await restarted.admin.post(path, body, keyed), 201, 'a second retry').id).toBe(orders[0].id);
    expect(await sql.query('SELECT count(*)::int AS n FROM orders WHERE customer_id = $1', [customer])).toEqual([{ n: 1 }]);
  });
});
