import { afterEach, describe, expect, it } from '@jest/globals';
import type { CacheWarmer } from '../cache/cache-warmer.js';
import type { CacheService } from '../cache/cache.service.js';
import type { AppConfig } from '../config/app-config.js';
import { ShutdownSignal } from '../common/lifecycle/shutdown-signal.js';
import { OrderStatus } from '../domain/order-status.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { OrderPlaced, OrderStatusChanged } from '../events/domain-events.js';
import type { DistributedLock } from '../redis/distributed-lock.js';
import type { RedisConnection, SharedRedis } from '../redis/redis-connection.js';
import type { AnalyticsReads } from './analytics-reads.js';
import { AnalyticsRefresher } from './analytics-refresher.js';

describe('AnalyticsRefresher marks', () => {
  let refresher: AnalyticsRefresher | undefined;
  afterEach(() => refresher?.onModuleDestroy());

  /** A refresher on a bus, with a Redis client that only records its SETs. */
  function refresherWithMarks() {
    const sets: { key: string; value: string; options: unknown }[] = [];
    const client = {
      set: (key: string, value: string, options: unknown) => {
        sets.push({ key, value, options });
        return Promise.resolve(null);
      },
    };
    const connection = { client, key: (name: string) => `p:${name}` } as unknown as RedisConnection;
    const bus = new DomainEventBus();
    const shutdown = new ShutdownSignal();
    refresher = new AnalyticsRefresher(
      { enabled: true } as CacheService,
      {} as CacheWarmer,
      {} as AnalyticsReads,
      {} as DistributedLock,
      { connection } as SharedRedis,
      bus,
      { analytics: { maxStalenessMs: 60_000 } } as AppConfig,
      shutdown,
    );
    refresher.onModuleInit();
    return { bus, sets, refresher, shutdown };
  }

  it('gives the orders of a moment one mark in Redis, set if absent, with the first order’s time', async () => {
    const { bus, sets, refresher } = refresherWithMarks();
    const before = Date.now();
    await bus.publish({ event: new OrderPlaced(1, 2, 3), outboxId: null });
    const after = Date.now();
    for (let id = 2; id <= 20; id++) {
      await bus.publish({ event: new OrderStatusChanged(id, 2, 3, OrderStatus.Placed, OrderStatus.Confirmed), outboxId: null });
    }
    expect(sets).toEqual([]);
    await refresher.settled();
    expect(sets).toHaveLength(1);
    expect(sets[0].key).toBe('p:_meta:analytics-platform-due');
    expect(sets[0].options).toEqual({ NX: true });
    expect(Number(sets[0].value)).toBeGreaterThanOrEqual(before);
    expect(Number(sets[0].value)).toBeLessThanOrEqual(after);
  });

  it('marks again for an order after the previous mark went out', async () => {
    const { bus, sets, refresher } = refresherWithMarks();
    await bus.publish({ event: new OrderPlaced(1, 2, 3), outboxId: null });
    await refresher.settled();
    await bus.publish({ event: new OrderPlaced(2, 2, 3), outboxId: null });
    await refresher.settled();
    expect(sets).toHaveLength(2);
  });

  it('sends the waiting mark when the process starts draining, and each order’s after it at once, while Redis is open', async () => {
    const { bus, sets, shutdown } = refresherWithMarks();
    await bus.publish({ event: new OrderPlaced(1, 2, 3), outboxId: null });
    expect(sets).toHaveLength(0);
    shutdown.begin();
    expect(sets).toHaveLength(1);
    await bus.publish({ event: new OrderPlaced(2, 2, 3), outboxId: null });
    expect(sets).toHaveLength(2);
  });
});
