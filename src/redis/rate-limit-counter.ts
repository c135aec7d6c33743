import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { COUNT_HIT } from './redis-scripts.js';
import { type RedisConnection, SharedRedis } from './redis-connection.js';

export interface RateLimitCount {
  /** Hits in the current window, this one included. */
  hits: number;
  /** Until the window starts again. */
  windowLeftMs: number;
  /** Until the block the limit imposed ends; 0 when not blocked. */
  blockLeftMs: number;
}

interface LocalWindow {
  hits: number;
  endsAt: number;
  blockedUntil: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Fixed-window hit counters for rate limits, in Redis so a limit holds across every instance
 * behind the load balancer. While Redis is unavailable each instance counts on its own (the limit
 * then holds per instance): refusing every request because the counter store is down would turn
 * a cache outage into an API outage.
 */
@Injectable()
export class RateLimitCounter implements OnApplicationShutdown {
  private readonly logger = new Logger(RateLimitCounter.name);
  private readonly local = new Map<string, LocalWindow>();
  private readonly sweep = setInterval(() => this.dropEnded(Date.now()), SWEEP_INTERVAL_MS).unref();

  constructor(private readonly shared: SharedRedis) {}

  async hit(key: string, windowMs: number, limit: number, blockMs: number): Promise<RateLimitCount> {
    const redis = this.shared.connection;
    if (redis?.ready) {
      try {
        return await this.countInRedis(redis, key, windowMs, limit, blockMs);
      } catch (error) {
        this.logger.debug(`Counting ${key} locally: ${(error as Error).message}`);
      }
    }
    return this.hitLocally(key, windowMs, limit, blockMs, Date.now());
  }

  /** Counts a hit in Redis, shared by every instance (see COUNT_HIT). */
  private async countInRedis(
    redis: RedisConnection,
    key: string,
    windowMs: number,
    limit: number,
    blockMs: number,
  ): Promise<RateLimitCount> {
    // The script touches both keys: on a cluster a hash tag puts them in one slot.
    const base = `${redis.metaPrefix}rate:${redis.clustered ? `{${key}}` : key}`;
    const [hits, windowLeftMs, blockLeftMs] = (await redis.bounded(
      redis.client.eval(COUNT_HIT, { keys: [base, `${base}:block`], arguments: [String(windowMs), String(limit), String(blockMs)] }),
      { skipOnTimeout: false },
    )) as number[];
    return { hits, windowLeftMs, blockLeftMs };
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  private hitLocally(key: string, windowMs: number, limit: number, blockMs: number, now: number): RateLimitCount {
    let window = this.local.get(key);
    if (window && window.blockedUntil > now) {
      return { hits: window.hits, windowLeftMs: Math.max(window.endsAt - now, 0), blockLeftMs: window.blockedUntil - now };
    }
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + windowMs, blockedUntil: 0 };
      this.local.set(key, window);
    }
    window.hits++;
    if (window.hits > limit) window.blockedUntil = now + blockMs;
    return { hits: window.hits, windowLeftMs: window.endsAt - now, blockLeftMs: Math.max(window.blockedUntil - now, 0) };
  }

  private dropEnded(now: number): void {
    for (const [key, window] of this.local) {
      if (window.endsAt <= now && window.blockedUntil <= now) this.local.delete(key);
    }
  }
}
