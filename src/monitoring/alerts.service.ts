import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { isUniqueViolation } from '../common/errors/postgres-errors.js';
import { Page } from '../common/pagination/pagination.js';
import { AlertNotifier } from './alert-notifier.js';
import { evaluateHitRatio, evaluateRedisMemory, evaluateResponseTime, type RuleOutcome } from './alert-rules.js';
import { AlertSignals, type WindowedSample } from './alert-signals.js';
import { type AlertFinding, AlertsRepository, ONE_UNRESOLVED_PER_RULE } from './alerts.repository.js';
import {
  type AlertListQuery,
  type AlertResponse,
  type EvaluationAction,
  type EvaluationResponse,
  type RuleEvaluationResponse,
  toAlertResponse,
} from './dto/alert.dto.js';
import type { Alert } from './entities/alert.entity.js';

/**
 * Alerts from the thresholds in monitoring.constants. {@link evaluate} measures each rule and brings its alert in
 * line: a breach opens the rule's alert (once: the partial unique index keeps one unresolved alert
 * per rule even when instances evaluate at the same moment) or refreshes it (value, severity,
 * last_seen_at); a clear resolves it; an unknown leaves it alone. Evaluations on one instance run
 * one after another, so each window of counters is judged once.
 */
@Injectable()
export class AlertsService {
  private readonly logger = new Logger('Alerts');
  private lastEvaluation: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly signals: AlertSignals,
    private readonly notifier: AlertNotifier,
  ) {}

  /** Called by the health-monitor job every 5 minutes and by POST /alerts/evaluate. */
  evaluate(): Promise<EvaluationResponse> {
    const evaluation = this.lastEvaluation.catch(() => undefined).then(() => this.evaluateNow());
    this.lastEvaluation = evaluation;
    return evaluation;
  }

  async list(query: AlertListQuery): Promise<Page<AlertResponse>> {
    const [alerts, total] = await this.alerts.findPage({ status: query.status, severity: query.severity }, query.skip, query.limit);
    return new Page(alerts.map(toAlertResponse), total);
  }

  async acknowledge(id: number): Promise<AlertResponse> {
    const alert = await this.alerts.acknowledge(id);
    if (!alert) throw await this.cannotChange(id, 'acknowledged');
    return toAlertResponse(alert);
  }

  async resolve(id: number): Promise<AlertResponse> {
    const alert = await this.alerts.resolve(id);
    if (!alert) throw await this.cannotChange(id, 'resolved');
    const response = toAlertResponse(alert);
    this.notifier.notify({ event: 'alert.resolved', alert: response, reason: 'Resolved by an administrator' });
    return response;
  }

  private async evaluateNow(): Promise<EvaluationResponse> {
    const evaluatedAt = new Date();
    const latency = this.signals.latency();
    const memory = await this.signals.redisMemory();
    const outcomes = [
      this.decide(this.signals.hitRatio(), evaluateHitRatio),
      this.decide(latency, evaluateResponseTime),
      evaluateRedisMemory(memory),
    ];
    const rules: RuleEvaluationResponse[] = [];
    for (const outcome of outcomes) rules.push(await this.apply(outcome));
    return { evaluated_at: evaluatedAt.toISOString(), rules };
  }

  /** A window that decided something is closed; one with too little data keeps growing. */
  private decide<T>(windowed: WindowedSample<T>, rule: (sample: T) => RuleOutcome): RuleOutcome {
    const outcome = rule(windowed.sample);
    if (outcome.state !== 'unknown') windowed.advance();
    return outcome;
  }

  private async apply(outcome: RuleOutcome): Promise<RuleEvaluationResponse> {
    const report = (action: EvaluationAction, alert: Alert | null): RuleEvaluationResponse => ({
      rule: outcome.rule,
      state: outcome.state,
      severity: outcome.state === 'breach' ? outcome.severity : null,
      value: outcome.value,
      threshold: outcome.state === 'breach' ? outcome.threshold : null,
      message: outcome.message,
      action,
      alert_id: alert?.id ?? null,
    });
    if (outcome.state === 'unknown') return report('none', null);
    if (outcome.state === 'clear') {
      const resolved = await this.alerts.resolveRule(outcome.rule);
      if (resolved) this.notifier.notify({ event: 'alert.resolved', alert: toAlertResponse(resolved), reason: outcome.message });
      return report(resolved ? 'resolved' : 'none', resolved);
    }
    const { rule, severity, value, threshold, message } = outcome;
    const { action, alert } = await this.raise({ rule, severity, value, threshold, message });
    return report(action, alert);
  }

  private async raise(finding: AlertFinding): Promise<{ action: EvaluationAction; alert: Alert | null }> {
    const existing = await this.alerts.findUnresolved(finding.rule);
    if (existing) {
      const refreshed = await this.alerts.refresh(existing.id, finding);
      if (refreshed) {
        if (refreshed.severity !== existing.severity) {
          this.logger.warn(`Alert #${refreshed.id} ${refreshed.rule} is now ${refreshed.severity}: ${finding.message}`);
        }
        return { action: 'updated', alert: refreshed };
      }
      // Resolved between the look and the update: the condition still holds, so a new alert opens.
    }
    try {
      const opened = await this.alerts.open(finding);
      this.notifier.notify({ event: 'alert.opened', alert: toAlertResponse(opened), reason: finding.message });
      return { action: 'opened', alert: opened };
    } catch (error) {
      if (!isUniqueViolation(error, ONE_UNRESOLVED_PER_RULE)) throw error;
      // Another instance opened it between our look and our insert: it notified; we refresh it.
      const winner = await this.alerts.findUnresolved(finding.rule);
      const refreshed = winner && (await this.alerts.refresh(winner.id, finding));
      return refreshed ? { action: 'updated', alert: refreshed } : { action: 'none', alert: null };
    }
  }

  private async cannotChange(id: number, change: 'acknowledged' | 'resolved'): Promise<Error> {
    const alert = await this.alerts.findById(id);
    if (!alert) return new ResourceNotFoundException('Alert', id);
    return new ConflictException(`Alert ${id} is already resolved and cannot be ${change}`);
  }
}
