import { DataSource, type DataSourceOptions, type QueryRunner, type ReplicationMode } from 'typeorm';
import { ReplicaReadScope } from './replica-read-scope.js';

/** The parts of TypeORM's PostgresDriver the routing uses (the class is not exported from the package root). */
interface ReplicatedDriver {
  slaves: PoolLike[];
  master: PoolLike;
  obtainMasterConnection(): Promise<[unknown, () => void]>;
  obtainSlaveConnection(): Promise<[unknown, () => void]>;
}

export interface PoolLike {
  connect(callback: (error: Error | undefined, client: unknown, release: () => void) => void): void;
  query<R = unknown>(sql: string): Promise<{ rows: R[] }>;
}

/** A plain read: safe on a hot standby. Anything else (a write, a locking read, a function call that may write) stays on the primary. */
const PLAIN_SELECT = /^\s*select\b/i;
const LOCKING = /\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b/i;
const isPlainSelect = (sql: string) => PLAIN_SELECT.test(sql) && !LOCKING.test(sql);

/**
 * TypeORM's replication, steered by {@link ReplicaReadScope} instead of a random pick: inside a
 * replica scope, SELECTs built by query builders and repositories (TypeORM's "slave" mode for
 * reads) and plain raw SELECTs go to that replica; everything else, and everything outside a scope,
 * goes to the primary. Transactions run on a query runner of their own, always the primary's.
 */
export class RoutingDataSource extends DataSource {
  constructor(options: DataSourceOptions) {
    super(options);
    const driver = this.replicatedDriver;
    driver.obtainSlaveConnection = () => {
      const replica = ReplicaReadScope.current();
      const pool = replica === undefined ? undefined : driver.slaves[replica];
      if (!pool) return driver.obtainMasterConnection();
      return new Promise((resolve, reject) =>
        pool.connect((error, client, release) => (error ? reject(error) : resolve([client, release]))),
      );
    };
  }

  /** The pools TypeORM opened: the primary's and one per replica, in DATABASE_REPLICA_URLS order. */
  get replicatedDriver(): ReplicatedDriver {
    return this.driver as unknown as ReplicatedDriver;
  }

  override defaultReplicationModeForReads(): ReplicationMode {
    return ReplicaReadScope.current() === undefined ? 'master' : 'slave';
  }

  // Same signature as DataSource.query, whose result type defaults to any.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override async query<T = any>(query: string, parameters?: unknown[], queryRunner?: QueryRunner): Promise<T> {
    if (queryRunner || ReplicaReadScope.current() === undefined || !isPlainSelect(query)) {
      return super.query<T>(query, parameters, queryRunner);
    }
    const replicaRunner = this.createQueryRunner('slave');
    try {
      return (await replicaRunner.query(query, parameters)) as T;
    } finally {
      await replicaRunner.release();
    }
  }
}
