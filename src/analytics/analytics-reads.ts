import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { CacheEntry } from '../cache/cache-entry.js';
import { CacheTags as T } from '../cache/cache-tags.js';
import { TieredCache } from '../cache/tiered-cache.js';
import { SharedRedis } from '../redis/redis-connection.js';
import { withTimeout } from '../common/async/with-timeout.js';
import { AppConfig } from '../config/app-config.js';

/** What /docs says on each platform-wide route. */
export const PLATFORM_STALENESS_NOTE =
  'A platform-wide figure: orders do not drop it from the cache. It is recomputed in the background, once across all ' +
  'instances, while orders keep coming, and is never older than ANALYTICS_MAX_STALENESS_SECONDS (default 60 s); ' +
  'the Age header says how many seconds ago it was computed.';

/** Platform-wide figures: every order can change them, so they are refreshed instead of dropped. */
export const PLATFORM_TAGS: readonly string[] = [T.revenue, T.customerBehavior, T.popularItems, T.popularCuisines];

export const isPlatformEntry = (entry: Pick<CacheEntry, 'tags'>) => entry.tags.some((tag) => PLATFORM_TAGS.includes(tag));

/** How often this instance's reads are added to the shared record in Redis. */
export const READ_FLUSH_INTERVAL_MS = 1000;
const REDIS_TIMEOUT_MS = 1000;

type ReadSet = 'all' | 'platform';

/**
 * Which analytics entries were read, and when: every instance notes the reads of public analytics
 * entries (hits, and misses once stored) and adds them each second to two sorted sets in Redis
 * (cache key -> last read), one for every analytics entry and one for the platform-wide ones, so
 * the refresh running on any one instance sees what all instances read. Without Redis the record
 * is this process's own.
 */
@Injectable()
export class AnalyticsReads implements OnModuleDestroy {
  private readonly logger = new Logger(AnalyticsReads.name);
  private pending = new Map<string, { at: number; platform: boolean }>();
  private readonly local: Record<ReadSet, Map<string, number>> = { all: new Map(), platform: new Map() };
  private readonly timer: NodeJS.Timeout;

  constructor(
    tiers: TieredCache,
    private readonly redis: SharedRedis,
    private readonly config: AppConfig,
  ) {
    tiers.onRead((namespace, cacheKey, entry) => {
      if (namespace !== 'analytics' || entry.owner !== undefined || entry.source === undefined) return;
      this.pending.set(cacheKey, { at: Date.now(), platform: isPlatformEntry(entry) });
    });
    this.timer = setInterval(
      () => void this.flush().catch((error: Error) => this.logger.warn(`Could not record analytics reads: ${error.message}`)),
      READ_FLUSH_INTERVAL_MS,
    ).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private redisKey(set: ReadSet): string | undefined {
    return this.redis.connection?.key(`_meta:analytics-reads:${set}`);
  }

  /** Adds the reads noted since the last flush to the shared record. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const reads = this.pending;
    this.pending = new Map();
    const redis = this.redis.connection;
    if (!redis) {
      for (const [key, read] of reads) {
        this.local.all.set(key, read.at);
        if (read.platform) this.local.platform.set(key, read.at);
      }
      const before = Date.now() - this.config.analytics.recentReadMs;
      for (const [key, at] of this.local.all) if (at < before) this.local.all.delete(key);
      return;
    }
    const members = (filter: (read: { platform: boolean }) => boolean) =>
      [...reads].filter(([, read]) => filter(read)).map(([value, read]) => ({ score: read.at, value }));
    const all = members(() => true);
    const platform = members((read) => read.platform);
    const { recentReadMs } = this.config.analytics;
    const allKey = this.redisKey('all')!;
    try {
      await withTimeout(
        Promise.all([
          // Reads older than the window no longer count: pruned here, and the set expires with
          // the window if no instance reads anything. The platform set is pruned only by the
          // platform refresh, which drops the entries it forgets (so none outlives the bound).
          // Pipelined, not a transaction: each step is idempotent, and the next flush repeats them.
          redis.client.zAdd(allKey, all, { GT: true }),
          redis.client.zRemRangeByScore(allKey, '-inf', `(${Date.now() - recentReadMs}`),
          redis.client.pExpire(allKey, recentReadMs),
          platform.length > 0 ? redis.client.zAdd(this.redisKey('platform')!, platform, { GT: true }) : Promise.resolve(0),
        ]),
        REDIS_TIMEOUT_MS,
        () => new Error('Redis did not answer in time'),
      );
    } catch (error) {
      // Kept for the next flush rather than lost: a read not recorded is a variant not refreshed.
      for (const [key, read] of reads) if (!this.pending.has(key)) this.pending.set(key, read);
      throw error;
    }
  }

  /** The cache keys read since `since` (ms), the most recently read first, at most `limit`. */
  async recent(set: ReadSet, since: number, limit: number): Promise<string[]> {
    await this.flush();
    const key = this.redisKey(set);
    if (!key) {
      return [...this.local[set]]
        .filter(([, at]) => at >= since)
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([cacheKey]) => cacheKey);
    }
    return withTimeout(
      this.redis.connection!.client.zRange(key, '+inf', since, { BY: 'SCORE', REV: true, LIMIT: { offset: 0, count: limit } }),
      REDIS_TIMEOUT_MS,
      () => new Error('Redis did not answer in time'),
    );
  }

  /** Every key of the set (the platform set holds at most a few hundred: its routes take a period and a limit). */
  async members(set: ReadSet): Promise<string[]> {
    await this.flush();
    const key = this.redisKey(set);
    if (!key) return [...this.local[set].keys()];
    return withTimeout(this.redis.connection!.client.zRange(key, 0, -1), REDIS_TIMEOUT_MS, () => new Error('Redis did not answer in time'));
  }

  /** Forgets keys: their entries were dropped, or were not read since `before`. */
  async forget(set: ReadSet, keys: string[], before?: number): Promise<void> {
    const key = this.redisKey(set);
    if (!key) {
      for (const cacheKey of keys) this.local[set].delete(cacheKey);
      if (before !== undefined) for (const [cacheKey, at] of this.local[set]) if (at < before) this.local[set].delete(cacheKey);
      return;
    }
    const client = this.redis.connection!.client;
    await withTimeout(
      Promise.all([
        keys.length > 0 ? client.zRem(key, keys) : Promise.resolve(0),
        before !== undefined ? client.zRemRangeByScore(key, '-inf', `(${before}`) : Promise.resolve(0),
      ]),
      REDIS_TIMEOUT_MS,
      () => new Error('Redis did not answer in time'),
    );
  }
}
