import { Injectable, Logger } from '@nestjs/common';
import { TieredCache } from '../cache/tiered-cache.js';

export type ExclusiveRun<T> = { ran: true; result: T } | { ran: false; reason: 'held-elsewhere' | 'running-here' };

/**
 * Runs work on exactly one instance at a time: with Redis, whoever takes the lease
 * `{prefix}:_meta:lock:{name}` (renewed while the work runs, released after); without Redis, one
 * run at a time in this process. A lease that cannot be renewed expires by itself, so a crashed
 * instance does not hold a job forever.
 */
@Injectable()
export class DistributedLock {
  private readonly logger = new Logger(DistributedLock.name);
  private readonly runningHere = new Set<string>();

  constructor(private readonly tiers: TieredCache) {}

  async runExclusive<T>(name: string, leaseMs: number, work: () => Promise<T>): Promise<ExclusiveRun<T>> {
    if (this.runningHere.has(name)) return { ran: false, reason: 'running-here' };
    this.runningHere.add(name);
    try {
      const redis = this.tiers.redis;
      if (!redis) return { ran: true, result: await work() };
      const lockKey = `lock:${name}`;
      const token = await redis.acquireLease(lockKey, leaseMs).catch(() => undefined);
      if (!token) return { ran: false, reason: 'held-elsewhere' };
      const renewal = setInterval(() => {
        redis.renewLease(lockKey, token, leaseMs).catch((error: Error) => this.logger.warn(`Could not renew lock ${name}: ${error.message}`));
      }, Math.max(100, Math.floor(leaseMs / 3)));
      try {
        return { ran: true, result: await work() };
      } finally {
        clearInterval(renewal);
        await redis.releaseLease(lockKey, token).catch(() => undefined);
      }
    } finally {
      this.runningHere.delete(name);
    }
  }
}
