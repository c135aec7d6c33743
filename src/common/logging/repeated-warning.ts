/** Where the lines go: a Nest Logger fits. */
export interface WarningSink {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * How often a warning that keeps repeating is logged again: the cadence the Redis client's own
 * errors were already limited to (src/redis/redis.module.ts). A Redis outage repeats its warnings
 * every second (the invalidation replay timer) or faster (publishes); one line per 5 s still shows
 * within seconds that it persists.
 */
export const REPEATED_WARNING_INTERVAL_MS = 5_000;

/**
 * A warning that repeats for as long as a condition lasts (a dependency down), logged without
 * flooding: the first occurrence in full; later ones are counted, and the next one after
 * `intervalMs` since the last line is logged with how many were left out meanwhile; once the
 * condition is over, {@link recovered} logs one line saying so, how long it lasted and how many
 * occurrences were not logged since the last line. No timer: a line is only ever written by a call.
 */
export class RepeatedWarning {
  /** When the first occurrence of the current episode happened; undefined while all is well. */
  private since: number | undefined;
  private lastLine = 0;
  private unlogged = 0;
  private total = 0;

  constructor(
    private readonly sink: WarningSink,
    private readonly intervalMs: number = REPEATED_WARNING_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get failing(): boolean {
    return this.since !== undefined;
  }

  warn(message: string): void {
    const now = this.now();
    this.total++;
    if (this.since === undefined) {
      this.since = now;
      this.lastLine = now;
      this.sink.warn(message);
      return;
    }
    if (now - this.lastLine < this.intervalMs) {
      this.unlogged++;
      return;
    }
    this.sink.warn(
      `${message} (still happening: ${this.total} times in ${seconds(now - this.since)}; ${this.unlogged} not logged since the last line)`,
    );
    this.lastLine = now;
    this.unlogged = 0;
  }

  /** The condition is over: one line if it was failing, nothing otherwise. */
  recovered(message: string): void {
    if (this.since === undefined) return;
    const now = this.now();
    this.sink.log(
      `${message} (after ${this.total} warning(s) in ${seconds(now - this.since)}; ${this.unlogged} not logged since the last line)`,
    );
    this.since = undefined;
    this.unlogged = 0;
    this.total = 0;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
