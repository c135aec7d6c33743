import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, Not } from 'typeorm';
import { Alert, type AlertSeverity, type AlertStatus } from './entities/alert.entity.js';

export interface AlertFinding {
  rule: string;
  severity: AlertSeverity;
  value: number;
  threshold: number;
  message: string;
}

export interface AlertFilter {
  status?: AlertStatus;
  severity?: AlertSeverity;
}

/** The one index that keeps a rule from having two unresolved alerts. */
export const ONE_UNRESOLVED_PER_RULE = 'uq_alerts_rule_unresolved';

/** Every query on the alerts table. Updates guard on the status they expect, so racing writers cannot both win. */
@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: number): Promise<Alert | null> {
    return this.dataSource.manager.findOneBy(Alert, { id });
  }

  findUnresolved(rule: string): Promise<Alert | null> {
    return this.dataSource.manager.findOneBy(Alert, { rule, status: Not('resolved') });
  }

  /** Opens an alert; a unique violation of {@link ONE_UNRESOLVED_PER_RULE} when the rule already has one. */
  async open(finding: AlertFinding): Promise<Alert> {
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .insert()
      .into(Alert)
      .values({ ...finding, status: 'open' })
      .returning('*')
      .execute();
    return this.toAlert((result.raw as Record<string, unknown>[])[0]);
  }

  /** The condition still holds: new value, severity and message, seen now. Null if it was resolved meanwhile. */
  refresh(id: number, finding: AlertFinding): Promise<Alert | null> {
    return this.updateUnresolved(id, {
      severity: finding.severity,
      value: finding.value,
      threshold: finding.threshold,
      message: finding.message,
      last_seen_at: () => 'now()',
    });
  }

  /** Resolves the rule's unresolved alert, if any; returns it. */
  async resolveRule(rule: string): Promise<Alert | null> {
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .update(Alert)
      .set({ status: 'resolved', resolved_at: () => 'now()' })
      .where('rule = :rule AND status <> :resolved', { rule, resolved: 'resolved' })
      .returning('*')
      .execute();
    return (result.raw as Record<string, unknown>[])[0] ? this.toAlert((result.raw as Record<string, unknown>[])[0]) : null;
  }

  resolve(id: number): Promise<Alert | null> {
    return this.updateUnresolved(id, { status: 'resolved', resolved_at: () => 'now()' });
  }

  /** Acknowledging twice keeps the first acknowledgement time. */
  acknowledge(id: number): Promise<Alert | null> {
    return this.updateUnresolved(id, { status: 'acknowledged', acknowledged_at: () => 'coalesce(acknowledged_at, now())' });
  }

  /** Open and acknowledged alerts, counted by rule and severity (at most one per rule). */
  async countUnresolved(): Promise<{ rule: string; severity: AlertSeverity; count: number }[]> {
    const rows: { rule: string; severity: AlertSeverity; count: string }[] = await this.dataSource.manager
      .createQueryBuilder(Alert, 'alert')
      .select(['alert.rule AS rule', 'alert.severity AS severity', 'count(*) AS count'])
      .where('alert.status <> :resolved', { resolved: 'resolved' })
      .groupBy('alert.rule')
      .addGroupBy('alert.severity')
      .getRawMany();
    return rows.map((row) => ({ rule: row.rule, severity: row.severity, count: Number(row.count) }));
  }

  /** Newest first (opened_at, then id, descending). */
  findPage(filter: AlertFilter, skip: number, limit: number): Promise<[Alert[], number]> {
    return this.dataSource.manager.findAndCount(Alert, {
      where: {
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.severity ? { severity: filter.severity } : {}),
      },
      order: { opened_at: 'DESC', id: 'DESC' },
      skip,
      take: limit,
    });
  }

  private async updateUnresolved(id: number, values: Record<string, unknown>): Promise<Alert | null> {
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .update(Alert)
      .set(values)
      .where('id = :id AND status <> :resolved', { id, resolved: 'resolved' })
      .returning('*')
      .execute();
    return (result.raw as Record<string, unknown>[])[0] ? this.toAlert((result.raw as Record<string, unknown>[])[0]) : null;
  }

  /** RETURNING gives raw rows; the columns are the entity's properties already. */
  private toAlert(row: Record<string, unknown>): Alert {
    return this.dataSource.manager.create(Alert, row as Partial<Alert>);
  }
}
