/** Redis Cluster's key space: 16384 slots, a key's slot being CRC16 (XMODEM) of its hash tag, else of the whole key. */
export const CLUSTER_SLOTS = 16384;

/** CRC16 (XMODEM) of a text's UTF-8 bytes, as Redis Cluster hashes keys. */
export function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The slot of a key, as Redis Cluster computes it (the first non-empty `{...}` decides when present). */
export function slotOf(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16(key.slice(open + 1, close)) % CLUSTER_SLOTS;
  }
  return crc16(key) % CLUSTER_SLOTS;
}

/**
 * `count` hash tags (`{...}`) whose slots lie near the centres of `count` equal slot ranges. A
 * cluster assigns masters contiguous slot ranges (redis-cli splits them evenly), so keys spread
 * over these tags spread evenly over the masters whenever the master count divides `count`.
 * Deterministic: every instance computes the same tags.
 */
export function spreadHashTags(count: number): string[] {
  const width = CLUSTER_SLOTS / count;
  const tags: string[] = [];
  let candidate = 0;
  for (let index = 0; index < count; index++) {
    const centre = (index + 0.5) * width;
    let tag: string;
    do tag = `{${(candidate++).toString(36)}}`;
    while (Math.abs(slotOf(tag) - centre) > width / 8);
    tags.push(tag);
  }
  return tags;
}
