import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { RateLimitCounter, spreadHits } from './rate-limit-counter.js';
import { type RedisConnection, SharedRedis } from './redis-connection.js';

describe('spreadHits', () => {
  it('gives each hit counted together the count right after it', () => {
    // Three hits on a count of 4: 5, 6 and 7, none past a limit of 10.
    expect(spreadHits([7, 900, 0, 3], 3, 10, 60_000)).toEqual([
      { hits: 5, windowLeftMs: 900, blockLeftMs: 0 },
      { hits: 6, windowLeftMs: 900, blockLeftMs: 0 },
      { hits: 7, windowLeftMs: 900, blockLeftMs: 0 },
    ]);
  });

  it('blocks the hit that crossed the limit and refuses the rest without counting them', () => {
    // Four hits on a count of 9 with a limit of 10: 10 passes, 11 starts the block, two refused.
    expect(spreadHits([11, 500, 0, 2], 4, 10, 30_000)).toEqual([
      { hits: 10, windowLeftMs: 500, blockLeftMs: 0 },
      { hits: 11, windowLeftMs: 500, blockLeftMs: 30_000 },
      { hits: 11, windowLeftMs: 500, blockLeftMs: 30_000 },
      { hits: 11, windowLeftMs: 500, blockLeftMs: 30_000 },
    ]);
  });

  it('refuses every hit while a block runs, with its time left', () => {
    expect(spreadHits([12, 400, 2500, 0], 2, 10, 30_000)).toEqual([
      { hits: 12, windowLeftMs: 400, blockLeftMs: 2500 },
      { hits: 12, windowLeftMs: 400, blockLeftMs: 2500 },
    ]);
  });

  it('counts every hit without a block: past the limit is reported, not refused', () => {
    expect(spreadHits([12, 400, 0, 2], 2, 10, 0)).toEqual([
      { hits: 11, windowLeftMs: 400, blockLeftMs: 0 },
      { hits: 12, windowLeftMs: 400, blockLeftMs: 0 },
    ]);
  });
});

/** A Redis that runs COUNT_HITS (without blocks) in memory, and answers when `answer` is called. */
function fakeRedis() {
  const counts = new Map<string, { hits: number; endsAt: number }>();
  const calls: number[] = [];
  const waiting: (() => void)[] = [];
  const connection = {
    ready: true,
    clustered: false,
    metaPrefix: 'test:_meta:',
    bounded: <T>(work: Promise<T>) => work,
    runScript: (_script: string, { keys, arguments: args }: { keys: string[]; arguments: string[] }) =>
      new Promise<number[]>((resolve) => {
        const [windowMs, , , n] = args.map(Number);
        calls.push(n);
        // Redis counts when the call arrives; the answer comes back when the test lets it.
        const now = Date.now();
        let count = counts.get(keys[0]);
        if (!count || count.endsAt <= now) counts.set(keys[0], (count = { hits: 0, endsAt: now + windowMs }));
        count.hits += n;
        const reply = [count.hits, count.endsAt - now, 0, n];
        waiting.push(() => resolve(reply));
      }),
  };
  const answer = async () => {
    for (const reply of waiting.splice(0)) reply();
    await Promise.resolve();
    await Promise.resolve();
  };
  const counter = new RateLimitCounter(new SharedRedis(connection as unknown as RedisConnection));
  /** From now on every call fails when answered, as when Redis goes away. */
  const fail = () => {
    connection.runScript = () =>
      new Promise<number[]>((_resolve, reject) => {
        calls.push(-1);
        waiting.push(() => reject(new Error('Redis went away')));
      });
  };
  return { counter, connection, calls, answer, fail, total: (key: string) => counts.get(`test:_meta:rate:${key}`)?.hits ?? 0 };
}

