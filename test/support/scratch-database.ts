import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { IN_CI, SERVER_DATABASE_URL } from './services.js';

export interface ScratchDatabase {
  url: string;
  poolSize: number;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one suite: a new database on the configured Postgres server, or
 * an in-memory embedded Postgres when none is configured.
 */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  if (!SERVER_DATABASE_URL) {
    if (IN_CI) throw new Error('CI=true requires DATABASE_URL: the e2e suites must run against the real Postgres server');
    const embedded = await startEmbeddedPostgres({ port: 0 });
    return { url: embedded.url, poolSize: 1, drop: () => embedded.stop() };
  }
  const name = `tiffin_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_DATABASE_URL, connectionTimeoutMillis: 3000 });
  await admin.connect().catch((error: Error) => {
    throw new Error(`Postgres at ${SERVER_DATABASE_URL} is not reachable: ${error.message}`);
  });
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(SERVER_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    poolSize: 10,
    drop: async () => {
      const client = new pg.Client({ connectionString: SERVER_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
