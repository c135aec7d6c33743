import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CacheTags as T } from '../cache/cache-tags.js';
import { CacheWarmer } from '../cache/cache-warmer.js';
import { CacheService } from '../cache/cache.service.js';
import { DistributedLock } from '../redis/distributed-lock.js';
import { SharedRedis } from '../redis/redis-connection.js';
import { CACHE_REFRESH_HEADER, CACHE_REFRESH_TOKEN } from '../cache/http-cache.interceptor.js';
import { withTimeout } from '../common/async/with-timeout.js';
import { RequestContext } from '../common/context/request-context.js';
import { ShutdownSignal } from '../common/lifecycle/shutdown-signal.js';
import { AppConfig } from '../config/app-config.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { AnalyticsReads, READ_FLUSH_INTERVAL_MS } from './analytics-reads.js';
import type { RefreshType } from './dto/analytics-query.dto.js';

/** The tags that mark each refresh type's entries. */
export const REFRESH_TYPE_TAGS: Readonly<Record<RefreshType, (tag: string) => boolean>> = {
  revenue: (tag) => tag === T.revenue || tag.startsWith(`${T.revenue}:`),
  customers: (tag) => tag === T.customerBehavior,
  restaurants: (tag) => tag === T.restaurantPerformance,
  'popular-items': (tag) => tag === T.popularItems,
};

export interface RefreshReport {
  /** Entries reloaded and replaced in place (readers kept the previous one meanwhile). */
  refreshed: string[];
  /** Entries whose reload failed (the route answered an error, or the load failed) and which were kept. */
  failed: string[];
  /** Entries removed: platform ones not read recently, or whose reload failed past the bound. */
  dropped: string[];
  /** Cache keys read recently whose entry had already gone (expired or invalidated). */
  gone: number;
}

interface Reloads {
  refreshed: string[];
  failed: string[];
  gone: number;
}

export const REFRESH_CAUSE = 'job:analytics-refresh';
export const PLATFORM_REFRESH_CAUSE = 'analytics:platform-refresh';
const PLATFORM_LOCK = 'analytics-platform-refresh';
const DIRTY_TIMEOUT_MS = 1000;
/** Orders this close after the first unmarked one share its mark (far below a third of the bound). */
const MARK_COALESCE_MS = 200;
/** How often each instance checks whether the platform-wide figures are due. */
const TICK_MS = 1000;
/** Reloads run two at a time: they are heavy queries on a shared database. */
const CONCURRENCY = 2;

/**
 * Refresh-ahead of the cached analytics. Nothing is dropped first: each entry is requested again
 * in process with a refresh marker, loaded, and replaced on both tiers (see TieredCache.refresh),
 * so readers get the current entry until the new one is there.
 *
 * - The refresh job and POST /analytics/refresh/{type} reload the variants that are cached and
 *   were read within ANALYTICS_RECENT_READ_SECONDS, the most recently read first, at most
 *   ANALYTICS_REFRESH_MAX_VARIANTS a run.
 * - Platform-wide figures (popular items and cuisines, customer behaviour, revenue over periods)
 *   are not dropped by orders. An order marks them due (a key in Redis set if absent, with the
 *   time); a third of ANALYTICS_MAX_STALENESS_SECONDS later one instance, holding the
 *   distributed lock, clears the mark and reloads every cached platform variant read recently,
 *   dropping those it does not reload, so no figure served is older than the bound. Orders during
 *   the reload set the mark again. The orders of an instance within MARK_COALESCE_MS of each other
 *   share one mark, with the first one's time: one Redis call where each order made one, and the
 *   refresh is still timed from the first change it covers.
 */
