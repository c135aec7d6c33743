/** The fields of `INFO memory` the operations endpoints report. */
export interface RedisMemoryFigures {
  used_memory_bytes: number;
  used_memory_peak_bytes: number;
  /** 0 means no limit: Redis grows until the host runs out of memory. */
  maxmemory_bytes: number;
  /** used / maxmemory; null without a limit. */
  used_of_max_ratio: number | null;
  /** RSS / used memory: above 1.5 memory is fragmented, below 1 Redis is swapping. */
  fragmentation_ratio: number | null;
  maxmemory_policy: string | null;
}

/** Parses the text of an INFO reply (`name:value` lines, `# Section` headers) into a map. */
export function parseRedisInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const separator = line.indexOf(':');
    if (separator > 0) fields.set(line.slice(0, separator), line.slice(separator + 1).trim());
  }
  return fields;
}

const numberField = (fields: Map<string, string>, name: string): number | null => {
  const raw = fields.get(name);
  if (raw === undefined || raw === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
};

export function memoryFigures(fields: Map<string, string>): RedisMemoryFigures {
  const used = numberField(fields, 'used_memory') ?? 0;
  const max = numberField(fields, 'maxmemory') ?? 0;
  return {
    used_memory_bytes: used,
    used_memory_peak_bytes: numberField(fields, 'used_memory_peak') ?? used,
    maxmemory_bytes: max,
    used_of_max_ratio: max > 0 ? used / max : null,
    fragmentation_ratio: numberField(fields, 'mem_fragmentation_ratio'),
    maxmemory_policy: fields.get('maxmemory_policy') ?? null,
  };
}

/** One master's memory, as the per-node part of a cluster's figures shows it. */
export interface RedisNodeMemory {
  /** `host:port`; `redis` for a single Redis. */
  node: string;
  used_memory_bytes: number;
  maxmemory_bytes: number;
  used_of_max_ratio: number | null;
}

export interface RedisMemoryReport extends RedisMemoryFigures {
  nodes: RedisNodeMemory[];
}

/**
 * The figures of every master together (a single Redis is the one node): bytes summed, the limit
 * summed unless a node has none (then 0, no limit), the worst fragmentation, and each node's own.
 */
export function combinedMemoryFigures(nodes: { node: string; figures: RedisMemoryFigures }[]): RedisMemoryReport {
  if (nodes.length === 1) {
    const [{ node, figures }] = nodes;
    return { ...figures, nodes: [{ node, ...pick(figures) }] };
  }
  const used = nodes.reduce((sum, { figures }) => sum + figures.used_memory_bytes, 0);
  const max = nodes.some(({ figures }) => figures.maxmemory_bytes === 0)
    ? 0
    : nodes.reduce((sum, { figures }) => sum + figures.maxmemory_bytes, 0);
  const fragmentation = nodes.map(({ figures }) => figures.fragmentation_ratio).filter((ratio): ratio is number => ratio !== null);
  return {
    used_memory_bytes: used,
    used_memory_peak_bytes: nodes.reduce((sum, { figures }) => sum + figures.used_memory_peak_bytes, 0),
    maxmemory_bytes: max,
    used_of_max_ratio: max > 0 ? used / max : null,
    fragmentation_ratio: fragmentation.length > 0 ? Math.max(...fragmentation) : null,
    maxmemory_policy:
      nodes.find(({ figures }) => figures.maxmemory_policy !== 'noeviction')?.figures.maxmemory_policy ??
      nodes[0]?.figures.maxmemory_policy ??
      null,
    nodes: nodes.map(({ node, figures }) => ({ node, ...pick(figures) })),
  };
}

const pick = ({ used_memory_bytes, maxmemory_bytes, used_of_max_ratio }: RedisMemoryFigures) => ({
  used_memory_bytes,
  maxmemory_bytes,
  used_of_max_ratio,
});
