import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { withTimeout } from '../common/async/with-timeout.js';
import { SharedRedis } from '../redis/redis-connection.js';
import type { RedisMemorySample } from './alert-rules.js';
import { DEPENDENCY_TIMEOUT_MS } from './monitoring.constants.js';

export type Dependency = 'postgres' | 'redis';

export interface RoundTrip {
  dependency: Dependency;
  /** Undefined when it failed or did not answer within the timeout. */
  ms?: number;
  error?: string;
}

/** A dependency's call, failed with the dependency's name once `ms` has passed. */
export function answeredWithin<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeout(operation, ms, () => new Error(`${what} did not answer within ${ms} ms`));
}

const infoField = (info: string, field: string) => {
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
  return match ? Number(match[1]) : undefined;
};

/** Asks Postgres and Redis, each bounded by a short timeout. */
@Injectable()
export class DependencyProbe {
  private inflight?: Promise<RoundTrip[]>;
  private memoryInflight?: Promise<RedisMemorySample | undefined>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly redis: SharedRedis,
  ) {}

  get redisConfigured(): boolean {
    return this.redis.connection !== undefined;
  }

  async databaseRoundTrip(): Promise<number> {
    const started = performance.now();
    await answeredWithin(this.dataSource.query('SELECT 1'), DEPENDENCY_TIMEOUT_MS, 'Postgres');
    return performance.now() - started;
  }

  /** Redis PING on the app's connection (itself bounded by the Redis timeout). */
  async redisRoundTrip(): Promise<number> {
    if (!this.redis.connection) throw new Error('No Redis configured');
    return answeredWithin(this.redis.connection.ping(), DEPENDENCY_TIMEOUT_MS, 'Redis');
  }

  /** Both round trips at once; concurrent callers (e.g. the gauges of one scrape) share one measurement. */
  roundTrips(): Promise<RoundTrip[]> {
    this.inflight ??= Promise.all([
      this.timed('postgres', () => this.databaseRoundTrip()),
      ...(this.redisConfigured ? [this.timed('redis', () => this.redisRoundTrip())] : []),
    ]).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /**
   * INFO memory; `configured: false` without Redis, undefined when Redis did not answer.
   * Concurrent callers (the two memory gauges of one scrape) share one INFO.
   */
  redisMemory(): Promise<RedisMemorySample | undefined> {
    this.memoryInflight ??= this.readRedisMemory().finally(() => (this.memoryInflight = undefined));
    return this.memoryInflight;
  }

  private async readRedisMemory(): Promise<RedisMemorySample | undefined> {
    const redis = this.redis.connection;
    if (!redis) return { configured: false };
    try {
      const nodes = (await answeredWithin(redis.info('memory'), DEPENDENCY_TIMEOUT_MS, 'Redis')).map(({ info }) => ({
        configured: true,
        usedBytes: infoField(info, 'used_memory'),
        maxBytes: infoField(info, 'maxmemory'),
      }));
      // On a cluster, the fullest master: one full master refuses writes to its slots whatever room the others have.
      const ratio = (node: RedisMemorySample) => (node.maxBytes ? (node.usedBytes ?? 0) / node.maxBytes : 0);
      return nodes.reduce((fullest, node) => (ratio(node) > ratio(fullest) ? node : fullest));
    } catch {
      return undefined;
    }
  }

  private async timed(dependency: Dependency, measure: () => Promise<number>): Promise<RoundTrip> {
    try {
      return { dependency, ms: await measure() };
    } catch (error) {
      return { dependency, error: (error as Error).message };
    }
  }
}
