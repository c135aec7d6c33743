import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { CacheTags as T } from '../cache/cache-tags.js';
import { CacheWarmer, type WarmResult } from '../cache/cache-warmer.js';
import { CacheService } from '../cache/cache.service.js';
import { RequestContext } from '../common/context/request-context.js';
import { ANALYTICS_PERIODS, utcDay } from './analytics-period.js';
import type { RefreshType } from './dto/analytics-query.dto.js';

export interface RefreshPlan {
  type: RefreshType;
  /** Dropped first, so no entry computed before the refresh survives it. */
  tags: string[];
  /** Requested again afterwards, through the routes' own cache policies. */
  paths: string[];
}

export interface RefreshReport extends RefreshPlan {
  /** Cache keys the invalidation removed (L1 and L2). */
  removed: number;
  warmed: WarmResult[];
}

const forEachPeriod = (route: string) => ANALYTICS_PERIODS.map((period) => `${route}?period=${period}`);

/** What each refresh type recomputes: the figures clients ask for by default. */
export function refreshPlan(type: RefreshType, today: string): RefreshPlan {
  switch (type) {
    case 'revenue':
      return {
        type,
        tags: [T.revenue],
        paths: [`/analytics/revenue/daily?date=${today}`, ...forEachPeriod('/analytics/revenue-analytics')],
      };
    case 'customers':
      return { type, tags: [T.customerBehavior], paths: forEachPeriod('/analytics/customers/behavior') };
    case 'restaurants':
      return { type, tags: [T.restaurantPerformance], paths: ['/analytics/restaurants/performance'] };
    case 'popular-items':
      return { type, tags: [T.popularItems], paths: forEachPeriod('/analytics/popular-items') };
  }
}

export const REFRESH_CAUSE = 'job:analytics-refresh';

/**
 * Recomputes a kind of analytics into the cache: drops its tags, then requests its routes again
 * so the next reader finds the new figures already cached. Used by POST /analytics/refresh/{type}
 * (in the background) and by the refresh-ahead job (awaiting `refresh`).
 */
@Injectable()
export class AnalyticsRefresher implements OnModuleDestroy {
  private readonly logger = new Logger(AnalyticsRefresher.name);
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly cache: CacheService,
    private readonly warmer: CacheWarmer,
  ) {}

  plan(type: RefreshType): RefreshPlan {
    return refreshPlan(type, utcDay(new Date()));
  }

  /** Refreshes now; resolves once the new figures are cached. `cause` names the job in the audit log. */
  refresh(type: RefreshType, cause = REFRESH_CAUSE): Promise<RefreshReport> {
    return this.run(this.plan(type), cause);
  }

  /** Starts a refresh in the background and returns its plan at once; a failure is logged. */
  start(type: RefreshType): RefreshPlan {
    const plan = this.plan(type);
    this.run(plan, REFRESH_CAUSE).catch((error: unknown) =>
      this.logger.error(`Refresh of ${type} analytics failed`, error instanceof Error ? error.stack : String(error)),
    );
    return plan;
  }

  /** Resolves when every refresh started so far has finished. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  /** Lets refreshes in flight finish before the database and cache connections close. */
  onModuleDestroy(): Promise<void> {
    return this.settled();
  }

  private run(plan: RefreshPlan, cause: string): Promise<RefreshReport> {
    const work = RequestContext.run(cause, async () => {
      const invalidation = await this.cache.invalidate(plan.tags, 'analytics refresh');
      const warmed = await this.warmer.warm(plan.paths);
      for (const failed of warmed.filter((result) => result.status !== 200)) {
        this.logger.warn(`Refresh of ${plan.type} analytics: ${failed.path} answered ${failed.status}`);
      }
      return { ...plan, removed: new Set([...invalidation.removed_l1, ...invalidation.removed_l2]).size, warmed };
    });
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }
}
