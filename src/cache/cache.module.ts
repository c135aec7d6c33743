import KeyvRedis from '@keyv/redis';
import { CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Keyv } from 'keyv';
import { AppConfig } from '../config/app-config.js';
import { CacheMetrics } from './cache-metrics.js';
import { CacheWarmer } from './cache-warmer.js';
import { CacheService } from './cache.service.js';
import { HttpCacheInterceptor } from './http-cache.interceptor.js';
import { RedisTier } from './redis-tier.js';
import { SharedRedis } from '../redis/redis-connection.js';
import { RedisModule } from '../redis/redis.module.js';
import { TieredCache } from './tiered-cache.js';
import { TtlPolicy } from './ttl-policy.js';
import { CachedRoutes } from './cached-routes.js';
import { CacheFastPath } from './cache-fast-path.js';

function createTieredCache(config: AppConfig, metrics: CacheMetrics, shared: SharedRedis): TieredCache {
  let tiers: TieredCache | undefined;
  const redis = shared.connection
    ? new RedisTier(shared.connection, {
        invalidationTimeoutMs: config.cache.invalidationTimeoutMs,
        onBusReady: () => tiers?.busReady(),
        holdsL1: config.cache.enabled && config.cache.l1.enabled,
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
  new Logger('Cache').log(
    redis
      ? `L1 in process + L2 Redis (prefix "${config.cache.prefix}", ${config.cache.profile} TTL profile)`
      : `L1 in process only (no REDIS_URL; ${config.cache.profile} TTL profile)`,
  );
  return tiers;
}

/**
 * The store behind CACHE_MANAGER (@nestjs/cache-manager), for a module that caches an ad-hoc
 * value rather than a route's response. One store that every instance shares: Redis under
 * `{CACHE_PREFIX}:_values:` when Redis is configured, else this process (then there is one
 * instance). It has no in-process copy on purpose: cache-manager's `set` and `del` reach only the
 * stores of the instance that calls them, so an L1 copy would outlive a delete made elsewhere.
 */
function adHocValueStore(shared: SharedRedis): Keyv {
  const logger = new Logger('CacheManager');
  const keyv = shared.connection
    ? new Keyv({
        store: new KeyvRedis(shared.connection.native, {
          namespace: `${shared.connection.prefix}:_values`,
          keyPrefixSeparator: ':',
          throwOnConnectError: false,
        }),
        namespace: `${shared.connection.prefix}:_values`,
        useKeyPrefix: false,
      })
    : new Keyv();
  // A failed read is a miss to the caller (cache-manager answers undefined); it is logged here.
  keyv.on('error', (error: Error) => logger.warn(`CACHE_MANAGER store: ${error.message}`));
  return keyv;
}

/** Builds the tiers once. */
@Module({
  imports: [RedisModule],
  providers: [CacheMetrics, { provide: TieredCache, inject: [AppConfig, CacheMetrics, SharedRedis], useFactory: createTieredCache }],
  exports: [CacheMetrics, TieredCache],
})
class CacheTiersModule {}

/**
 * The cache core. Domains use it through @Cached, @SessionCache and @ConditionalCache on their
 * routes and through domain events; an ad-hoc value goes through CACHE_MANAGER (see adHocValueStore).
 */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    CacheTiersModule,
    NestCacheModule.registerAsync({
      imports: [RedisModule],
      inject: [SharedRedis],
      useFactory: (shared: SharedRedis) => ({ stores: [adHocValueStore(shared)] }),
    }),
  ],
  providers: [
    { provide: TtlPolicy, inject: [AppConfig], useFactory: (config: AppConfig) => new TtlPolicy(config.cache.profile, config.cache.ttl) },
    CacheService,
    HttpCacheInterceptor,
    CachedRoutes,
    CacheFastPath,
    CacheWarmer,
  ],
  exports: [CacheService, HttpCacheInterceptor, CacheTiersModule, TtlPolicy, NestCacheModule, CacheWarmer, CachedRoutes, CacheFastPath],
})
export class CacheModule implements OnApplicationShutdown {
  constructor(private readonly tiers: TieredCache) {}

  onApplicationShutdown(): void {
    this.tiers.stop();
  }
}
