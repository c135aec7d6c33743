import { type CacheEntry, entryBytes } from './cache-entry.js';

/** A hit on an entry among the newest 1/RECENT_SHARE of the order leaves it where it is. */
const RECENT_SHARE = 8;

export interface LruLimits {
  maxEntries: number;
  maxBytes: number;
}

interface Slot {
  entry: CacheEntry;
  bytes: number;
  /** The placement count when the key was last put at the recent end of the order. */
  placedAt: number;
}

/**
 * The in-process L1: least-recently-used entries go first once either the entry count or the
 * byte estimate is over its limit. A hit moves its entry to the recent end only once the entry
 * has left the newest eighth of the order: a hot set is hit again and again while it is that
 * recent, and moving it each time (a Map delete and insert, with the table's rehashing) was most
 * of what an L1 lookup cost. Eviction goes by last move, not last hit. `npm run bench:l1` measures
 * both against an exact LRU: a get in a 10,000-entry L1 under Zipf reads costs about a fifth, and
 * with the L1 holding a tenth of the keys the hit ratio stays within 0.05 points (moving entries
 * only from the older half cost 0.6 points). Entries are indexed by tag, so dropping a tag costs the
 * entries it removes, not the size of the cache. Physically expired entries (past staleUntil)
 * are dropped when touched or by {@link purgeExpired}.
 */
export class BoundedLru {
  private readonly slots = new Map<string, Slot>();
  private readonly byTag = new Map<string, Set<string>>();
  private totalBytes = 0;
  /** Keys put at the recent end so far (by a set or a move): how far back a slot was placed. */
  private placements = 0;

  constructor(
    private readonly limits: LruLimits,
    private readonly onEvict: (key: string, entry: CacheEntry) => void = () => {},
  ) {}

  get size(): number {
    return this.slots.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get(key: string, now = Date.now()): CacheEntry | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    if (slot.entry.staleUntil <= now) {
      this.remove(key, slot);
      return undefined;
    }
    // Fewer than size/8 placements since this one: fewer than an eighth of the entries are more recent, removals or not.
    if (this.placements - slot.placedAt >= this.slots.size / RECENT_SHARE) {
      // Re-inserting moves the key to the most-recently-used end of the Map's order.
      this.slots.delete(key);
      this.slots.set(key, slot);
      slot.placedAt = ++this.placements;
    }
    return slot.entry;
  }

  /** Looks without touching recency (for admin listings). */
  peek(key: string): CacheEntry | undefined {
    return this.slots.get(key)?.entry;
  }

  set(key: string, entry: CacheEntry): void {
    const existing = this.slots.get(key);
    if (existing) this.remove(key, existing);
    const kept = entry.encoded ? entry : { ...entry, encoded: Buffer.from(entry.body) };
    const slot = { entry: kept, bytes: entryBytes(key, kept), placedAt: ++this.placements };
    if (slot.bytes > this.limits.maxBytes) return;
    this.slots.set(key, slot);
    this.totalBytes += slot.bytes;
    for (const tag of entry.tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    this.evictOverLimit();
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (!slot) return false;
    this.remove(key, slot);
    return true;
  }

  /** Removes every entry carrying one of the tags; returns the keys removed. */
  deleteTagged(tags: Iterable<string>): string[] {
    const removed: string[] = [];
    for (const tag of tags) {
      for (const key of this.byTag.get(tag) ?? []) {
        const slot = this.slots.get(key);
        if (slot) {
          this.remove(key, slot);
          removed.push(key);
        }
      }
      this.byTag.delete(tag);
    }
    return removed;
  }

  /** Removes the entries whose key starts with the prefix (e.g. one namespace); returns how many. */
  deletePrefixed(prefix: string): number {
    let removed = 0;
    for (const [key, slot] of this.slots) {
      if (key.startsWith(prefix)) {
        this.remove(key, slot);
        removed++;
      }
    }
    return removed;
  }

  purgeExpired(now = Date.now()): number {
    let removed = 0;
    for (const [key, slot] of this.slots) {
      if (slot.entry.staleUntil <= now) {
        this.remove(key, slot);
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.slots.clear();
    this.byTag.clear();
    this.totalBytes = 0;
  }

  *entries(): IterableIterator<[string, CacheEntry]> {
    for (const [key, slot] of this.slots) yield [key, slot.entry];
  }

  private evictOverLimit(): void {
    while (this.slots.size > this.limits.maxEntries || this.totalBytes > this.limits.maxBytes) {
      const oldest = this.slots.keys().next();
      if (oldest.done) return;
      const slot = this.slots.get(oldest.value)!;
      this.remove(oldest.value, slot);
      this.onEvict(oldest.value, slot.entry);
    }
  }

  private remove(key: string, slot: Slot): void {
    this.slots.delete(key);
    this.totalBytes -= slot.bytes;
    for (const tag of slot.entry.tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.byTag.delete(tag);
    }
  }
}
