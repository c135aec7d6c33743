import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One invalidation or clear: when, what caused it (route or job), what it removed and why. */
@Entity({ name: 'cache_audit_log' })
@Index('ix_cache_audit_log_namespace_occurred_at', ['namespace', 'occurred_at'])
export class CacheAuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Index('ix_cache_audit_log_occurred_at')
  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurred_at: Date;

  /** e.g. "PUT /restaurants/:id" or "job:cleanup". */
  @Column({ type: 'varchar', length: 200 })
  cause: string;

  /** invalidate | clear | clear-namespace | clear-expired | delete-key */
  @Column({ type: 'varchar', length: 30 })
  action: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  namespace: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  keys: string[];

  @Column({ type: 'integer', default: 0 })
  key_count: number;

  @Column({ type: 'text' })
  reason: string;
}
