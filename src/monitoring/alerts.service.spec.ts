import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictException, NotFoundException } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { Registry } from 'prom-client';
import { QueryFailedError } from 'typeorm';
import { CacheMetrics } from '../cache/cache-metrics.js';
import type { AlertNotification, AlertNotifier } from './alert-notifier.js';
import type { RedisMemorySample } from './alert-rules.js';
import { AlertSignals } from './alert-signals.js';
import { type AlertFinding, type AlertFilter, type AlertsRepository, ONE_UNRESOLVED_PER_RULE } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';
import type { DependencyProbe } from './dependency-probe.js';
import type { Alert } from './entities/alert.entity.js';
import { HttpMetrics } from './http-metrics.js';
import { ALERT_RULES } from './monitoring.constants.js';

const uniqueViolation = () =>
  new QueryFailedError('insert', [], Object.assign(new Error('duplicate key'), { code: '23505', constraint: ONE_UNRESOLVED_PER_RULE }));

/** The alerts table in memory, with the partial unique index: one unresolved alert per rule. */
class FakeAlerts {
  rows: Alert[] = [];
  /** Simulates another instance inserting between this one's look and its insert. */
  openedElsewhereBeforeNextInsert: AlertFinding | undefined;

  async findById(id: number) {
    return this.rows.find((row) => row.id === id) ?? null;
  }
  async findUnresolved(rule: string) {
    return this.rows.find((row) => row.rule === rule && row.status !== 'resolved') ?? null;
  }
  async open(finding: AlertFinding) {
    if (this.openedElsewhereBeforeNextInsert) {
      this.insert(this.openedElsewhereBeforeNextInsert);
      this.openedElsewhereBeforeNextInsert = undefined;
    }
    if (await this.findUnresolved(finding.rule)) throw uniqueViolation();
    return { ...this.insert(finding) };
  }
  async refresh(id: number, finding: AlertFinding) {
    return this.update(id, {
      severity: finding.severity,
      value: finding.value,
      threshold: finding.threshold,
      message: finding.message,
      last_seen_at: new Date(),
    });
  }
  async resolveRule(rule: string) {
    const row = await this.findUnresolved(rule);
    return row ? this.update(row.id, { status: 'resolved', resolved_at: new Date() }) : null;
  }
  async resolve(id: number) {
    return this.update(id, { status: 'resolved', resolved_at: new Date() });
  }
  async acknowledge(id: number) {
    const row = this.rows.find((candidate) => candidate.id === id);
    return this.update(id, { status: 'acknowledged', acknowledged_at: row?.acknowledged_at ?? new Date() });
  }
  async findPage(filter: AlertFilter, skip: number, limit: number): Promise<[Alert[], number]> {
    const matching = this.rows
      .filter((row) => (!filter.status || row.status === filter.status) && (!filter.severity || row.severity === filter.severity))
      .reverse();
    return [matching.slice(skip, skip + limit), matching.length];
  }
  unresolved(rule: string) {
    return this.rows.filter((row) => row.rule === rule && row.status !== 'resolved');
  }
  private insert(finding: AlertFinding): Alert {
    const now = new Date();
    const row: Alert = {
      id: this.rows.length + 1,
      ...finding,
      status: 'open',
      opened_at: now,
      last_seen_at: now,
      acknowledged_at: null,
      resolved_at: null,
    };
    this.rows.push(row);
    return row;
  }
  private update(id: number, values: Partial<Alert>): Alert | null {
    const row = this.rows.find((candidate) => candidate.id === id && candidate.status !== 'resolved');
    if (!row) return null;
    Object.assign(row, values);
    return { ...row };
  }
}

