import { describe, expect, it } from '@jest/globals';
import { retryWithBackoff, sleep } from './backoff.js';

/** An attempt that fails `failures` times, then succeeds; records each call. */
function flaky(failures: number) {
  const calls: number[] = [];
  return {
    calls,
    attempt: async () => {
      calls.push(calls.length + 1);
      if (calls.length <= failures) throw new Error(`failure ${calls.length}`);
    },
  };
}

describe('retryWithBackoff', () => {
  const delays = [500, 1000, 2000];

  it('does not wait when the first attempt succeeds', async () => {
    const waits: number[] = [];
    const { attempt, calls } = flaky(0);
    expect(await retryWithBackoff(attempt, delays, async (ms) => void waits.push(ms))).toEqual({ delivered: true, attempts: 1 });
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('waits 0.5 s, 1 s, 2 s between attempts until one succeeds', async () => {
    const waits: number[] = [];
    const { attempt } = flaky(2);
    expect(await retryWithBackoff(attempt, delays, async (ms) => void waits.push(ms))).toEqual({ delivered: true, attempts: 3 });
    expect(waits).toEqual([500, 1000]);
  });

  it('gives up after the last delay, reporting the last error', async () => {
    const waits: number[] = [];
    const { attempt } = flaky(10);
    expect(await retryWithBackoff(attempt, delays, async (ms) => void waits.push(ms))).toEqual({
      delivered: false,
      attempts: 4,
      lastError: 'failure 4',
    });
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it('stops when a wait is aborted', async () => {
    const stop = new AbortController();
    const { attempt } = flaky(10);
    const report = retryWithBackoff(attempt, [60_000], (ms) => sleep(ms, stop.signal));
    stop.abort(new Error('shutting down'));
    expect(await report).toEqual({ delivered: false, attempts: 1, lastError: 'failure 1' });
  });
});
