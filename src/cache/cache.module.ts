import { CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Keyv } from 'keyv';
import { AppConfig } from '../config/app-config.js';
import { CacheInvalidationSubscriber } from './cache-invalidation.subscriber.js';
import { CacheMetrics } from './cache-metrics.js';
import { CacheWarmer } from './cache-warmer.js';
import { CacheService } from './cache.service.js';
import { DistributedLock } from '../redis/distributed-lock.js';
import { HttpCacheInterceptor } from './http-cache.interceptor.js';
import { L1KeyvStore } from './l1-keyv-store.js';
import { MessageBus } from '../redis/message-bus.js';
import { RedisTier } from './redis-tier.js';
import { TieredCache } from './tiered-cache.js';
import { TtlPolicy } from './ttl-policy.js';
import { CachedRoutes } from './cached-routes.js';
import { CacheFastPath } from './cache-fast-path.js';
import { RateLimitCounter } from '../redis/rate-limit-counter.js';

function createTieredCache(config: AppConfig, metrics: CacheMetrics): TieredCache {
  const logger = new Logger('Cache');
  let tiers: TieredCache | undefined;
  let lastLoggedError = 0;
  const redis = config.redis.url
    ? new RedisTier({
        url: config.redis.url,
        prefix: config.cache.prefix,
        timeoutMs: config.cache.redisTimeoutMs,
        invalidationTimeoutMs: config.cache.invalidationTimeoutMs,
        onError: (error) => {
          // Redis errors repeat on every call while it is down: log at most one every 5 s.
          if (Date.now() - lastLoggedError > 5000) {
            lastLoggedError = Date.now();
            logger.warn(`Redis: ${error.message}`);
          }
        },
        onBusReady: () => tiers?.busReady(),
      })
    : undefined;
  tiers = new TieredCache(
    {
      l1: config.cache.l1,
      staleFactor: config.cache.staleFactor,
      refreshAheadRatio: config.cache.refreshAheadRatio,
      leaseMs: config.cache.leaseMs,
      leaseWaitMs: config.cache.leaseWaitMs,
      ackTimeoutMs: config.cache.ackTimeoutMs,
      invalidationTimeoutMs: config.cache.invalidationTimeoutMs,
    },
    metrics,
    redis,
  );
  redis?.start();
  logger.log(
    redis
      ? `L1 in process + L2 Redis (prefix "${config.cache.prefix}", ${config.cache.profile} TTL profile)`
      : `L1 in process only (no REDIS_URL; ${config.cache.profile} TTL profile)`,
  );
  return tiers;
}

/** Builds the tiers once; both cache-manager's module and ours use them. */
@Module({
  providers: [
    CacheMetrics,
    { provide: TieredCache, inject: [AppConfig, CacheMetrics], useFactory: createTieredCache },
  ],
  exports: [CacheMetrics, TieredCache],
})
class CacheTiersModule {}

/**
 * The only code that talks to cache-manager or Redis. Domains use it through @Cached,
 * @SessionCache and @ConditionalCache on their routes and through domain events.
 */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    CacheTiersModule,
    // CACHE_MANAGER: cache-manager over the same two tiers, for whole-tier operations.
    NestCacheModule.registerAsync({
      imports: [CacheTiersModule],
      inject: [TieredCache],
      useFactory: (tiers: TieredCache) => ({
        stores: [new Keyv({ store: new L1KeyvStore(tiers.l1) }), ...(tiers.redis ? [tiers.redis.keyv] : [])],
      }),
    }),
  ],
  providers: [
    { provide: TtlPolicy, inject: [AppConfig], useFactory: (config: AppConfig) => new TtlPolicy(config.cache.profile, config.cache.ttl) },
    CacheService,
    HttpCacheInterceptor,
    CachedRoutes,
    CacheFastPath,
    CacheInvalidationSubscriber,
    CacheWarmer,
    DistributedLock,
    MessageBus,
    RateLimitCounter,
  ],
  exports: [
    CacheService,
    HttpCacheInterceptor,
    CacheTiersModule,
    TtlPolicy,
    NestCacheModule,
    CacheWarmer,
    DistributedLock,
    MessageBus,
    CachedRoutes,
    RateLimitCounter,
  ],
})
export class CacheModule implements OnApplicationShutdown {
  constructor(private readonly tiers: TieredCache) {}

  async onApplicationShutdown(): Promise<void> {
    this.tiers.stop();
    await this.tiers.redis?.stop();
  }
}
