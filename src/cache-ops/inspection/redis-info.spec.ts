import { describe, expect, it } from '@jest/globals';
import { combinedMemoryFigures, memoryFigures, parseRedisInfo } from './redis-info.js';

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

describe('combinedMemoryFigures', () => {
  const node = (used: number, max: number, fragmentation: number) =>
    memoryFigures(
      parseRedisInfo(`used_memory:${used}\nmaxmemory:${max}\nmem_fragmentation_ratio:${fragmentation}\nmaxmemory_policy:noeviction\n`),
    );

  it('sums the masters, keeps the worst fragmentation and shows each node', () => {
    const report = combinedMemoryFigures([
      { node: 'a:1', figures: node(100, 1000, 1.1) },
      { node: 'b:2', figures: node(300, 1000, 1.6) },
    ]);
    expect(report).toMatchObject({ used_memory_bytes: 400, maxmemory_bytes: 2000, used_of_max_ratio: 0.2, fragmentation_ratio: 1.6 });
    expect(report.nodes).toEqual([
      { node: 'a:1', used_memory_bytes: 100, maxmemory_bytes: 1000, used_of_max_ratio: 0.1 },
      { node: 'b:2', used_memory_bytes: 300, maxmemory_bytes: 1000, used_of_max_ratio: 0.3 },
    ]);
  });

  it('has no limit when one master has none', () => {
    expect(
      combinedMemoryFigures([
        { node: 'a', figures: node(1, 10, 1) },
        { node: 'b', figures: node(1, 0, 1) },
      ]).maxmemory_bytes,
    ).toBe(0);
  });
});
