import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
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
 * SIGKILL right after a write's answer, to the production build in its own process. The audit
 * batch of the write's invalidation is written after the answer; a test connection holds it back
 * (a lock on cache_audit_log) until the process is dead, so the kill surely comes first rather
 * than by luck of timing. After a restart the audit record of that invalidation exists (the
 * outbox-replay job wrote it from the row the write committed) and the outbox is empty.
 */

const redisUrl = await servicesForMultiInstanceSuite('test/faults/outbox.fault-spec.ts');
const describeWithServices = redisUrl ? describe : describe.skip;

describeWithServices('SIGKILL right after a write answered, before its invalidation was audited', () => {
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

  it('the restarted app writes the audit record of that write and empties the outbox', async () => {
    const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl!, CACHE_PREFIX: prefix };
    const app = await AppProcess.start(env);
    sql = await sqlTo(database.url);
    const catalogue = await seedCatalogue(sql, { read: 0, write: 1, customers: 1 });
    const { restaurant, menuItems } = catalogue.write[0];
    const customer = catalogue.customers[0];

    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    let orderId: number;
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE cache_audit_log IN SHARE MODE');
      const placed = await app.admin.post(`/orders/customers/${customer}/orders`, {
        restaurant_id: restaurant,
        delivery_address: '1 Crash Lane',
        order_items: [{ menu_item_id: menuItems[0], quantity: 1 }],
      });
      orderId = expectStatus(placed, 201, 'placing an order').id;
      // The audit batch (with the outbox row's delete) is under way, waiting for the lock.
      const waiting = () =>
        holder.query(`SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                       WHERE NOT l.granted AND l.relation = 'cache_audit_log'::regclass`);
      const [blocked] = await eventually('the audit batch to wait for the lock', async () => {
        const { rows } = await waiting();
        return rows.length > 0 && rows;
      });
      app.signal('SIGKILL');
      expect((await app.waitForExit(10_000)).signal).toBe('SIGKILL');
      // Postgres holds the whole statement the dead process sent and would run it once the lock
      // goes; a process that died a moment earlier would not have sent it at all.
      await holder.query('SELECT pg_terminate_backend($1)', [blocked.pid]);
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }

    const outbox = await sql.query('SELECT event FROM cache_invalidation_outbox');
    expect(outbox).toEqual([{ event: { type: 'order.placed', order_id: orderId, customer_id: customer, restaurant_id: restaurant } }]);
    const audited = () =>
      sql.query(`SELECT cause, action, tags, reason FROM cache_audit_log WHERE $1 = ANY (tags)`, [`customer:${customer}:orders`]);
    expect(await audited()).toEqual([]);

    restarted = await AppProcess.start({
      ...env,
      JOBS_ENABLED: 'true',
      // Replayed within a second or two here; in production 30 s and every minute.
      CACHE_OUTBOX_REPLAY_AFTER_SECONDS: '1',
      JOB_INTERVAL_OUTBOX_REPLAY_MS: '1000',
    });
    const [record] = await eventually(
      'the replay to audit the invalidation of the placed order',
      async () => {
        const rows = await audited();
        return rows.length > 0 && rows;
      },
      { timeoutMs: 30_000 },
    );
    expect(record).toEqual({
      cause: 'job:outbox-replay',
      action: 'invalidate',
      tags: expect.arrayContaining([`customer:${customer}:orders`, `restaurant:${restaurant}:orders`]),
      reason: expect.stringMatching(/^order\.placed, replayed from the outbox/),
    });
    expect(await sql.query('SELECT id FROM cache_invalidation_outbox')).toEqual([]);
  });
});
