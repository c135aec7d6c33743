import { Global, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { RepeatedWarning } from '../common/logging/repeated-warning.js';
import { DistributedLock } from './distributed-lock.js';
import { MessageBus } from './message-bus.js';
import { RateLimitCounter } from './rate-limit-counter.js';
import { RedisConnection, SharedRedis } from './redis-connection.js';

function connect(config: AppConfig): SharedRedis {
  if (!config.redis.url && !config.redis.clusterNodes) return new SharedRedis(undefined);
  // Redis errors repeat on every call while it is down: the first is logged, then a count now and then.
  const errors = new RepeatedWarning(new Logger('Redis'));
  const connection = new RedisConnection({
    url: config.redis.url,
    clusterNodes: config.redis.clusterNodes,
    // The cache's prefix: cache entries, bus channels, leases and rate-limit counters share one key space per deployment.
    prefix: config.cache.prefix,
    timeoutMs: config.cache.redisTimeoutMs,
    onError: (error) => errors.warn(`Redis: ${error.message}`),
  });
  connection.onReady(() => errors.recovered('Redis: the connection is ready again'));
  return new SharedRedis(connection);
}

/**
 * Redis plumbing for the whole app: the connection, the pub/sub message bus, the distributed lock
 * and the rate-limit store. It connects once every module has registered its subscriptions, in the
 * background (Redis down at start-up is not fatal), and closes last.
 */
@Global()
@Module({
  providers: [{ provide: SharedRedis, inject: [AppConfig], useFactory: connect }, MessageBus, DistributedLock, RateLimitCounter],
  exports: [SharedRedis, MessageBus, DistributedLock, RateLimitCounter],
})
export class RedisModule implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly redis: SharedRedis) {}

  onModuleInit(): void {
    this.redis.connection?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.connection?.stop();
  }
}