describe('RateLimitCounter.hitShared', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-04T12:00:00Z') });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('waits for Redis for the first hit, then decides at once and sends the hits together half an interval later', async () => {
    const { counter, calls, answer, total } = fakeRedis();
    const first = counter.hitShared('general:a', 60_000, 5, 100);
    expect(first).toBeInstanceOf(Promise);
    jest.advanceTimersByTime(0);
    await answer();
    expect(await first).toMatchObject({ hits: 1, blockLeftMs: 0 });

    const next = [2, 3, 4, 5, 6].map(() => counter.hitShared('general:a', 60_000, 5, 100));
    expect(next.map((count) => (count as { hits: number }).hits)).toEqual([2, 3, 4, 5, 6]);
    expect(calls).toEqual([1]);

    jest.advanceTimersByTime(50);
    expect(calls).toEqual([1, 5]);
    await answer();
    expect(total('general:a')).toBe(6);
    expect((counter.hitShared('general:a', 60_000, 5, 100) as { hits: number }).hits).toBe(7);
  });

  it("sees another instance's hits once its count is refreshed, and never uses a count older than the interval", async () => {
    const shared = fakeRedis();
    const other = new RateLimitCounter(new SharedRedis((shared.counter as unknown as { shared: SharedRedis }).shared.connection));
    const waitFor = async (count: ReturnType<RateLimitCounter['hitShared']>) => {
      jest.advanceTimersByTime(0);
      await shared.answer();
      return (await count).hits;
    };
    expect(await waitFor(shared.counter.hitShared('general:a', 60_000, 100, 100))).toBe(1);
    expect(await waitFor(other.hitShared('general:a', 60_000, 100, 100))).toBe(2);
    // Unseen by the first instance until its count is refreshed...
    expect((shared.counter.hitShared('general:a', 60_000, 100, 100) as { hits: number }).hits).toBe(2);
    jest.advanceTimersByTime(50);
    await shared.answer();
    expect((shared.counter.hitShared('general:a', 60_000, 100, 100) as { hits: number }).hits).toBe(4);
    // ...and a count older than the interval is not used: the hit waits for Redis again.
    jest.advanceTimersByTime(200);
    await shared.answer();
    const late = shared.counter.hitShared('general:a', 60_000, 100, 100);
    expect(late).toBeInstanceOf(Promise);
    expect(await waitFor(late)).toBe(5);
    expect(shared.total('general:a')).toBe(5);
  });

  it('counts every hit in Redis and waits for each with an interval of 0', async () => {
    const { counter, calls, answer, total } = fakeRedis();
    for (let hit = 1; hit <= 3; hit++) {
      const count = counter.hitShared('general:a', 60_000, 5, 0);
      expect(count).toBeInstanceOf(Promise);
      jest.advanceTimersByTime(0);
      await answer();
      expect((await count).hits).toBe(hit);
    }
    expect(calls).toEqual([1, 1, 1]);
    expect(total('general:a')).toBe(3);
  });

  it('waits for Redis again once a sync fails, and counts on this instance while Redis is away', async () => {
    const { counter, calls, answer, fail } = fakeRedis();
    const first = counter.hitShared('general:a', 60_000, 3, 100);
    jest.advanceTimersByTime(0);
    await answer();
    expect((await first).hits).toBe(1);
    expect((counter.hitShared('general:a', 60_000, 3, 100) as { hits: number }).hits).toBe(2);

    fail();
    jest.advanceTimersByTime(50);
    await answer();
    expect(calls).toEqual([1, -1]);
    // The count is no longer trusted: the next hit asks Redis, and, refused, is counted here.
    const next = counter.hitShared('general:a', 60_000, 3, 100);
    expect(next).toBeInstanceOf(Promise);
    jest.advanceTimersByTime(0);
    await answer();
    await Promise.resolve();
    expect((await next).hits).toBe(1);
    expect(calls).toEqual([1, -1, -1]);
  });

  it('sends the hits that came while a sync was out with the next sync, though no hit comes after them', async () => {
    const { counter, calls, answer, total } = fakeRedis();
    const first = counter.hitShared('general:a', 60_000, 100, 100);
    jest.advanceTimersByTime(0);
    await answer();
    await first;
    const hitsOf = (count: ReturnType<RateLimitCounter['hitShared']>) => (count as { hits: number }).hits;
    expect(hitsOf(counter.hitShared('general:a', 60_000, 100, 100))).toBe(2);
    jest.advanceTimersByTime(50);
    expect(calls).toEqual([1, 1]);
    // Two more while that sync is out, then nothing.
    expect(hitsOf(counter.hitShared('general:a', 60_000, 100, 100))).toBe(3);
    expect(hitsOf(counter.hitShared('general:a', 60_000, 100, 100))).toBe(4);
    await answer();
    jest.advanceTimersByTime(50);
    expect(calls).toEqual([1, 1, 2]);
    await answer();
    expect(total('general:a')).toBe(4);
  });

  it('counts on this instance at once without Redis, or while Redis is down', async () => {
    const alone = new RateLimitCounter(new SharedRedis(undefined));
    const hitsOf = (count: ReturnType<RateLimitCounter['hitShared']>) => {
      expect(count).not.toBeInstanceOf(Promise);
      return (count as { hits: number }).hits;
    };
    expect([1, 2, 3].map(() => hitsOf(alone.hitShared('general:a', 60_000, 2, 100)))).toEqual([1, 2, 3]);
    expect(hitsOf(alone.hitShared('general:b', 60_000, 2, 0))).toBe(1);
    alone.onApplicationShutdown();

    const { counter, connection, calls } = fakeRedis();
    connection.ready = false;
    expect(hitsOf(counter.hitShared('general:a', 60_000, 5, 100))).toBe(1);
    expect(hitsOf(counter.hitShared('general:a', 60_000, 5, 0))).toBe(2);
    expect(calls).toEqual([]);
  });

  it('starts a new count when the window ends', async () => {
    const { counter, answer } = fakeRedis();
    const first = counter.hitShared('general:a', 1_000, 5, 100);
    jest.advanceTimersByTime(0);
    await answer();
    expect((await first).hits).toBe(1);
    jest.advanceTimersByTime(1_000);
    await answer();
    const next = counter.hitShared('general:a', 1_000, 5, 100);
    expect(next).toBeInstanceOf(Promise);
    jest.advanceTimersByTime(0);
    await answer();
    expect((await next).hits).toBe(1);
  });
});
