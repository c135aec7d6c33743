import { Logger } from '@nestjs/common';
import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import type { DatabaseTimeouts } from '../config/app-config.js';

export interface ConnectionTarget {
  url: string;
  poolSize: number;
}

/** How long the app waits on Postgres; see DATABASE_CONNECT_TIMEOUT_MS and DATABASE_QUERY_TIMEOUT_MS. */
const poolLogger = new Logger('PostgresPool');

const isReadTimeout = (error: unknown) => error instanceof Error && error.message === 'Query read timeout';

/**
 * A client that gives up its connection when a statement outlives `query_timeout` on the client
 * side. node-postgres answers the caller but keeps the connection, with the unanswered statement
 * still in front of everything sent after it: a ROLLBACK would wait out another full timeout and
 * the pool would hand the stuck connection to the next request. Destroyed, it fails fast and the
 * pool replaces it.
 */
class AbandoningClient extends pg.Client {
  // pg.Client.query has a dozen overloads (promise and callback forms); this override forwards
  // them all, so its return type can only be theirs: any.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: unknown[]): any {
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (error: Error | null, result?: unknown) => void;
      args[last] = (error: Error | null, result?: unknown) => {
        if (isReadTimeout(error)) this.abandon();
        callback(error, result);
      };
    }
    const result = (super.query as (...values: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (isReadTimeout(error)) this.abandon();
      });
    }
    return result;
  }

  private abandon(): void {
    (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  }
}

/**
 * Without `timeouts` nothing is bounded: for migrations, which may legitimately run for minutes
 * (an index on a large table).
 */
export function buildDataSourceOptions(target: ConnectionTarget, timeouts?: DatabaseTimeouts): DataSourceOptions {
  return {
    type: 'postgres',
    url: target.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // An idle connection that breaks (Postgres restarted, network cut) is reported here, not thrown:
    // the pool drops it and opens a new one on the next checkout.
    poolErrorHandler: (error: Error) => poolLogger.warn(`Idle Postgres connection lost: ${error.message}`),
    extra: {
      max: target.poolSize,
      connectionTimeoutMillis: timeouts?.connectMs ?? 5000,
      ...(timeouts ? { statement_timeout: timeouts.queryMs, query_timeout: timeouts.queryMs, Client: AbandoningClient } : {}),
    },
  };
}
