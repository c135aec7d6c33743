import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PaginationQuery } from '../../common/pagination/pagination.js';
import { CacheAuditEntry } from './entities/cache-audit-entry.entity.js';

export type NewAuditEntry = Omit<CacheAuditEntry, 'id'>;

export interface AuditFilter {
  /** Records of this namespace, and namespace-less ones (invalidations, full clears) that removed keys in it. */
  namespace?: string;
  action?: string;
  cause?: string;
  since?: Date;
  until?: Date;
}

/** All SQL about the cache audit log. */
@Injectable()
export class CacheAuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get entries() {
    return this.dataSource.getRepository(CacheAuditEntry);
  }

  /**
   * Inserts the records and deletes the cache invalidation outbox rows they complete, in one
   * statement: both happen or neither, so an outbox row is gone only once the audit of its
   * invalidation is stored.
   */
  async insertMany(rows: NewAuditEntry[], completedOutboxIds: string[] = []): Promise<void> {
    if (rows.length === 0 && completedOutboxIds.length === 0) return;
    await this.dataSource.query(
      `WITH completed AS (DELETE FROM cache_invalidation_outbox WHERE id = ANY ($1::bigint[]))
       INSERT INTO cache_audit_log (occurred_at, cause, action, namespace, tags, keys, key_count, reason)
       SELECT occurred_at, cause, action, namespace,
              ARRAY(SELECT jsonb_array_elements_text(tags)), ARRAY(SELECT jsonb_array_elements_text(keys)), key_count, reason
         FROM jsonb_to_recordset($2::jsonb) AS entry(occurred_at timestamptz, cause varchar, action varchar, namespace varchar,
                                                    tags jsonb, keys jsonb, key_count integer, reason text)`,
      [completedOutboxIds, JSON.stringify(rows)],
    );
  }

  /** Newest first (occurred_at, then id, descending). */
  findPage(filter: AuditFilter, page: PaginationQuery): Promise<[CacheAuditEntry[], number]> {
    const query = this.entries.createQueryBuilder('entry');
    if (filter.namespace !== undefined) {
      query.andWhere(
        `(entry.namespace = :namespace OR (entry.namespace IS NULL AND EXISTS (
           SELECT 1 FROM unnest(entry.keys) AS removed(key) WHERE left(removed.key, length(:namespace) + 1) = :namespace || ':')))`,
        { namespace: filter.namespace },
      );
    }
    if (filter.action !== undefined) query.andWhere('entry.action = :action', { action: filter.action });
    if (filter.cause !== undefined) query.andWhere('entry.cause = :cause', { cause: filter.cause });
    if (filter.since !== undefined) query.andWhere('entry.occurred_at >= :since', { since: filter.since });
    if (filter.until !== undefined) query.andWhere('entry.occurred_at <= :until', { until: filter.until });
    return query.orderBy('entry.occurred_at', 'DESC').addOrderBy('entry.id', 'DESC').skip(page.skip).take(page.limit).getManyAndCount();
  }

  /** Deletes the records older than `cutoff`; returns how many. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.entries.createQueryBuilder().delete().where('occurred_at < :cutoff', { cutoff }).execute();
    return result.affected ?? 0;
  }
}
