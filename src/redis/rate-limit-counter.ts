import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { COUNT_HITS } from './redis-scripts.js';
import { type RedisConnection, SharedRedis } from './redis-connection.js';

export interface RateLimitCount {
  /** Hits in the current window, this one included. */
  hits: number;
  /** Until the window starts again. */
  windowLeftMs: number;
  /** Until the block the limit imposed ends; 0 when not blocked. */
  blockLeftMs: number;
}

/** Hits on one counter waiting for the Redis call that counts them together. */
interface PendingHits {
  windowMs: number;
  limit: number;
  blockMs: number;
  waiters: { resolve: (count: RateLimitCount) => void; reject: (error: Error) => void }[];
}

/**
 * What each of `n` hits counted together by COUNT_HITS gets, in arrival order: the count right
 * after it, and the block's time left for the one that crossed the limit and those refused after it.
 */
export function spreadHits(reply: readonly number[], n: number, limit: number, blockMs: number): RateLimitCount[] {
  const [hits, windowLeftMs, blockLeftMs, counted] = reply;
  return Array.from({ length: n }, (_, index) => {
    if (index >= counted) return { hits, windowLeftMs, blockLeftMs: blockLeftMs > 0 ? blockLeftMs : blockMs };
    const hitsNow = hits - counted + index + 1;
    return { hits: hitsNow, windowLeftMs, blockLeftMs: hitsNow > limit && blockMs > 0 ? blockMs : 0 };
  });
}

interface LocalWindow {
  hits: number;
  endsAt: number;
  blockedUntil: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Fixed-window hit counters for rate limits, in Redis so a limit holds across every instance
 * behind the load balancer. Hits on one counter that arrive in the same turn of the event loop
 * (one client's concurrent requests) are counted by one Redis call, with the outcome each would
 * have had one by one. While Redis is unavailable each instance counts on its own (the limit
 * then holds per instance): refusing every request because the counter store is down would turn
 * a cache outage into an API outage.
 */
@Injectable()
export class RateLimitCounter implements OnApplicationShutdown {
  private readonly logger = new Logger(RateLimitCounter.name);
  private readonly local = new Map<string, LocalWindow>();
  private readonly pending = new Map<string, PendingHits>();
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

  /** Counts a hit in Redis, shared by every instance, together with the same counter's other hits of this turn. */
  private countInRedis(redis: RedisConnection, key: string, windowMs: number, limit: number, blockMs: number): Promise<RateLimitCount> {
    return new Promise((resolve, reject) => {
      let batch = this.pending.get(key);
      if (!batch || batch.windowMs !== windowMs || batch.limit !== limit || batch.blockMs !== blockMs) {
        const created: PendingHits = { windowMs, limit, blockMs, waiters: [] };
        batch = created;
        this.pending.set(key, created);
        // After the poll phase: every request read in this turn of the event loop has joined.
        setImmediate(() => {
          if (this.pending.get(key) === created) this.pending.delete(key);
          void this.flush(redis, key, created);
        });
      }
      batch.waiters.push({ resolve, reject });
    });
  }

  private async flush(redis: RedisConnection, key: string, batch: PendingHits): Promise<void> {
    const { windowMs, limit, blockMs, waiters } = batch;
    // The script touches both keys: on a cluster a hash tag puts them in one slot.
    const base = `${redis.metaPrefix}rate:${redis.clustered ? `{${key}}` : key}`;
    try {
      const reply = (await redis.bounded(
        redis.runScript(COUNT_HITS, {
          keys: [base, `${base}:block`],
          arguments: [String(windowMs), String(limit), String(blockMs), String(waiters.length)],
        }),
        { skipOnTimeout: false },
      )) as number[];
      const counts = spreadHits(reply, waiters.length, limit, blockMs);
      waiters.forEach((waiter, index) => waiter.resolve(counts[index]));
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error as Error);
    }
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