describe('AlertsService', () => {
  let repository: FakeAlerts;
  let notifications: AlertNotification[];
  let cacheMetrics: CacheMetrics;
  let http: HttpMetrics;
  let redisMemory: RedisMemorySample | undefined;
  let service: AlertsService;

  const reads = (hits: number, misses: number) => {
    for (let i = 0; i < hits; i++) cacheMetrics.outcome('restaurants', 'HIT-L1');
    for (let i = 0; i < misses; i++) cacheMetrics.outcome('menu-items', 'MISS');
  };
  const ruleResult = async (rule: string) => (await service.evaluate()).rules.find((result) => result.rule === rule)!;
  const hitRatio = () => ruleResult(ALERT_RULES.hitRatio);

  beforeEach(() => {
    repository = new FakeAlerts();
    notifications = [];
    cacheMetrics = new CacheMetrics();
    http = new HttpMetrics(new Registry(), {} as HttpAdapterHost);
    redisMemory = { configured: false };
    const probe = { redisMemory: async () => redisMemory } as DependencyProbe;
    const notifier = { notify: (notification: AlertNotification) => void notifications.push(notification) } as AlertNotifier;
    service = new AlertsService(repository as unknown as AlertsRepository, new AlertSignals(cacheMetrics, http, probe), notifier);
  });

  it('judges the hit ratio of the one definition: stale serves are lookups, not hits', async () => {
    reads(10, 0);
    for (let i = 0; i < 10; i++) cacheMetrics.outcome('restaurants', 'STALE');
    expect(await hitRatio()).toMatchObject({ state: 'breach', severity: 'warning', value: 50, threshold: 70 });
  });

  it('opens an alert once, refreshes it while the condition holds and resolves it when it clears', async () => {
    reads(5, 20);
    expect(await hitRatio()).toMatchObject({ state: 'breach', severity: 'critical', value: 20, action: 'opened', alert_id: 1 });
    reads(0, 25);
    expect(await hitRatio()).toMatchObject({ state: 'breach', severity: 'critical', value: 0, action: 'updated', alert_id: 1 });
    reads(15, 10);
    expect(await hitRatio()).toMatchObject({
      state: 'breach',
      severity: 'warning',
      value: 60,
      threshold: 70,
      action: 'updated',
      alert_id: 1,
    });
    expect(repository.unresolved(ALERT_RULES.hitRatio)).toEqual([expect.objectContaining({ id: 1, severity: 'warning', value: 60 })]);
    reads(25, 0);
    expect(await hitRatio()).toMatchObject({ state: 'clear', value: 100, action: 'resolved', alert_id: 1 });
    expect(repository.rows).toEqual([expect.objectContaining({ id: 1, status: 'resolved', resolved_at: expect.any(Date) })]);
    expect(notifications.map((n) => [n.event, n.alert.id])).toEqual([
      ['alert.opened', 1],
      ['alert.resolved', 1],
    ]);
  });

  it('judges each window of reads once, and keeps a window open until it has 20 reads', async () => {
    reads(0, 10);
    expect(await hitRatio()).toMatchObject({ state: 'unknown', action: 'none' });
    reads(0, 10);
    // The 10 reads before are still in the window: 20 reads now.
    expect(await hitRatio()).toMatchObject({ state: 'breach', value: 0, action: 'opened' });
    expect(await hitRatio()).toMatchObject({ state: 'unknown', action: 'none' });
    expect(repository.unresolved(ALERT_RULES.hitRatio)).toHaveLength(1);
  });

  it('leaves the alert alone when there is too little data to judge', async () => {
    reads(0, 20);
    await service.evaluate();
    reads(3, 0);
    expect(await hitRatio()).toMatchObject({ state: 'unknown', action: 'none', alert_id: null });
    expect(repository.unresolved(ALERT_RULES.hitRatio)).toHaveLength(1);
  });

  it('runs concurrent evaluations one after another: the second finds the window already judged', async () => {
    reads(0, 30);
    const [first, second] = await Promise.all([service.evaluate(), service.evaluate()]);
    expect(first.rules.find((r) => r.rule === ALERT_RULES.hitRatio)!.action).toBe('opened');
    expect(second.rules.find((r) => r.rule === ALERT_RULES.hitRatio)!.action).toBe('none');
    expect(repository.rows).toHaveLength(1);
    expect(notifications).toHaveLength(1);
  });

  it('refreshes instead of opening when another instance opened the alert between the look and the insert', async () => {
    repository.openedElsewhereBeforeNextInsert = {
      rule: ALERT_RULES.hitRatio,
      severity: 'warning',
      value: 65,
      threshold: 70,
      message: 'opened by another instance',
    };
    reads(0, 20);
    expect(await hitRatio()).toMatchObject({ action: 'updated', alert_id: 1 });
    expect(repository.rows).toEqual([expect.objectContaining({ id: 1, severity: 'critical', value: 0, status: 'open' })]);
    expect(notifications).toEqual([]);
  });

  it('opens a new alert when the condition still holds after one was resolved by hand', async () => {
    reads(0, 20);
    await service.evaluate();
    await service.resolve(1);
    reads(0, 20);
    expect(await hitRatio()).toMatchObject({ action: 'opened', alert_id: 2 });
    expect(notifications.map((n) => [n.event, n.alert.id, n.reason])).toEqual([
      ['alert.opened', 1, expect.stringContaining('below 50%')],
      ['alert.resolved', 1, 'Resolved by an administrator'],
      ['alert.opened', 2, expect.stringContaining('below 50%')],
    ]);
  });

  it('keeps an acknowledged alert acknowledged while the condition holds', async () => {
    reads(0, 20);
    await service.evaluate();
    const acknowledged = await service.acknowledge(1);
    expect(acknowledged).toMatchObject({ status: 'acknowledged', acknowledged_at: expect.any(String) });
    expect(await service.acknowledge(1)).toEqual(acknowledged);
    reads(0, 20);
    expect(await hitRatio()).toMatchObject({ action: 'updated', alert_id: 1 });
    expect(repository.rows[0].status).toBe('acknowledged');
  });

  it('refuses to acknowledge or resolve an unknown alert (404) or a resolved one (409)', async () => {
    await expect(service.acknowledge(9)).rejects.toThrow(NotFoundException);
    await expect(service.resolve(9)).rejects.toThrow(NotFoundException);
    reads(0, 20);
    await service.evaluate();
    await service.resolve(1);
    await expect(service.resolve(1)).rejects.toThrow(ConflictException);
    await expect(service.acknowledge(1)).rejects.toThrow('Alert 1 is already resolved and cannot be acknowledged');
  });

  it('judges p95 from the HTTP histogram over the window since the last decisive evaluation', async () => {
    for (let i = 0; i < 19; i++) http.observe('GET', '/restaurants/:id', 200, 0.02);
    // Orchestrator probes are not user traffic: they neither count nor move p95.
    for (let i = 0; i < 50; i++) http.observe('GET', '/health/ready', 503, 2);
    expect(await ruleResult(ALERT_RULES.responseTime)).toMatchObject({ state: 'unknown' });
    for (let i = 0; i < 20; i++) http.observe('GET', '/orders/:id', 200, 0.3);
    // 39 requests in the window: rank 37.05 is in the 0.25-0.5 s bucket.
    expect(await ruleResult(ALERT_RULES.responseTime)).toMatchObject({ state: 'breach', severity: 'warning', action: 'opened' });
    for (let i = 0; i < 20; i++) http.observe('GET', '/orders/:id', 200, 0.02);
    expect(await ruleResult(ALERT_RULES.responseTime)).toMatchObject({ state: 'clear', value: 24.25, action: 'resolved' });
  });

  it('alerts on Redis memory only with maxmemory set, and leaves it alone while Redis does not answer', async () => {
    redisMemory = { configured: true, usedBytes: 95, maxBytes: 100 };
    expect(await ruleResult(ALERT_RULES.redisMemory)).toMatchObject({ severity: 'critical', value: 95, action: 'opened' });
    redisMemory = undefined;
    expect(await ruleResult(ALERT_RULES.redisMemory)).toMatchObject({ state: 'unknown', action: 'none' });
    redisMemory = { configured: true, usedBytes: 95, maxBytes: 0 };
    expect(await ruleResult(ALERT_RULES.redisMemory)).toMatchObject({ state: 'clear', action: 'resolved' });
  });

  it('starts a new window when the cache counters were reset', async () => {
    reads(30, 0);
    await service.evaluate();
    // Time passing: the reset must happen after the evaluation's timestamp.
    await new Promise((done) => setTimeout(done, 5));
    cacheMetrics.reset();
    reads(0, 20);
    expect(await hitRatio()).toMatchObject({ state: 'breach', value: 0, action: 'opened' });
  });

  it('lists newest first with the total', async () => {
    reads(0, 20);
    await service.evaluate();
    await service.resolve(1);
    reads(0, 20);
    await service.evaluate();
    const page = await service.list({ skip: 0, limit: 1, status: undefined, severity: 'critical' });
    expect(page.total).toBe(2);
    expect(page.items.map((alert) => alert.id)).toEqual([2]);
  });
});
