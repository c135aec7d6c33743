import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LoadRouting, type LoadRoutingReport, type ReplicaReadCounts } from '../../cache/load-routing.js';
import { AppConfig } from '../../config/app-config.js';
import { SharedRedis } from '../../redis/redis-connection.js';
import { ReplicaMonitor } from './replica-monitor.js';
import { ReplicaReadScope } from './replica-read-scope.js';
import { RoutingDataSource } from './routing-data-source.js';
import { PRIMARY_POSITION_SQL } from './wal-position.js';
import { WriteLsnBook } from './write-lsn-book.js';

/** What a load returns: at least the tags of what it read (known before the load, and found in its result). */
export interface TaggedLoad {
  tags: string[];
}

/**
 * Read-your-writes across replicas, exactly: each write's invalidation records the primary's WAL
 * position after its commit for every tag it invalidates ({@link recordWrite}); a cache load may
 * use a replica only if that replica had replayed at least the latest recorded position of every
 * tag the load reads ({@link load}), else it reads the primary. Without replicas both are no-ops
 * that send nothing.
 */
@Injectable()
export class ReplicaReads extends LoadRouting implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ReplicaReads');
  private readonly routing?: { monitor: ReplicaMonitor; book: WriteLsnBook; dataSource: RoutingDataSource };
  private readonly counts: ReplicaReadCounts = { replica: 0, primary: 0, primary_after_check: 0, replica_failures: 0 };

  constructor(config: AppConfig, dataSource: DataSource, shared: SharedRedis) {
    super();
    if (!(dataSource instanceof RoutingDataSource)) return;
    const driver = dataSource.replicatedDriver;
    const book = new WriteLsnBook(shared.connection);
    // A write LSN that could not reach Redis is sent again on every poll.
    const monitor = new ReplicaMonitor(config.database.replicaUrls, driver.master, driver.slaves, () => book.flush().catch(() => {}));
    this.routing = { monitor, book, dataSource };
  }

  override get enabled(): boolean {
    return this.routing !== undefined;
  }

  onApplicationBootstrap(): void {
    this.routing?.monitor.start();
  }

  onModuleDestroy(): void {
    this.routing?.monitor.stop();
  }

  /**
   * Called after a write committed and before its tags are invalidated: a load that starts after
   * the invalidation sees the position, and one that started before is not stored (the cache's
   * own rule). `pg_current_wal_lsn()` read after the commit is at or past the commit's position.
   */
  override async recordWrite(tags: readonly string[]): Promise<void> {
    if (!this.routing || tags.length === 0) return;
    let lsn: number;
    try {
      const { rows } = await this.routing.dataSource.replicatedDriver.master.query<{ lsn: string }>(PRIMARY_POSITION_SQL);
      lsn = Number(rows[0].lsn);
    } catch (error) {
      // The write committed but its position is unknown: these tags are read on the primary until the record is forgotten.
      this.logger.warn(
        `Could not read the primary's WAL position after a write (${(error as Error).message}): ${tags.join(', ')} read from the primary for now`,
      );
      lsn = Number.MAX_SAFE_INTEGER;
    }
    await this.routing.book.record(tags, lsn);
  }

  /**
   * Runs a cache load on a replica that has replayed every write of `knownTags`; if its result names
   * further tags written after that replica's position, or the replica fails, it is loaded again on
   * the primary. Any error on the replica (a 404 for a row it has not replayed yet included) is
   * retried on the primary, whose answer stands.
   */
  override async load<T extends TaggedLoad>(knownTags: readonly string[], loader: () => Promise<T>): Promise<T> {
    if (!this.routing) return loader();
    const { monitor, book } = this.routing;
    const required = await book.latest(knownTags);
    const replica = required === undefined ? undefined : monitor.pick(required);
    if (!replica) {
      this.counts.primary++;
      return ReplicaReadScope.onPrimary(loader);
    }
    let value: T;
    try {
      value = await ReplicaReadScope.onReplica(replica.index, loader);
    } catch (error) {
      this.counts.replica_failures++;
      if (isConnectionProblem(error)) monitor.markFailed(replica.index, error as Error);
      return ReplicaReadScope.onPrimary(loader);
    }
    const found = value.tags.filter((tag) => !knownTags.includes(tag));
    if (found.length > 0) {
      const latest = await book.latest(found);
      if (latest === undefined || latest > replica.replayLsn) {
        this.counts.primary_after_check++;
        return ReplicaReadScope.onPrimary(loader);
      }
    }
    this.counts.replica++;
    return value;
  }

  override report(): LoadRoutingReport | undefined {
    if (!this.routing) return undefined;
    return {
      replicas: this.routing.monitor.replicaStates,
      reads: { ...this.counts },
      lsns_pending_in_redis: this.routing.book.pendingInRedis,
    };
  }

  /** Polls now instead of waiting for the timer (tests): the positions it reports are read after this call. */
  async pollNow(): Promise<void> {
    await this.routing?.monitor.pollFresh();
  }
}

/** An HTTP error is an answer; anything else from the driver (refused, reset, timed out) says the replica is in trouble. */
function isConnectionProblem(error: unknown): boolean {
  return error instanceof Error && !('getStatus' in error);
}
