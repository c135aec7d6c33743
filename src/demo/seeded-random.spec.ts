import { describe, expect, it } from '@jest/globals';
import { SeededRandom } from './seeded-random.js';

const sequence = (seed: number, length = 20) => {
  const random = new SeededRandom(seed);
  return Array.from({ length }, () => random.next());
};

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed, and another one for another seed', () => {
    expect(sequence(42)).toEqual(sequence(42));
    expect(sequence(42)).not.toEqual(sequence(43));
  });

  it('is the mulberry32 sequence, so the data set does not change with the platform', () => {
    const random = new SeededRandom(1);
    expect([random.next(), random.next(), random.next()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });

  it('draws floats in [0, 1) and integers in the inclusive range, reaching both ends', () => {
    const random = new SeededRandom(7);
    const floats = Array.from({ length: 1000 }, () => random.next());
    expect(floats.every((value) => value >= 0 && value < 1)).toBe(true);
    const integers = new Set(Array.from({ length: 1000 }, () => random.int(3, 6)));
    expect([...integers].sort()).toEqual([3, 4, 5, 6]);
  });

  it('never picks an index of weight 0 and favours heavier weights', () => {
    const random = new SeededRandom(11);
    const counts = [0, 0, 0];
    for (let draw = 0; draw < 3000; draw++) counts[random.weightedIndex([1, 0, 3])]++;
    expect(counts[1]).toBe(0);
    expect(counts[2]).toBeGreaterThan(counts[0] * 2);
    expect(() => random.weightedIndex([0, 0])).toThrow(RangeError);
  });

  it('shuffles into a permutation without touching the input, deterministically', () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = new SeededRandom(5).shuffle(input);
    expect([...shuffled].sort()).toEqual(input);
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new SeededRandom(5).shuffle(input)).toEqual(shuffled);
  });

  it('refuses to pick from an empty list', () => {
    expect(() => new SeededRandom(1).pick([])).toThrow(RangeError);
  });
});
