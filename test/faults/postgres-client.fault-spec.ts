import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { IN_CI, SERVER_DATABASE_URL } from '../support/services.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/*
 * The app's own Postgres client options against a Postgres that stops answering mid-transaction:
 * the statement gives up at DATABASE_QUERY_TIMEOUT_MS, and its connection is discarded rather than
 * returned to the pool with the unanswered statement still queued on it (where the ROLLBACK, and
 * then the next request to borrow it, would each wait out another full timeout).
 */

if (!SERVER_DATABASE_URL && IN_CI) throw new Error('test/faults/postgres-client.fault-spec.ts needs DATABASE_URL under CI=true');
const describeWithServer = SERVER_DATABASE_URL ? describe : describe.skip;

describeWithServer('the Postgres client when the server stops answering', () => {
  let database: ScratchDatabase;
  let proxy: TcpProxy;
  let dataSource: DataSource;

  /** Connections in the pool, idle or lent out. */
  const pooled = () => (dataSource.driver as unknown as { master: { totalCount: number } }).master.totalCount;

  beforeAll(async () => {
    database = await createScratchDatabase();
    const target = new URL(database.url);
    proxy = new TcpProxy(target.hostname, Number(target.port) || 5432);
    await proxy.start();
    const options = buildDataSourceOptions({ url: proxy.through(database.url), poolSize: 4 }, { connectMs: 500, queryMs: 500 });
    dataSource = await new DataSource({ ...options, entities: [], migrations: [] }).initialize();
  });

  afterAll(async () => {
    await proxy?.restore();
    await dataSource?.destroy().catch(() => undefined);
    await proxy?.stop();
    await database?.drop();
  });

  it('fails the statement with a read timeout and discards its connection instead of pooling it', async () => {
    await Promise.all([1, 2, 3].map(() => dataSource.query('SELECT 1')));
    const before = pooled();
    expect(before).toBeGreaterThan(0);

    proxy.stall();
    const failure = await dataSource.transaction((manager) => manager.query('SELECT 1')).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('Query read timeout');
    expect(pooled()).toBe(before - 1);

    await proxy.restore();
    expect(await dataSource.query('SELECT 1 AS answer')).toEqual([{ answer: 1 }]);
  });
});