@Injectable()
export class AnalyticsRefresher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AnalyticsRefresher.name);
  private readonly running = new Set<Promise<unknown>>();
  private timer?: NodeJS.Timeout;
  /** Without Redis: when the platform figures were first made stale since the last refresh. */
  private localDirtySince?: number;
  /** The time of the first order whose mark is waiting for the orders after it to share it. */
  private markWaitingSince?: number;
  private markTimer?: NodeJS.Timeout;
  /** Once the process drains for shutdown, each order's mark goes out at once, while Redis is open. */
  private stopping = false;

  constructor(
    private readonly cache: CacheService,
    private readonly warmer: CacheWarmer,
    private readonly reads: AnalyticsReads,
    private readonly lock: DistributedLock,
    private readonly redis: SharedRedis,
    private readonly events: DomainEventBus,
    private readonly config: AppConfig,
    private readonly shutdown: ShutdownSignal,
  ) {}

  onModuleInit(): void {
    if (!this.cache.enabled) return;
    // Not awaited by the write: its response need not wait for a slow Redis to take the mark (which
    // is best-effort either way: a mark that times out is logged, and the next order sets it).
    this.events.subscribe('order.placed', () => this.orderChanged());
    this.events.subscribe('order.status-changed', () => this.orderChanged());
    this.timer = setInterval(() => this.track(this.refreshPlatformIfDue()), TICK_MS).unref();
    // Draining comes before the modules' destroy hooks, some of which close Redis clients.
    this.shutdown.signal.addEventListener('abort', () => this.stopMarking(), { once: true });
  }

  /** Lets refreshes in flight finish before the database and cache connections close. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.stopMarking();
    await this.settled();
  }

  /** Resolves when every refresh and mark started so far has finished (a mark waiting for company goes out now). */
  async settled(): Promise<void> {
    this.sendWaitingMark();
    await Promise.allSettled([...this.running]);
  }

  private get dirtyKey(): string | undefined {
    return this.redis.connection?.key('_meta:analytics-platform-due');
  }

  /**
   * An order changed platform-wide figures: they are due for a refresh unless already marked.
   * `force` puts back the mark of a refresh that failed: its time is older than any mark an order
   * set meanwhile, so it replaces it.
   */
  async markPlatformDue(now = Date.now(), force = false): Promise<void> {
    const key = this.dirtyKey;
    if (!key) {
      this.localDirtySince = force ? Math.min(now, this.localDirtySince ?? now) : (this.localDirtySince ?? now);
      return;
    }
    await withTimeout(
      this.redis.connection!.client.set(key, String(now), force ? {} : { NX: true }),
      DIRTY_TIMEOUT_MS,
      () => new Error('Redis did not answer in time'),
    ).catch((error: Error) => this.logger.warn(`Could not mark platform analytics due: ${error.message}`));
  }

  /** Marks the platform figures due after MARK_COALESCE_MS, for this order and those meanwhile. */
  private orderChanged(): void {
    if (this.stopping) {
      this.track(this.markPlatformDue());
      return;
    }
    if (this.markWaitingSince !== undefined) return;
    this.markWaitingSince = Date.now();
    this.markTimer = setTimeout(() => this.sendWaitingMark(), MARK_COALESCE_MS).unref();
  }

  private stopMarking(): void {
    this.stopping = true;
    this.sendWaitingMark();
  }

  private sendWaitingMark(): void {
    clearTimeout(this.markTimer);
    const since = this.markWaitingSince;
    this.markWaitingSince = undefined;
    if (since !== undefined) this.track(this.markPlatformDue(since));
  }

  /** Since when the platform figures are stale (undefined: up to date). */
  private async dueSince(): Promise<number | undefined> {
    const key = this.dirtyKey;
    if (!key) return this.localDirtySince;
    const value = await withTimeout(
      this.redis.connection!.client.get(key),
      DIRTY_TIMEOUT_MS,
      () => new Error('Redis did not answer in time'),
    );
    return value === null ? undefined : Number(value);
  }

  private async clearDue(): Promise<void> {
    const key = this.dirtyKey;
    if (!key) this.localDirtySince = undefined;
    else await this.redis.connection!.client.del(key);
  }

  /**
   * The platform figures are refreshed a third of the bound after they were first made stale:
   * that leaves two thirds of it for the reload (and for one reload already under way), and
   * bundles the orders of that third into one recompute.
   */
  get platformDelayMs(): number {
    return Math.floor(this.config.analytics.maxStalenessMs / 3);
  }

  /** Refreshes the platform figures if they are due; on one instance at a time. */
  async refreshPlatformIfDue(now = Date.now()): Promise<RefreshReport | undefined> {
    const since = await this.dueSince().catch(() => undefined);
    if (since === undefined || now - since < this.platformDelayMs) return undefined;
    const run = await this.lock.runExclusive(PLATFORM_LOCK, this.config.cache.leaseMs, async () => {
      // Checked again under the lock: another instance may just have done it.
      const stillDue = await this.dueSince();
      if (stillDue === undefined || Date.now() - stillDue < this.platformDelayMs) return undefined;
      return this.refreshPlatform(stillDue);
    });
    return run.ran ? run.result : undefined;
  }

  /**
   * Clears the due mark, then reloads the platform variants read recently and drops the others, so
   * every platform figure cached afterwards was computed after the mark was cleared. A reload that
   * fails (the database is overloaded or down) leaves its entry served while the figures are still
   * within the bound of the first order they miss, and puts the mark back so the next tick tries
   * again; past that point the entry is dropped, so the bound holds either way. `dueSince` is
   * when the figures were first made stale (the mark's time).
   */
  async refreshPlatform(dueSince = Date.now()): Promise<RefreshReport> {
    const started = Date.now();
    await this.clearDue();
    const { recentReadMs, refreshMaxVariants, maxStalenessMs } = this.config.analytics;
    const recent = await this.reads.recent('platform', started - recentReadMs, refreshMaxVariants);
    const others = (await this.reads.members('platform')).filter((key) => !recent.includes(key));
    const reloads = await this.reloadKeys(recent, PLATFORM_REFRESH_CAUSE);
    // A retry starts on the next tick and needs the same share of the bound as this run had.
    const retryFits = Date.now() - dueSince + this.platformDelayMs + TICK_MS <= maxStalenessMs;
    const kept = retryFits ? reloads.failed : [];
    const dropped = retryFits ? [] : reloads.failed;
    // Not read recently (or past the per-run bound): dropped rather than left to grow older.
    for (const key of [...dropped, ...others]) await this.cache.tiers.drop(key);
    if (kept.length > 0) await this.markPlatformDue(dueSince, true);
    await this.reads.forget('platform', [...others, ...dropped], started - recentReadMs);
    const report = { refreshed: reloads.refreshed, failed: kept, dropped: [...dropped, ...others], gone: reloads.gone };
    const took = Date.now() - started;
    if (took > this.config.analytics.maxStalenessMs - this.platformDelayMs - TICK_MS - READ_FLUSH_INTERVAL_MS) {
      this.logger.warn(`Refreshing platform analytics took ${took} ms: figures may exceed ANALYTICS_MAX_STALENESS_SECONDS`);
    }
    return report;
  }

  /**
   * Reloads the cached variants read recently, the most recently read first, bounded per run;
   * `type` keeps only that kind's. Used by the refresh job and POST /analytics/refresh/{type}.
   * A reload that fails leaves its entry in place: invalidation and the platform refresh keep
   * it correct as before, and only its TTL was to be renewed.
   */
  async refreshRecent(type?: RefreshType, cause = REFRESH_CAUSE): Promise<RefreshReport> {
    const { recentReadMs, refreshMaxVariants } = this.config.analytics;
    const since = Date.now() - recentReadMs;
    // A kind's variants are a part of the analytics read: read further down the list for them.
    const keys = await this.reads.recent('all', since, type ? refreshMaxVariants * 10 : refreshMaxVariants);
    const reloads = await this.reloadKeys(keys, cause, type, refreshMaxVariants);
    return { ...reloads, dropped: [] };
  }

  /** Starts {@link refreshRecent} in the background; a failure is logged. */
  start(type: RefreshType): void {
    this.track(this.refreshRecent(type, `POST /analytics/refresh/${type}`));
  }

  /** Reloads the cached entries of `keys` in place; a failed reload leaves its entry as it was. */
  private async reloadKeys(keys: string[], cause: string, type?: RefreshType, limit = keys.length): Promise<Reloads> {
    const report: Reloads = { refreshed: [], failed: [], gone: 0 };
    const planned: { key: string; path: string }[] = [];
    for (const key of keys) {
      if (planned.length >= limit) break;
      const entry = await this.cache.tiers.entry(key);
      if (!entry?.source) {
        report.gone++;
        continue;
      }
      if (type && !entry.tags.some(REFRESH_TYPE_TAGS[type])) continue;
      planned.push({ key, path: entry.source });
    }
    const results = await RequestContext.run(cause, () =>
      this.warmer.warm(
        planned.map(({ path }) => path),
        CONCURRENCY,
        { [CACHE_REFRESH_HEADER]: CACHE_REFRESH_TOKEN },
      ),
    );
    for (const [index, result] of results.entries()) {
      const { key, path } = planned[index];
      if (result.status === 200) {
        report.refreshed.push(key);
        continue;
      }
      this.logger.warn(`Refresh of ${path} answered ${result.status}`);
      report.failed.push(key);
    }
    return report;
  }

  private track(work: Promise<unknown>): void {
    const logged = work.catch((error: unknown) =>
      this.logger.error('Analytics refresh failed', error instanceof Error ? error.stack : String(error)),
    );
    this.running.add(logged);
    void logged.finally(() => this.running.delete(logged));
  }
}
