import { type CacheEntry, entryBytes } from './cache-entry.js';

export interface LruLimits {
  maxEntries: number;
  maxBytes: number;
}

interface Slot {
  entry: CacheEntry;
  bytes: number;
}

/**
 * The in-process L1: least-recently-used entries go first once either the entry count or the
 * byte estimate is over its limit. Entries are indexed by tag, so dropping a tag costs the
 * entries it removes, not the size of the cache. Physically expired entries (past staleUntil)
 * are dropped when touched or by {@link purgeExpired}.
 */
export class BoundedLru {
  private readonly slots = new Map<string, Slot>();
  private readonly byTag = new Map<string, Set<string>>();
  private totalBytes = 0;

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
    // Re-inserting moves the key to the most-recently-used end of the Map's order.
    this.slots.delete(key);
    this.slots.set(key, slot);
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
    const slot = { entry: kept, bytes: entryBytes(key, kept) };
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
