import { performance } from 'node:perf_hooks';

/**
 * A map that forgets what was set more than `lifetimeMs` ago. Setting a key moves it to the end,
 * so the entries stay in the order they were set and forgetting stops at the first one still
 * young: each entry is visited once, when it goes, however large the map grows. (Sweeping the
 * whole map instead costs every call time in proportion to everything set within the lifetime.)
 * Ages come from a monotonic clock, so a step of the wall clock neither keeps nor drops entries.
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; setAt: number }>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The value, unless it is older than the lifetime. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    return entry && this.now() - entry.setAt <= this.lifetimeMs ? entry.value : undefined;
  }

  set(key: string, value: V): void {
    const now = this.now();
    this.entries.delete(key);
    this.entries.set(key, { value, setAt: now });
    this.forget(now);
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.setAt <= this.lifetimeMs) return;
      this.entries.delete(key);
    }
  }
}
