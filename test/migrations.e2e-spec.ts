import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { applyMigrations } from '../src/database/database.module.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database.js';

// Replicas of a first install start together against an empty database: each applies the
// migrations at start-up. They must apply each one exactly once and all start.
describe('migrations at start-up, several replicas at once', () => {
  let database: ScratchDatabase;

  beforeAll(async () => {
    database = await createScratchDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('applies every migration once while four replicas migrate the same empty database together', async () => {
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
  });
});
