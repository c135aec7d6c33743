import { describe, expect, it } from '@jest/globals';
import { spreadHits } from './rate-limit-counter.js';

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
