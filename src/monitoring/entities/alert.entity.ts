import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AlertSeverity = 'warning' | 'critical';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

/** An alert opens once per rule, stays open while its condition holds, and resolves when it clears. */
@Entity({ name: 'alerts' })
@Check('ck_alerts_severity', `"severity" IN ('warning', 'critical')`)
@Check('ck_alerts_status', `"status" IN ('open', 'acknowledged', 'resolved')`)
@Index('uq_alerts_rule_unresolved', { synchronize: false })
@Index('ix_alerts_status_opened_at', ['status', 'opened_at'])
export class Alert {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100 })
  rule: string;

  @Column({ type: 'varchar', length: 20 })
  severity: AlertSeverity;

  @Column({ type: 'varchar', length: 20, default: 'open' })
  status: AlertStatus;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'double precision' })
  value: number;

  @Column({ type: 'double precision' })
  threshold: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  opened_at: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  last_seen_at: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledged_at: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolved_at: Date | null;
}
