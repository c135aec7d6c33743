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

  it('forgets, on the next set, every entry older than the lifetime', () => {
    const values = map();
    values.set('a', 1);
    clock = 1;
    values.set('b', 2);
    clock = 2;
    values.set('c', 3);
    clock = 11.5;
    values.set('d', 4);
    expect(values.size).toBe(2);
    expect([values.get('c'), values.get('d')]).toEqual([3, 4]);
  });

  it('counts a key that is set again from its last setting, and still forgets the older ones behind it', () => {
    const values = map();
    values.set('a', 1);
    clock = 5;
    values.set('b', 2);
    clock = 6;
    values.set('a', 3);
    clock = 15.5;
    values.set('x', 0);
    // b (set at 5) is forgotten although a, set first, is still young: a moved behind b when set again.
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
