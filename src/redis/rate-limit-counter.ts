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

/**
 * What this instance knows of one shared counter between its Redis calls (see
 * {@link RateLimitCounter.hitShared}).
 */
interface SharedView {
  windowMs: number;
  limit: number;
  /** The count Redis last answered: every instance's hits up to then. */
  counted: number;
  /** This instance's hits not yet in `counted` (sent or not). */
  local: number;
  /** Of `local`, those not sent yet. */
  unsent: number;
  endsAt: number;
  /** When the call that set `counted` was sent: the count is at least that recent. */
  refreshedAt: number;
  syncing: boolean;
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
  private readonly views = new Map<string, SharedView>();
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

  /**
   * Counts a hit like {@link hit} (no block), but decides at once on the count Redis gave at most
   * `syncMs` ago plus this instance's hits since, when there is one: the hits are sent to Redis
   * together, in the background, every half `syncMs` while they come, so a request waits for
   * Redis only when this instance has no count of the client that recent (its first request of a
   * window, or after a pause). Another instance's hits are seen at most `syncMs` late: across N
   * instances a client can get past the limit by what the other N-1 let through in that time.
   * `syncMs` 0: every hit waits for its count, as {@link hit}. Without Redis (none configured, or
   * down) the hit is counted on this instance at once: there is nothing to wait for.
   */
  hitShared(key: string, windowMs: number, limit: number, syncMs: number): RateLimitCount | Promise<RateLimitCount> {
    const redis = this.shared.connection;
    if (!redis?.ready) return this.hitLocally(key, windowMs, limit, 0, Date.now());
    if (syncMs <= 0) return this.hit(key, windowMs, limit, 0);
    const now = Date.now();
    const view = this.views.get(key);
    if (view && view.windowMs === windowMs && view.limit === limit && now < view.endsAt && now - view.refreshedAt < syncMs) {
      view.local++;
      view.unsent++;
      if (!view.syncing) this.scheduleSync(redis, key, view, syncMs, now);
      return { hits: view.counted + view.local, windowLeftMs: view.endsAt - now, blockLeftMs: 0 };
    }
    return this.hit(key, windowMs, limit, 0).then((count) => {
      const known = this.learn(key, windowMs, limit, count, now);
      // This instance's hits Redis may not have counted yet are part of the count this hit sees.
      return { ...count, hits: count.hits + known.local };
    });
  }

  /** Takes a count Redis gave for a hit sent at `sentAt` as the client's shared view, unless a newer one is known. */
  private learn(key: string, windowMs: number, limit: number, count: RateLimitCount, sentAt: number): SharedView {
    const view = this.views.get(key);
    if (view && view.windowMs === windowMs && view.limit === limit && sentAt < view.endsAt) {
      view.counted = Math.max(view.counted, count.hits);
      view.refreshedAt = Math.max(view.refreshedAt, sentAt);
      return view;
    }
    const endsAt = sentAt + count.windowLeftMs;
    const learned = { windowMs, limit, counted: count.hits, local: 0, unsent: 0, endsAt, refreshedAt: sentAt, syncing: false };
    this.views.set(key, learned);
    return learned;
  }

  /** Sends the view's unsent hits half a sync interval after its count was refreshed, so that it is refreshed again before it is too old to use. */
  private scheduleSync(redis: RedisConnection, key: string, view: SharedView, syncMs: number, now: number): void {
    view.syncing = true;
    const delay = Math.max(view.refreshedAt + syncMs / 2 - now, 0);
    setTimeout(() => void this.sync(redis, key, view, syncMs), delay).unref();
  }

  private async sync(redis: RedisConnection, key: string, view: SharedView, syncMs: number): Promise<void> {
    const sent = view.unsent;
    const sentAt = Date.now();
    view.unsent = 0;
    try {
      const [hits, windowLeftMs] = await this.callCountHits(redis, key, view.windowMs, view.limit, 0, sent);
      if (this.views.get(key) !== view) return;
      view.counted = hits;
      view.local -= sent;
      view.refreshedAt = sentAt;
      view.endsAt = sentAt + windowLeftMs;
    } catch (error) {
      // The view goes stale and the next hit waits for Redis (or is counted here while it is down).
      this.logger.debug(`Syncing ${key}: ${(error as Error).message}`);
      if (this.views.get(key) === view) this.views.delete(key);
    } finally {
      view.syncing = false;
      // Hits that came while the call was out are sent by the next one, whether or not more come.
      if (view.unsent > 0 && this.views.get(key) === view) this.scheduleSync(redis, key, view, syncMs, Date.now());
    }
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
    try {
      const reply = await this.callCountHits(redis, key, windowMs, limit, blockMs, waiters.length);
      const counts = spreadHits(reply, waiters.length, limit, blockMs);
      waiters.forEach((waiter, index) => waiter.resolve(counts[index]));
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error as Error);
    }
  }

  /** COUNT_HITS for `n` hits: [hits, window left ms, block left ms, hits counted]. */
  private async callCountHits(
    redis: RedisConnection,
    key: string,
    windowMs: number,
    limit: number,
    blockMs: number,
    n: number,
  ): Promise<number[]> {
    // The script touches both keys: on a cluster a hash tag puts them in one slot.
    const base = `${redis.metaPrefix}rate:${redis.clustered ? `{${key}}` : key}`;
    return (await redis.bounded(
      redis.runScript(COUNT_HITS, {
        keys: [base, `${base}:block`],
        arguments: [String(windowMs), String(limit), String(blockMs), String(n)],
      }),
      { skipOnTimeout: false },
    )) as number[];
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
    for (const [key, view] of this.views) {
      if (view.endsAt <= now && !view.syncing) this.views.delete(key);
    }
  }
}
