import { performance } from 'node:perf_hooks';

/** Below this many spent places at its head, the queue is not worth compacting. */
const COMPACT_AFTER = 1024;

/**
 * A map that forgets what was set more than `lifetimeMs` ago, at a constant cost per call however
 * large it grows. Every setting is queued in time order, and forgetting takes from the head of the
 * queue until it reaches one still young (deleting the key unless it was set again since). Neither
 * sweeping the map nor iterating it from its start will do: the first visits every entry set within
 * the lifetime on each call, the second every slot deleted since V8 last rehashed the table.
 * Ages come from a monotonic clock, so a step of the wall clock neither keeps nor drops entries.
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; setAt: number }>();
  private queuedKeys: string[] = [];
  private queuedTimes: number[] = [];
  private head = 0;

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
    this.forget(now);
    this.entries.set(key, { value, setAt: now });
    this.queuedKeys.push(key);
    this.queuedTimes.push(now);
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(now: number): void {
    while (this.head < this.queuedKeys.length && now - this.queuedTimes[this.head] > this.lifetimeMs) {
      const key = this.queuedKeys[this.head];
      if (this.entries.get(key)?.setAt === this.queuedTimes[this.head]) this.entries.delete(key);
      this.head++;
    }
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.queuedKeys.length) {
      this.queuedKeys = this.queuedKeys.slice(this.head);
      this.queuedTimes = this.queuedTimes.slice(this.head);
      this.head = 0;
    }
  }
}
