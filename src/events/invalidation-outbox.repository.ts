import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { DomainEvent } from './domain-events.js';
import { type OutboxEvent, type RecordedEvent, toOutboxEvent } from './invalidation-outbox.js';

/** What the outbox holds now: rows not yet completed (in flight or left behind), and the oldest one's age. */
export interface OutboxBacklog {
  rows: number;
  /** Seconds since the oldest row was written; null when there is none. */
  oldest_age_seconds: number | null;
}

export interface OutboxRow {
  id: string;
  event: OutboxEvent;
  created_at: Date;
}

/**
 * The cache invalidation outbox (cache_invalidation_outbox, migration 1765000000000). Rows are
 * inserted in the transaction of the change they describe and deleted together with the cache
 * audit records of their invalidation (CacheAuditRepository), so a row left behind is an
 * invalidation not known to have landed.
 */
@Injectable()
export class InvalidationOutboxRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * Whether writes record their events here: only with the cache enabled. Disabled, nothing
   * invalidates, so nothing would ever complete a row; written anyway, only the outbox-replay job
   * would delete them, and with JOBS_ENABLED=false on every instance they would pile up. The
   * database functions that insert their own row (place_order, change_order_status, add_review)
   * are told the same through their p_record_outbox argument.
   */
  get recording(): boolean {
    return this.config.cache.enabled;
  }

  /** Runs `work` in a transaction; it records its events with {@link record} on the manager it is given. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Inside the caller's transaction: one row per event (one statement), each event paired with its
   * row; without {@link recording}, no row and no statement.
   */
  async record<E extends DomainEvent>(manager: EntityManager, events: E[]): Promise<RecordedEvent<E>[]> {
    if (events.length === 0) return [];
    if (!this.recording) return events.map((event) => ({ event, outboxId: null }));
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO cache_invalidation_outbox (event) VALUES ${events.map((_, index) => `($${index + 1}::jsonb)`).join(', ')}
       RETURNING id::text AS id`,
      events.map((event) => JSON.stringify(toOutboxEvent(event))),
    );
    // The rows take their ids in the order of VALUES, one statement's sequence values rising.
    const ids = rows.map((row) => BigInt(row.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return events.map((event, index) => ({ event, outboxId: String(ids[index]) }));
  }

  /** The oldest rows written more than `olderThanMs` ago, at most `limit`. */
  due(olderThanMs: number, limit: number): Promise<OutboxRow[]> {
    return this.dataSource.query(
      `SELECT id::text AS id, event, created_at FROM cache_invalidation_outbox
        WHERE created_at < now() - $1 * interval '1 millisecond' ORDER BY id LIMIT $2`,
      [olderThanMs, limit],
    );
  }

  /**
   * Deletes rows without an invalidation (the cache is disabled: rows written before it was
   * switched off); returns how many went.
   */
  async discard(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const [, deleted]: [unknown[], number] = await this.dataSource.query(
      'DELETE FROM cache_invalidation_outbox WHERE id = ANY ($1::bigint[])',
      [ids],
    );
    return deleted;
  }

  /** How many rows were written more than `olderThanMs` ago. */
  async countDue(olderThanMs: number): Promise<number> {
    const [{ count }]: { count: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM cache_invalidation_outbox WHERE created_at < now() - $1 * interval '1 millisecond'`,
      [olderThanMs],
    );
    return count;
  }

  /**
   * One statement: the oldest row comes from the created_at index; the count reads the table,
   * which holds only the rows of invalidations in flight (milliseconds each) unless some are left
   * behind, so it stays small while the outbox is healthy.
   */
  async backlog(): Promise<OutboxBacklog> {
    const [row]: OutboxBacklog[] = await this.dataSource.query(
      `SELECT count(*)::int AS rows, extract(epoch FROM now() - min(created_at))::float8 AS oldest_age_seconds
         FROM cache_invalidation_outbox`,
    );
    return row;
  }
}
