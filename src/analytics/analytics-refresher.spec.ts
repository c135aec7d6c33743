import { describe, expect, it } from '@jest/globals';
import type { CacheWarmer, WarmResult } from '../cache/cache-warmer.js';
import type { CacheService } from '../cache/cache.service.js';
import { RequestContext } from '../common/context/request-context.js';
import { AnalyticsRefresher, refreshPlan } from './analytics-refresher.js';

function refresherWith(options: { failWarm?: boolean } = {}) {
  const log: string[] = [];
  let releaseWarm: () => void = () => undefined;
  const warmGate = new Promise<void>((resolve) => (releaseWarm = resolve));
  const cache = {
    invalidate: async (tags: string[], reason: string) => {
      log.push(`invalidate ${tags.join(',')} (${reason}) by ${RequestContext.cause()}`);
      return { tags, removed_l1: ['analytics:a'], removed_l2: ['analytics:a', 'analytics:b'] };
    },
  } as unknown as CacheService;
  const warmer = {
    warm: async (paths: string[]): Promise<WarmResult[]> => {
      await warmGate;
      if (options.failWarm) throw new Error('inject failed');
      log.push(`warm ${paths.join(',')} by ${RequestContext.cause()}`);
      return paths.map((path) => ({ path, status: 200, outcome: 'MISS', ms: 1 }));
    },
  } as unknown as CacheWarmer;
  return { refresher: new AnalyticsRefresher(cache, warmer), log, releaseWarm };
}

describe('refreshPlan', () => {
  it('drops one figure tag per type and warms the default requests of its routes', () => {
    expect(refreshPlan('revenue', '2024-01-15')).toEqual({
      type: 'revenue',
      tags: ['analytics:revenue'],
      paths: [
        '/analytics/revenue/daily?date=2024-01-15',
        '/analytics/revenue-analytics?period=7d',
        '/analytics/revenue-analytics?period=30d',
        '/analytics/revenue-analytics?period=90d',
      ],
    });
    expect(refreshPlan('customers', '2024-01-15').tags).toEqual(['analytics:customer-behavior']);
    expect(refreshPlan('restaurants', '2024-01-15')).toMatchObject({
      tags: ['analytics:restaurant-performance'],
      paths: ['/analytics/restaurants/performance'],
    });
    expect(refreshPlan('popular-items', '2024-01-15').paths).toHaveLength(3);
  });
});

describe('AnalyticsRefresher', () => {
  it('invalidates, then warms, inside the job context, and reports both', async () => {
    const { refresher, log, releaseWarm } = refresherWith();
    releaseWarm();
    const report = await refresher.refresh('restaurants');
    expect(log).toEqual([
      'invalidate analytics:restaurant-performance (analytics refresh) by job:analytics-refresh',
      'warm /analytics/restaurants/performance by job:analytics-refresh',
    ]);
    expect(report.removed).toBe(2);
    expect(report.warmed).toEqual([{ path: '/analytics/restaurants/performance', status: 200, outcome: 'MISS', ms: 1 }]);
  });

  it("names the caller's job when given one", async () => {
    const { refresher, log, releaseWarm } = refresherWith();
    releaseWarm();
    await refresher.refresh('customers', 'job:refresh-ahead');
    expect(log.every((line) => line.endsWith('by job:refresh-ahead'))).toBe(true);
  });

  it('answers at once when started in the background; settled() waits for the work', async () => {
    const { refresher, log, releaseWarm } = refresherWith();
    const plan = refresher.start('popular-items');
    expect(plan.tags).toEqual(['analytics:popular-items']);
    let settled = false;
    const waiting = refresher.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    releaseWarm();
    await waiting;
    expect(log).toHaveLength(2);
  });

  it('logs a failed background refresh instead of throwing', async () => {
    const { refresher, releaseWarm } = refresherWith({ failWarm: true });
    (refresher as unknown as { logger: { error: () => void } }).logger.error = () => undefined;
    refresher.start('revenue');
    releaseWarm();
    await expect(refresher.settled()).resolves.toBeUndefined();
  });
});
