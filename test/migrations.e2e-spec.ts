import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { applyMigrations } from '../src/database/database.module.js';
import { DataSource, type QueryRunner } from 'typeorm';
import { AnalyticsRefreshFailedKeys1764800000000 } from '../src/database/migrations/1764800000000-AnalyticsRefreshFailedKeys.js';
import { OrderDetailsPlanCached1765300000000 } from '../src/database/migrations/1765300000000-OrderDetailsPlanCached.js';
import { ReviewRatingChange1765600000000 } from '../src/database/migrations/1765600000000-ReviewRatingChange.js';
import { ReviewRatingUnmoved1765700000000 } from '../src/database/migrations/1765700000000-ReviewRatingUnmoved.js';
import { OrderStatusOutsideIndexes1765800000000 } from '../src/database/migrations/1765800000000-OrderStatusOutsideIndexes.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database.js';
import { hasPostgresServer } from './support/services.js';

// The tests open connections of their own beside the migrations' (four replicas at once, pg
// clients, a second data source): the embedded Postgres takes one at a time.
const server = hasPostgresServer('test/migrations.e2e-spec.ts', 'its connections need a Postgres server');
const describeOnServer = server ? describe : describe.skip;

// Replicas of a first install start together against an empty database: each applies the
// migrations at start-up. They must apply each one exactly once and all start.
describeOnServer('migrations at start-up, several replicas at once', () => {
  it('applies every migration once while four replicas migrate the same empty database together', async () => {
    const database = await createScratchDatabase();
    try {
      const target = { url: database.url, poolSize: database.poolSize };
      const outcomes = await Promise.allSettled([1, 2, 3, 4].map(() => applyMigrations(target)));
      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string; runs: string }>('SELECT name, count(*) AS runs FROM migrations GROUP BY name');
        const runs = Object.fromEntries(rows.map((row) => [row.name, Number(row.runs)]));
        expect(runs).toEqual(Object.fromEntries(MIGRATIONS.map((migration) => [migration.name, 1])));
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
  });
});

