import { Injectable, Logger } from '@nestjs/common';
import { AnalyticsRefresher } from '../analytics/analytics-refresher.js';
import { CacheOpsSettings } from '../cache-ops/cache-ops.settings.js';
import { CacheAuditService } from '../cache-ops/maintenance/cache-audit.service.js';
import { CacheClearService } from '../cache-ops/maintenance/cache-clear.service.js';
import { CacheWarmingService } from '../cache-ops/maintenance/cache-warming.service.js';
import { CacheWarmer } from '../cache/cache-warmer.js';
import { CacheService } from '../cache/cache.service.js';
import { AppConfig } from '../config/app-config.js';
import { AlertsService } from '../monitoring/alerts.service.js';
import type { EvaluationResponse } from '../monitoring/dto/alert.dto.js';
import { NotificationsRepository } from '../realtime/notifications.repository.js';
import type {
  AnalyticsRefresh,
  Cleanup,
  JobDetails,
  NotPerformed,
  OutboxReplay,
  PopularWarming,
  PredictiveWarming,
} from './job-details.js';
import type { JobTask } from './job-runner.js';
import { JobRunsRepository } from './job-runs.repository.js';
import { type JobName, OUTBOX_REPLAY_BATCH, RETENTION_DAYS } from './job-schedule.js';
import { CacheInvalidationSubscriber } from '../events/cache-invalidation.subscriber.js';
import { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import { fromOutboxEvent } from '../events/invalidation-outbox.js';
import { CacheOpsRepository } from '../cache-ops/cache-ops.repository.js';
import { RefreshTokensRepository } from '../accounts/refresh-tokens.repository.js';
import { IdempotencyKeysRepository } from '../idempotency/idempotency-keys.repository.js';

/** Popular items across restaurants: the analytics route's default query. */
const POPULAR_ITEMS_PATH = '/analytics/popular-items';

const CACHE_DISABLED: NotPerformed = { performed: false, reason: 'the cache is disabled' };

/** The work of each job: JobsModule imports every module whose services the jobs call. */
@Injectable()
export class BackgroundTasks {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly warmer: CacheWarmer,
    private readonly cache: CacheService,
    private readonly popular: CacheOpsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly jobRuns: JobRunsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly config: AppConfig,
    private readonly analytics: AnalyticsRefresher,
    private readonly cacheWarming: CacheWarmingService,
    private readonly cacheAudit: CacheAuditService,
    private readonly cacheClearing: CacheClearService,
    private readonly alerts: AlertsService,
    private readonly idempotencyKeys: IdempotencyKeysRepository,
    private readonly outbox: InvalidationOutboxRepository,
    private readonly invalidation: CacheInvalidationSubscriber,
  ) {}

  taskFor(name: JobName): JobTask {
    const tasks: { [Name in JobName]: () => Promise<JobDetails[Name]> } = {
      'warm-popular': () => this.warmPopular(),
      'predictive-warming': () => this.warmPredicted(),
      'analytics-refresh': () => this.refreshAnalytics(),
      'health-monitor': () => this.monitorHealth(),
      cleanup: () => this.cleanUp(),
      'outbox-replay': () => this.replayOutbox(),
    };
    return tasks[name];
  }

  /** The paths of the popular set: each most ordered restaurant with its menu, and the popular items. */
  async popularPaths(): Promise<{ restaurants: number; paths: string[] }> {
    // The same rule and query as POST /cache/warm/popular.
    const restaurants = await this.popular.mostOrderedRestaurants(CacheOpsSettings.warm.popularRestaurants);
    if (restaurants.length === 0) return { restaurants: 0, paths: [] };
    const paths = restaurants.flatMap(({ restaurant_id: id }) => [`/restaurants/${id}/with-menu`, `/restaurants/${id}/menu`]);
    return { restaurants: restaurants.length, paths: [...paths, POPULAR_ITEMS_PATH] };
  }

  async warmPopular(): Promise<PopularWarming | NotPerformed> {
    if (!this.cache.enabled) return CACHE_DISABLED;
    const { restaurants, paths } = await this.popularPaths();
    return { restaurants, ...(await this.warm(paths)) };
  }

  private async warmPredicted(): Promise<PredictiveWarming | NotPerformed> {
    if (!this.cache.enabled) return CACHE_DISABLED;
    return { source: 'access-frequency', ...(await this.cacheWarming.warmPredictive(CacheOpsSettings.warm.predictive)) };
  }

  /** Reloads the cached analytics variants read recently, in place (nothing is dropped, before or after). */
  private async refreshAnalytics(): Promise<AnalyticsRefresh | NotPerformed> {
    if (!this.cache.enabled) return CACHE_DISABLED;
    const report = await this.analytics.refreshRecent();
    return { refreshed: report.refreshed.length, failed: report.failed, gone: report.gone };
  }

  private monitorHealth(): Promise<EvaluationResponse> {
    return this.alerts.evaluate();
  }

  private async cleanUp(): Promise<Cleanup> {
    return {
      expired: await this.cacheClearing.clearExpired(),
      cache_audit_pruned: await this.cacheAudit.pruneOlderThan(),
      notifications_deleted: await this.notifications.deleteOlderThan(RETENTION_DAYS.notifications),
      job_runs_deleted: await this.jobRuns.deleteOlderThan(RETENTION_DAYS.jobRuns),
      refresh_tokens_deleted: await this.refreshTokens.deleteExpiredOlderThan(RETENTION_DAYS.expiredRefreshTokens),
      idempotency_keys_deleted: await this.idempotencyKeys.deleteExpired(),
      retention_days: { ...RETENTION_DAYS, cacheAudit: this.config.cache.auditRetentionDays },
    };
  }

  /**
   * The cache invalidation outbox rows older than the replay bound belong to writes whose
   * invalidation was never recorded (their process died after the commit): each is applied again
   * (invalidation is idempotent) under this job's cause, and deleted with its audit records. With
   * the cache disabled writes record no rows, and there is nothing to invalidate: rows written
   * before it was switched off are deleted.
   */
  async replayOutbox(): Promise<OutboxReplay> {
    const after = this.config.cache.outboxReplayAfterMs;
    const due = await this.outbox.due(after, OUTBOX_REPLAY_BATCH);
    if (!this.cache.enabled) {
      const discarded = await this.outbox.discard(due.map((row) => row.id));
      return { replayed: 0, discarded, pending: await this.outbox.countDue(after) };
    }
    let replayed = 0;
    for (const row of due) {
      // One row that cannot be applied (an event this version does not know) stays, counted as
      // pending, and does not hold back the others.
      try {
        const event = fromOutboxEvent(row.event);
        await this.invalidation.apply(event, row.id, `${event.type}, replayed from the outbox (written ${row.created_at.toISOString()})`);
        replayed++;
      } catch (error) {
        this.logger.error(`Outbox row ${row.id} (${JSON.stringify(row.event)}) could not be replayed: ${(error as Error).message}`);
      }
    }
    await this.cacheAudit.settled();
    return { replayed, discarded: 0, pending: await this.outbox.countDue(after) };
  }

  private async warm(paths: string[]): Promise<Omit<PopularWarming, 'restaurants'>> {
    const results = await this.warmer.warm(paths);
    const count = (outcome: (value: string) => boolean) =>
      results.filter((result) => result.status === 200 && outcome(result.outcome)).length;
    return {
      paths: paths.length,
      loaded: count((outcome) => outcome === 'MISS'),
      already_cached: count((outcome) => outcome.startsWith('HIT')),
      failed: results.filter((result) => result.status !== 200).map(({ path, status }) => ({ path, status })),
    };
  }
}
