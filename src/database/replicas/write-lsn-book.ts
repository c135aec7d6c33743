import { Logger } from '@nestjs/common';
import { ExpiringMap } from '../../common/collections/expiring-map.js';
import type { RedisConnection } from '../../redis/redis-connection.js';

/**
 * How long a write's LSN is remembered per tag. A replica is used only while it has replayed
 * everything the primary had written {@link MAX_REPLICA_LAG_MS} ago, far less than this: a
 * forgotten LSN is one every usable replica has replayed.
 */
export const LSN_MEMORY_MS = 10 * 60_000;

/** Keeps the larger LSN: two writes of one tag may record theirs in either order. */
const RECORD_MAX = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1`;

/**
 * The primary's WAL position (bytes from 0/0) after the latest write of each cache tag, shared by
 * every instance through Redis (one key per tag under the meta prefix, so that it works on a
 * cluster) and kept in process too (the only copy without Redis). LSNs are below 2^53 for the
 * first 8 PiB of WAL, so a JavaScript number holds them exactly.
 */
export class WriteLsnBook {
  private readonly logger = new Logger('WriteLsnBook');
  private readonly local = new ExpiringMap<number>(LSN_MEMORY_MS);
  /** Tags whose LSN has not reached Redis yet; resent on every {@link flush}. */
  private readonly unsent = new Map<string, number>();

  constructor(private readonly redis: RedisConnection | undefined) {}

  async record(tags: readonly string[], lsn: number): Promise<void> {
    for (const tag of tags) {
      if ((this.local.get(tag) ?? 0) < lsn) this.local.set(tag, lsn);
      if ((this.unsent.get(tag) ?? 0) < lsn) this.unsent.set(tag, lsn);
    }
    await this.flush();
  }

  /** Sends the LSNs Redis has not taken yet; those it refuses stay for the next call. */
  async flush(): Promise<void> {
    const redis = this.redis;
    if (!redis || this.unsent.size === 0) return;
    const batch = [...this.unsent];
    const results = await Promise.allSettled(
      batch.map(([tag, lsn]) =>
        redis.bounded(redis.runScript(RECORD_MAX, { keys: [this.keyOf(redis, tag)], arguments: [String(lsn), String(LSN_MEMORY_MS)] })),
      ),
    );
    results.forEach((result, i) => {
      const [tag, lsn] = batch[i];
      if (result.status === 'fulfilled' && this.unsent.get(tag) === lsn) this.unsent.delete(tag);
    });
    if (this.unsent.size > 0) {
      this.logger.warn(
        `${this.unsent.size} write LSN(s) not in Redis yet (retried): until they land, other instances may load those tags from a replica that has not replayed the write`,
      );
    }
  }

  /**
   * The latest write LSN of any of the tags (0: none remembered), or undefined when Redis cannot
   * say (then the caller must read the primary: another instance may have written them).
   */
  async latest(tags: readonly string[]): Promise<number | undefined> {
    let latest = 0;
    for (const tag of tags) latest = Math.max(latest, this.local.get(tag) ?? 0);
    const redis = this.redis;
    if (!redis || tags.length === 0) return latest;
    try {
      const values = await Promise.all(tags.map((tag) => redis.bounded(redis.client.get(this.keyOf(redis, tag)))));
      for (const value of values) if (value !== null) latest = Math.max(latest, Number(value));
      return latest;
    } catch {
      return undefined;
    }
  }

  get pendingInRedis(): number {
    return this.unsent.size;
  }

  private keyOf(redis: RedisConnection, tag: string): string {
    return `${redis.metaPrefix}replica-lsn:${tag}`;
  }
}