describeOnServer('migrations on a database one instance migrated', () => {
  let database: ScratchDatabase;

  beforeAll(async () => {
    database = await createScratchDatabase();
    await applyMigrations({ url: database.url, poolSize: database.poolSize });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('renames the failed keys of analytics-refresh runs recorded as dropped, and back', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    // The migration only sends SQL: a client stands in for TypeORM's query runner.
    const runner = { query: (sql: string) => client.query(sql) } as unknown as QueryRunner;
    const detailOf = async (id: string) =>
      (await client.query<{ detail: unknown }>('SELECT detail FROM job_runs WHERE id = $1', [id])).rows[0].detail;
    try {
      const insert = (job: string, detail: unknown) =>
        client.query<{ id: string }>(
          `INSERT INTO job_runs (job, instance, trigger, outcome, detail) VALUES ($1, 'i', 'schedule', 'succeeded', $2) RETURNING id`,
          [job, JSON.stringify(detail)],
        );
      const recorded = (await insert('analytics-refresh', { refreshed: 2, dropped: ['k1'], gone: 0 })).rows[0].id;
      const other = (await insert('cache-cleanup', { dropped: ['x'] })).rows[0].id;
      const migration = new AnalyticsRefreshFailedKeys1764800000000();

      await migration.up(runner);
      expect(await detailOf(recorded)).toEqual({ refreshed: 2, failed: ['k1'], gone: 0 });
      expect(await detailOf(other)).toEqual({ dropped: ['x'] });
      await migration.down(runner);
      expect(await detailOf(recorded)).toEqual({ refreshed: 2, dropped: ['k1'], gone: 0 });
    } finally {
      await client.end();
    }
  });

  // Postgres before 18 plans a LANGUAGE sql function's statement again on every call unless it can
  // inline it (no FROM clause); PL/pgSQL keeps the plan for the session. order_details_json, on
  // every write, cost 1.1 ms per call as SQL and about 0.2 ms as PL/pgSQL.
  it('defines no LANGUAGE sql function, and takes order_details_json back to SQL and forth', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const runner = { query: (sql: string) => client.query(sql) } as unknown as QueryRunner;
    const languages = async () =>
      (
        await client.query<{ name: string; language: string }>(
          `SELECT p.proname AS name, l.lanname AS language FROM pg_proc p
             JOIN pg_language l ON l.oid = p.prolang JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND l.lanname = 'sql' ORDER BY 1`,
        )
      ).rows;
    try {
      expect(await languages()).toEqual([]);
      const migration = new OrderDetailsPlanCached1765300000000();
      await migration.down(runner);
      expect(await languages()).toEqual([{ name: 'order_details_json', language: 'sql' }]);
      await migration.up(runner);
      expect(await languages()).toEqual([]);
    } finally {
      await client.end();
    }
  });
  it('leaves the schema builder nothing to change: the entities declare what the migrations made', async () => {
    const dataSource = new DataSource(buildDataSourceOptions({ url: database.url, poolSize: 2 }));
    await dataSource.initialize();
    try {
      const log = await dataSource.driver.createSchemaBuilder().log();
      expect(log.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('keeps order_status out of every index, so a status change that does not end the order is a HOT update, and takes it back', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const runner = { query: (sql: string, parameters?: unknown[]) => client.query(sql, parameters) } as unknown as QueryRunner;
    const indexedStatus = async () =>
      (
        await client.query<{ name: string }>(
          `SELECT indexrelid::regclass::text AS name FROM pg_index
            WHERE indrelid = 'orders'::regclass
              AND (pg_get_indexdef(indexrelid) LIKE '%order_status%' OR pg_get_expr(indpred, indrelid) LIKE '%order_status%')
            ORDER BY 1`,
        )
      ).rows.map((row) => row.name);
    // The backend's counters not yet sent to the statistics (they build up over its transactions).
    const counters = async () => {
      const { rows } = await client.query<{ updated: string; hot: string }>(
        `SELECT pg_stat_get_xact_tuples_updated('orders'::regclass) AS updated,
                pg_stat_get_xact_tuples_hot_updated('orders'::regclass) AS hot`,
      );
      return { updated: Number(rows[0].updated), hot: Number(rows[0].hot) };
    };
    // Updated in a transaction that is rolled back, so every update starts from the same row.
    const hotUpdates = async (orderId: number, to: string) => {
      await client.query('BEGIN');
      try {
        const before = await counters();
        await client.query('UPDATE orders SET order_status = $2 WHERE id = $1', [orderId, to]);
        const after = await counters();
        return { updated: after.updated - before.updated, hot: after.hot - before.hot };
      } finally {
        await client.query('ROLLBACK');
      }
    };
    try {
      const { rows } = await client.query<{ id: number }>(
        `WITH c AS (INSERT INTO customers (name, email, phone_number, address) VALUES ('Hot', 'hot@example.com', '+1-555-0100', 'x') RETURNING id),
              r AS (INSERT INTO restaurants (name, cuisine_type, address, phone_number) VALUES ('Hot', 'Thai', '1 Road', '+1-555-0100') RETURNING id)
         INSERT INTO orders (customer_id, restaurant_id, total_amount, delivery_address) SELECT c.id, r.id, 10, 'x' FROM c, r RETURNING id`,
      );
      const orderId = rows[0].id;
      expect(await indexedStatus()).toEqual([]);
      expect(await hotUpdates(orderId, 'confirmed')).toEqual({ updated: 1, hot: 1 });
      // Delivered or cancelled moves is_final, which the indexes of open orders select on.
      expect(await hotUpdates(orderId, 'cancelled')).toEqual({ updated: 1, hot: 0 });

      const migration = new OrderStatusOutsideIndexes1765800000000();
      await migration.down(runner);
      expect(await indexedStatus()).toEqual([
        'ix_orders_customer_id_order_status',
        'ix_orders_delivered_delivery_time',
        'ix_orders_order_status',
      ]);
      expect(await hotUpdates(orderId, 'confirmed')).toEqual({ updated: 1, hot: 0 });
      await migration.up(runner);
      expect(await indexedStatus()).toEqual([]);
      expect(await hotUpdates(orderId, 'confirmed')).toEqual({ updated: 1, hot: 1 });
    } finally {
      await client.end();
    }
  });

  it("reports the restaurant's rating before and after from add_review, leaves a restaurant whose rating stays alone, and takes each back", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const runner = { query: (sql: string) => client.query(sql) } as unknown as QueryRunner;
    const definition = async () =>
      (
        await client.query<{ definition: string }>(
          `SELECT pg_get_functiondef(p.oid) AS definition FROM pg_proc p
            WHERE p.proname = 'add_review' AND p.pronargs = 5`,
        )
      ).rows[0].definition;
    const state = async () => {
      const text = await definition();
      return { reportsRatings: text.includes("'rating_before', v_rating_before"), onlyWhenMoved: text.includes('AND rating <> round(') };
    };
    try {
      expect(await state()).toEqual({ reportsRatings: true, onlyWhenMoved: true });
      const unmoved = new ReviewRatingUnmoved1765700000000();
      const change = new ReviewRatingChange1765600000000();
      await unmoved.down(runner);
      expect(await state()).toEqual({ reportsRatings: true, onlyWhenMoved: false });
      await change.down(runner);
      expect(await state()).toEqual({ reportsRatings: false, onlyWhenMoved: false });
      await change.up(runner);
      await unmoved.up(runner);
      expect(await state()).toEqual({ reportsRatings: true, onlyWhenMoved: true });
    } finally {
      await client.end();
    }
  });
});
