import { describe, expect, it } from '@jest/globals';
import { capitalizeWords, roundToCents } from './transforms.js';

describe('roundToCents', () => {
  it.each([
    [10.075, 10.08],
    [1.005, 1.01],
    [12.994, 12.99],
    [12.995, 13],
    [0.1 + 0.2, 0.3],
    [99999999.99, 99999999.99],
    [5, 5],
  ])('rounds %p half-up to %p', (input, expected) => {
    expect(roundToCents(input)).toBe(expected);
  });
});

describe('capitalizeWords', () => {
  it.each([
    ['italian', 'Italian'],
    ['  north   INDIAN ', 'North Indian'],
    ['tex-mex', 'Tex-Mex'],
    ['ÉTHIOPIAN', 'Éthiopian'],
  ])('%p becomes %p', (input, expected) => {
    expect(capitalizeWords(input)).toBe(expected);
  });
});
