import { describe, expect, it } from '@jest/globals';
import { ReplicaMonitor } from './replica-monitor.js';
import type { PoolLike } from './routing-data-source.js';

/** A pool whose position query answers `position()` (null: not in recovery; an Error: fails). */
const poolAt = (position: () => number | null | Error): PoolLike => ({
  connect: () => {
    throw new Error('not used');
  },
  query: async <R>() => {
    const value = position();
    if (value instanceof Error) throw value;
    return { rows: (value === null ? [] : [{ lsn: String(value) }]) as R[] };
  },
});

describe('ReplicaMonitor', () => {
  it('picks only a replica whose polled replay position is at or past the required LSN, round robin among them', async () => {
    let primary = 1000;
    const positions = [1000, 400];
    const monitor = new ReplicaMonitor(
      ['postgres://u:secret@r0/db', 'postgres://r1/db'],
      poolAt(() => primary),
      positions.map((_, index) => poolAt(() => positions[index])),
    );
    await monitor.poll();
    expect(monitor.pick(1000)).toEqual({ index: 0, replayLsn: 1000 });
    expect(monitor.pick(1001)).toBeUndefined();
    // 400 is below every position of the primary seen in the last 30 s: too far behind to be used at all.
    expect(monitor.replicaStates.map((state) => state.usable)).toEqual([true, false]);
    expect(monitor.replicaStates[0].target).toBe('postgres://***@r0/***');
    positions[1] = 1000;
    primary = 1500;
    await monitor.poll();
    const picks = [monitor.pick(900)?.index, monitor.pick(900)?.index];
    expect(picks.sort()).toEqual([0, 1]);
    expect(monitor.replicaStates.map((state) => state.lagBytes)).toEqual([500, 500]);
  });

  it('skips a replica whose poll fails, that is not in recovery, or that a load reported failed', async () => {
    const answers: (number | null | Error)[] = [100, 100];
    const monitor = new ReplicaMonitor(
      ['postgres://r0/db', 'postgres://r1/db'],
      poolAt(() => 100),
      answers.map((_, index) => poolAt(() => answers[index])),
    );
    await monitor.poll();
    expect(monitor.pick(0)).toBeDefined();
    answers[0] = new Error('connection refused');
    answers[1] = null;
    await monitor.poll();
    expect(monitor.pick(0)).toBeUndefined();
    expect(monitor.replicaStates.map((state) => state.up)).toEqual([false, false]);
    answers[0] = 100;
    answers[1] = 100;
    await monitor.poll();
    monitor.markFailed(0, new Error('reset'));
    expect(monitor.pick(0)?.index).toBe(1);
  });
});
