import type { BoundedLru } from './bounded-lru.js';
import type { CacheEntry } from './cache-entry.js';

interface KeyvData {
  value: CacheEntry;
  expires?: number;
}

/**
 * The L1 LRU as a Keyv store, so cache-manager composes the same two tiers the hot path uses
 * (its multi-tier `get`, `del` and `clear` serve the operations endpoints). Keyv hands over
 * `{ value, expires }`; the LRU keeps the entry, whose own staleUntil is its physical expiry.
 */
export class L1KeyvStore {
  readonly opts = { dialect: 'tiffin-l1' };

  constructor(private readonly lru: BoundedLru) {}

  get(key: string): KeyvData | undefined {
    const entry = this.lru.get(key);
    return entry ? { value: entry, expires: entry.staleUntil } : undefined;
  }

  set(key: string, data: KeyvData): void {
    this.lru.set(key, data.value);
  }

  delete(key: string): boolean {
    return this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
  }

  has(key: string): boolean {
    return this.lru.peek(key) !== undefined;
  }
}
