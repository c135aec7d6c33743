import { beforeEach, describe, expect, it } from '@jest/globals';
import { ExpiringMap } from './expiring-map.js';

describe('ExpiringMap', () => {
  let clock: number;
  const map = () => new ExpiringMap<number>(10, () => clock);

  beforeEach(() => {
    clock = 0;
  });

  it('answers a value within its lifetime and not after', () => {
    const values = map();
    values.set('a', 1);
    clock = 10;
    expect(values.get('a')).toBe(1);
    clock = 10.5;
    expect(values.get('a')).toBeUndefined();
  });

  /** A map given `settings` ([time, key, value]) in order. */
  const mapAfter = (settings: [number, string, number][]) => {
    const values = map();
    for (const [at, key, value] of settings) {
      clock = at;
      values.set(key, value);
    }
    return values;
  };

  it('forgets, on the next set, every entry older than the lifetime', () => {
    const values = mapAfter([
      [0, 'a', 1],
      [1, 'b', 2],
      [2, 'c', 3],
      [11.5, 'd', 4],
    ]);
    expect(values.size).toBe(2);
    expect([values.get('c'), values.get('d')]).toEqual([3, 4]);
  });

  it('counts a key that is set again from its last setting, and still forgets the older ones behind it', () => {
    const values = mapAfter([
      [0, 'a', 1],
      [5, 'b', 2],
      [6, 'a', 3],
      [15.5, 'x', 0],
    ]);
    // b (set at 5) is forgotten although a, set first, is still young: its setting at 6 counts.
    expect(values.size).toBe(2);
    expect(values.get('a')).toBe(3);
    expect(values.get('b')).toBeUndefined();
  });

  it('keeps forgetting correctly after its queue is compacted', () => {
    const values = map();
    for (let i = 0; i < 5000; i++) {
      clock = i;
      values.set(`k${i % 50}`, i);
    }
    // Set within the lifetime (10) of the last setting, at 4999: the keys set at 4989..4999.
    expect(values.size).toBe(11);
    expect(values.get('k49')).toBe(4999);
    expect(values.get('k39')).toBe(4989);
    expect(values.get('k38')).toBeUndefined();
  });
});
