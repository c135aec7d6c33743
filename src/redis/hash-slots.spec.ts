import { describe, expect, it } from '@jest/globals';
import { CLUSTER_SLOTS, slotOf, spreadHashTags } from './hash-slots.js';

describe('hash slots', () => {
  it('computes the slots Redis Cluster documents', () => {
    expect(slotOf('foo')).toBe(12182);
    expect(slotOf('{user1000}.following')).toBe(slotOf('{user1000}.followers'));
  });

  it('spreads twelve tags evenly over 3 masters holding equal contiguous slot ranges', () => {
    const tags = spreadHashTags(12);
    expect(new Set(tags).size).toBe(12);
    const masters = [0, 0, 0];
    for (const tag of tags) masters[Math.floor((slotOf(tag) * 3) / CLUSTER_SLOTS)]++;
    expect(masters).toEqual([4, 4, 4]);
    expect(spreadHashTags(12)).toEqual(tags);
  });
});
