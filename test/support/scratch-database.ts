import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { IN_CI, SERVER_DATABASE_URL } from './services.js';
import { TEST_TOPOLOGY, topologyPostgresPair } from './topology.js';

export interface ScratchDatabase {
  url: string;
  /** The same database on a streaming replica of its server (TEST_TOPOLOGY=postgres-replicas). */
  replicaUrl?: string;
  poolSize: number;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one suite: a new database on the configured Postgres server, or
 * an in-memory embedded Postgres when none is configured.
 */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  if (TEST_TOPOLOGY === 'postgres-replicas') return createReplicatedScratchDatabase();
  if (!SERVER_DATABASE_URL) {
    if (IN_CI) throw new Error('CI=true requires DATABASE_URL: the e2e suites must run against the real Postgres server');
    const embedded = await startEmbeddedPostgres({ port: 0 });
    return { url: embedded.url, poolSize: 1, drop: () => embedded.stop() };
  }
  const name = `tiffin_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  // A server that is down refuses at once; the generous bound is for a busy CI machine, where two
  // suites' connections timed out at 3 s while the server was up.
  const admin = new pg.Client({ connectionString: SERVER_DATABASE_URL, connectionTimeoutMillis: 20_000 });
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

/** A fresh database on the topology's primary, present on its replica before an app connects there. */
async function createReplicatedScratchDatabase(): Promise<ScratchDatabase> {
  const pair = await topologyPostgresPair();
  const name = `tiffin_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  const onPrimary = async (sql: string) => {
    const client = new pg.Client({ connectionString: pair.primaryUrl, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await onPrimary(`CREATE DATABASE "${name}"`);
  await pair.waitForReplay();
  const { primary, replica } = pair.urlsFor(name);
  return { url: primary, replicaUrl: replica, poolSize: 10, drop: () => onPrimary(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
