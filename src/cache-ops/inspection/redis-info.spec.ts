import { describe, expect, it } from '@jest/globals';
import { memoryFigures, parseRedisInfo } from './redis-info.js';

const INFO = [
  '# Memory',
  'used_memory:1048576',
  'used_memory_human:1.00M',
  'used_memory_peak:2097152',
  'maxmemory:4194304',
  'maxmemory_policy:volatile-lru',
  'mem_fragmentation_ratio:1.73',
  '',
].join('\r\n');

describe('INFO memory parsing', () => {
  it('reads name:value lines, skipping section headers and blank lines', () => {
    const fields = parseRedisInfo(INFO);
    expect(fields.get('used_memory_human')).toBe('1.00M');
    expect(fields.has('# Memory')).toBe(false);
    expect(fields.size).toBe(6);
  });

  it('keeps values that contain a colon whole', () => {
    expect(parseRedisInfo('executable:/usr/bin/redis:7\n').get('executable')).toBe('/usr/bin/redis:7');
  });

  it('derives the used share of maxmemory', () => {
    expect(memoryFigures(parseRedisInfo(INFO))).toEqual({
      used_memory_bytes: 1048576,
      used_memory_peak_bytes: 2097152,
      maxmemory_bytes: 4194304,
      used_of_max_ratio: 0.25,
      fragmentation_ratio: 1.73,
      maxmemory_policy: 'volatile-lru',
    });
  });

  it('has no ratio without a maxmemory and tolerates missing fields', () => {
    const figures = memoryFigures(parseRedisInfo('used_memory:100\nmaxmemory:0\n'));
    expect(figures.used_of_max_ratio).toBeNull();
    expect(figures.used_memory_peak_bytes).toBe(100);
    expect(figures.fragmentation_ratio).toBeNull();
    expect(figures.maxmemory_policy).toBeNull();
  });
});
