import { Logger } from '@nestjs/common';
import { withTimeout } from '../../common/async/with-timeout.js';
import { redactUrl } from '../../config/app-config.js';
import type { ReplicaState } from '../../cache/load-routing.js';
import type { PoolLike } from './routing-data-source.js';
import { PRIMARY_POSITION_SQL, REPLICA_POSITION_SQL } from './wal-position.js';

/** How often each replica's replay position (and the primary's write position) is read. */
export const REPLICA_POLL_MS = 200;
/** A replica that has not replayed what the primary had written this long ago is skipped ("too far behind"). */
export const MAX_REPLICA_LAG_MS = 30_000;
/** A poll that takes longer counts as failed: the replica is skipped until one answers in time. */
const POLL_TIMEOUT_MS = 1000;

/**
 * Polls, in the background, each replica's replay position and the primary's write position, so
 * that choosing a replica for a load costs no round trip. Positions only move forward, so a polled
 * one is a lower bound of the replica's position now: using it is never too optimistic.
 */
export class ReplicaMonitor {
  private readonly logger = new Logger('ReplicaMonitor');
  private readonly states: ReplicaState[];
  /** The primary's write position over the last MAX_REPLICA_LAG_MS, oldest first. */
  private primarySamples: { at: number; lsn: number }[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private next = 0;

  constructor(
    urls: readonly string[],
    private readonly primary: PoolLike,
    private readonly replicas: readonly PoolLike[],
    private readonly onPolled: () => Promise<void> = async () => {},
  ) {
    this.states = urls.map((url, index) => ({ index, target: redactUrl(url), up: false, usable: false }));
  }

  start(): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), REPLICA_POLL_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get replicaStates(): ReplicaState[] {
    return this.states.map((state) => ({ ...state }));
  }

  /**
   * A usable replica that has replayed at least `lsn` (round robin among them), with the position
   * it had at the last poll; undefined: the load reads the primary.
   */
  pick(lsn: number): { index: number; replayLsn: number } | undefined {
    const candidates = this.states.filter((state) => state.usable && (state.replayLsn ?? -1) >= lsn);
    if (candidates.length === 0) return undefined;
    const chosen = candidates[this.next++ % candidates.length];
    return { index: chosen.index, replayLsn: chosen.replayLsn! };
  }

  /** A load on this replica failed: skip it until the next poll says otherwise. */
  markFailed(index: number, error: Error): void {
    const state = this.states[index];
    if (state.up) this.logger.warn(`Replica ${state.target} failed a read (${error.message}): loads go elsewhere until it answers a poll`);
    Object.assign(state, { up: false, usable: false, lastError: error.message });
  }

  /** One round of polls; a call while one is under way shares it. */
  poll(): Promise<void> {
    this.inFlight ??= this.pollOnce().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** A round of polls that starts after this call (tests: positions at least as recent as now). */
  async pollFresh(): Promise<void> {
    await this.inFlight;
    await this.poll();
  }

  private async pollOnce(): Promise<void> {
    await Promise.all([this.pollPrimary(), ...this.replicas.map((pool, index) => this.pollReplica(pool, index))]);
    this.judge(Date.now());
    await this.onPolled();
  }

  private async pollPrimary(): Promise<void> {
    try {
      const lsn = await this.position(this.primary, PRIMARY_POSITION_SQL);
      this.primarySamples.push({ at: Date.now(), lsn });
    } catch {
      // No new sample: as the old ones age out, no replica is shown recent enough and loads read the primary.
    }
  }

  private async pollReplica(pool: PoolLike, index: number): Promise<void> {
    const state = this.states[index];
    const started = performance.now();
    try {
      const lsn = await this.position(pool, REPLICA_POSITION_SQL);
      if (!state.up) this.logger.log(`Replica ${state.target} is replaying`);
      Object.assign(state, { up: true, replayLsn: lsn, lastError: undefined });
    } catch (error) {
      if (state.up) this.logger.warn(`Replica ${state.target} skipped: ${(error as Error).message}`);
      Object.assign(state, { up: false, lastError: (error as Error).message });
    } finally {
      state.pollMs = Math.round(performance.now() - started);
    }
  }

  private async position(pool: PoolLike, sql: string): Promise<number> {
    const result = await withTimeout(
      pool.query<{ lsn: string | null }>(sql),
      POLL_TIMEOUT_MS,
      () => new Error(`no answer within ${POLL_TIMEOUT_MS} ms`),
    );
    const value = result.rows[0]?.lsn;
    if (value === undefined || value === null) throw new Error('not a replaying standby (pg_is_in_recovery() is false)');
    return Number(value);
  }

  private judge(now: number): void {
    this.primarySamples = this.primarySamples.filter((sample) => now - sample.at <= MAX_REPLICA_LAG_MS);
    const latestPrimary = this.primarySamples.at(-1);
    for (const state of this.states) {
      const replay = state.replayLsn;
      if (!state.up || replay === undefined) {
        state.usable = false;
        continue;
      }
      // Reached a position the primary had within the window: at most that far behind.
      state.usable = this.primarySamples.some((sample) => sample.lsn <= replay);
      state.lagBytes = latestPrimary ? Math.max(0, latestPrimary.lsn - replay) : undefined;
      const firstMissed = this.primarySamples.find((sample) => sample.lsn > replay);
      state.lagMs = firstMissed ? now - firstMissed.at : 0;
    }
  }
}
