import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type CacheChangeRecord, CacheService } from '../../cache/cache.service.js';
import { AppConfig } from '../../config/app-config.js';
import { ValidationFailedException } from '../../common/errors/validation-failed.exception.js';
import { Page } from '../../common/pagination/pagination.js';
import { CacheOpsSettings } from '../cache-ops.settings.js';
import { CacheAuditRepository, type NewAuditEntry } from './cache-audit.repository.js';
import { type CacheAuditEntryResponse, type CacheAuditQuery, toCacheAuditEntryResponse } from '../dto/cache-audit.dto.js';

const WRITE_ATTEMPTS = 3;
const RETRY_DELAY_MS = 200;
/**
 * How long records wait for others to share their insert. Each insert is a round trip to Postgres
 * whatever it carries, so under a stream of writes (a hundred or more a second) one insert per
 * write was a large share of a write's cost; after this pause an insert carries the records of
 * every write of the interval. The outbox rows they complete stay that much longer, far below
 * CACHE_OUTBOX_REPLAY_AFTER_SECONDS.
 */
const BATCH_WAIT_MS = 50;

/**
 * The cache audit log: every invalidation and clear the CacheService reports, with its cause
 * (route or job), namespace, tags, keys and reason, in cache_audit_log.
 *
 * Writes are asynchronous: a change is queued and written in batches (every record reported
 * within BATCH_WAIT_MS in one insert), so no request waits on the
 * audit insert (and a request holding the embedded database's one connection cannot deadlock
 * with it). A failed batch is retried; a batch that still fails is logged record by record, at
 * error level, so nothing is lost silently. Reads of the log first wait for queued records, so
 * they include every change made before them on this instance; pending records are written
 * before shutdown.
 *
 * The records of a write's invalidation are durable all the same: the write's transaction left a
 * cache invalidation outbox row, which the batch deletes in the statement that inserts them. If
 * the process stops before that, the row stays and the outbox-replay job invalidates again and
 * records it.
 */
@Injectable()
export class CacheAuditService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(CacheAuditService.name);
  private queue: NewAuditEntry[] = [];
  /** The outbox rows the queued records complete. */
  private completing: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;

  constructor(
    private readonly cache: CacheService,
    private readonly repository: CacheAuditRepository,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.cache.onChange((record) => this.enqueue(record));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  /** Resolves once every record reported so far is written (or logged as lost). */
  async settled(): Promise<void> {
    while (this.scheduled || this.queue.length > 0 || this.completing.length > 0) await this.writing;
    await this.writing;
  }

  async list(query: CacheAuditQuery): Promise<Page<CacheAuditEntryResponse>> {
    const since = query.since === undefined ? undefined : new Date(query.since);
    const until = query.until === undefined ? undefined : new Date(query.until);
    if (since && until && since > until) {
      throw ValidationFailedException.single('until', 'not_before_since', 'until must not be before since');
    }
    await this.settled();
    const [rows, total] = await this.repository.findPage(
      { namespace: query.namespace, action: query.action, cause: query.cause, since, until },
      query,
    );
    return new Page(rows.map(toCacheAuditEntryResponse), total);
  }

  /** Retention: deletes the records older than `days` days; returns how many. For the jobs scheduler. */
  async pruneOlderThan(days: number = this.config.cache.auditRetentionDays): Promise<number> {
    const deleted = await this.repository.deleteOlderThan(new Date(Date.now() - days * 86_400_000));
    if (deleted > 0) this.logger.log(`Pruned ${deleted} cache audit record(s) older than ${days} days`);
    return deleted;
  }

  private enqueue(record: CacheChangeRecord): void {
    this.queue.push({
      occurred_at: new Date(),
      cause: record.cause.slice(0, 200),
      action: record.action,
      namespace: record.namespace,
      tags: record.tags,
      keys: record.keys.slice(0, CacheOpsSettings.auditKeysKept),
      key_count: record.keys.length,
      reason: record.reason,
    });
    this.completing.push(...(record.completes ?? []));
    if (this.scheduled) return;
    this.scheduled = true;
    // Records reported within BATCH_WAIT_MS (a cascade, a clear's parts, concurrent writes) go in one insert.
    this.writing = this.writing.then(async () => {
      await new Promise((done) => setTimeout(done, BATCH_WAIT_MS));
      this.scheduled = false;
      const batch = this.queue;
      const completes = this.completing;
      this.queue = [];
      this.completing = [];
      await this.write(batch, completes);
    });
  }

  private async write(batch: NewAuditEntry[], completes: string[]): Promise<void> {
    for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      try {
        await this.repository.insertMany(batch, completes);
        return;
      } catch (error) {
        if (attempt < WRITE_ATTEMPTS) {
          await new Promise((done) => setTimeout(done, RETRY_DELAY_MS * attempt));
          continue;
        }
        this.logger.error(`Could not write ${batch.length} cache audit record(s): ${(error as Error).message}`);
        // The outbox rows among them stay, and the outbox-replay job records their invalidation again.
        if (completes.length > 0) this.logger.warn(`Outbox rows ${completes.join(', ')} stay to be replayed`);
        for (const entry of batch) {
          this.logger.error(`Lost cache audit record: ${JSON.stringify({ ...entry, keys: entry.keys.slice(0, 20) })}`);
        }
      }
    }
  }
}
