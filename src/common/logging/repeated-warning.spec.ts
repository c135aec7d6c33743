import { beforeEach, describe, expect, it } from '@jest/globals';
import { RepeatedWarning } from './repeated-warning.js';

describe('RepeatedWarning', () => {
  let now: number;
  let lines: string[];
  let warning: RepeatedWarning;
  /** `count` warnings, one every `everyMs` of the fake clock, the first at the current time. */
  const repeat = (count: number, everyMs: number, message = 'Redis down') => {
    for (let index = 0; index < count; index++) {
      if (index > 0) now += everyMs;
      warning.warn(message);
    }
  };

  beforeEach(() => {
    now = 1_000_000;
    lines = [];
    warning = new RepeatedWarning(
      { warn: (message) => void lines.push(`WARN ${message}`), log: (message) => void lines.push(`LOG ${message}`) },
      5_000,
      () => now,
    );
  });

  it('logs the first warning in full at once', () => {
    warning.warn('Redis down');
    expect(lines).toEqual(['WARN Redis down']);
    expect(warning.failing).toBe(true);
  });

  it('while it persists, logs one line per interval with the count of those it left out', () => {
    // Twice a second for 12 s: 25 warnings, at 0, 0.5 s, …, 12 s.
    repeat(25, 500, 'Could not publish');
    expect(lines).toEqual([
      'WARN Could not publish',
      'WARN Could not publish (still happening: 11 times in 5.0 s; 9 not logged since the last line)',
      'WARN Could not publish (still happening: 21 times in 10.0 s; 9 not logged since the last line)',
    ]);
  });

  it('logs the latest message of the summary line, so its detail is current', () => {
    warning.warn('invalidation of a deferred');
    now += 5_000;
    warning.warn('invalidation of b deferred');
    expect(lines.at(-1)).toBe('WARN invalidation of b deferred (still happening: 2 times in 5.0 s; 0 not logged since the last line)');
  });

  it('logs one line when it recovers, with how long it lasted and what went unlogged, then starts afresh', () => {
    repeat(8, 1_000);
    now += 300;
    warning.recovered('Redis back');
    expect(lines).toEqual([
      'WARN Redis down',
      'WARN Redis down (still happening: 6 times in 5.0 s; 4 not logged since the last line)',
      'LOG Redis back (after 8 warning(s) in 7.3 s; 2 not logged since the last line)',
    ]);
    expect(warning.failing).toBe(false);

    // The next outage is a new episode: its first warning is logged at once, counted from 1.
    now += 1_000;
    repeat(2, 100);
    warning.recovered('Redis back');
    expect(lines.slice(3)).toEqual(['WARN Redis down', 'LOG Redis back (after 2 warning(s) in 0.1 s; 1 not logged since the last line)']);
  });

  it('logs nothing on recovery when nothing was failing', () => {
    warning.recovered('Redis back');
    expect(lines).toEqual([]);
  });
});
