/**
 * Which database a cache load reads. The database layer provides the replica-aware one (see
 * src/database/replicas/replica-reads.ts); without it (unit specs) loads run as they are and
 * writes record nothing.
 */
export abstract class LoadRouting {
  /** False: nothing to route (no replicas); {@link load} and {@link recordWrite} are not called. */
  abstract readonly enabled: boolean;

  /** Runs a load that reads `knownTags` (and whatever tags its result names) where it may. */
  abstract load<T extends { tags: string[] }>(knownTags: readonly string[], loader: () => Promise<T>): Promise<T>;

  /** A write committed and its tags are about to be invalidated. */
  abstract recordWrite(tags: readonly string[]): Promise<void>;

  /** For readiness and /metrics: each replica's state and where loads went; undefined when disabled. */
  abstract report(): LoadRoutingReport | undefined;
}

export interface LoadRoutingReport {
  replicas: ReplicaState[];
  reads: ReplicaReadCounts;
  /** Write positions not yet recorded in Redis (resent on every poll). */
  lsns_pending_in_redis: number;
}

export interface ReplicaState {
  /** Position in DATABASE_REPLICA_URLS. */
  index: number;
  /** Scheme, host and port only. */
  target: string;
  /** Answered the last poll and is replaying (in recovery). */
  up: boolean;
  /** up, and replayed everything the primary had written 30 s ago (MAX_REPLICA_LAG_MS): cache loads may use it. */
  usable: boolean;
  /** Replay position in bytes from 0/0 (pg_last_wal_replay_lsn), as of the last poll. */
  replayLsn?: number;
  /** Bytes of WAL the primary had written at its last poll and this replica had not replayed. */
  lagBytes?: number;
  /** At least this long behind: since the oldest primary position it has not reached was read. */
  lagMs?: number;
  lastError?: string;
  /** How long its last poll took, in ms. */
  pollMs?: number;
}

/** Where cache loads were read, since start-up. */
export interface ReplicaReadCounts {
  /** Loads answered by a replica. */
  replica: number;
  /** Loads sent to the primary before starting: no usable replica had replayed their tags' latest write. */
  primary: number;
  /** Loads read on a replica and then again on the primary: their result named a tag written after the replica's position. */
  primary_after_check: number;
  /** Loads that failed on a replica and were read again on the primary. */
  replica_failures: number;
}
