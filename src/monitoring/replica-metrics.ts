import { Counter, Gauge, type Registry } from 'prom-client';
import type { LoadRouting, ReplicaReadCounts, ReplicaState } from '../cache/load-routing.js';

const PER_REPLICA: { name: string; help: string; read: (state: ReplicaState) => number | undefined }[] = [
  {
    name: 'tiffin_database_replica_up',
    help: 'Whether the replica answered its last poll and is replaying (1) or not (0)',
    read: (s) => (s.up ? 1 : 0),
  },
  {
    name: 'tiffin_database_replica_usable',
    help: 'Whether cache loads may use the replica (1): up, and it replayed what the primary had written 30 s ago',
    read: (s) => (s.usable ? 1 : 0),
  },
  {
    name: 'tiffin_database_replica_lag_bytes',
    help: 'WAL the primary had written at its last poll and the replica had not replayed',
    read: (s) => s.lagBytes,
  },
  {
    name: 'tiffin_database_replica_lag_seconds',
    help: 'At least this far behind: since the primary reached the oldest polled position the replica has not replayed',
    read: (s) => (s.lagMs === undefined ? undefined : s.lagMs / 1000),
  },
];

/** Per-replica state and where cache loads were read; registered only when DATABASE_REPLICA_URLS is set. */
export function registerReplicaMetrics(registry: Registry, replicas: LoadRouting): void {
  if (!replicas.enabled) return;
  const registers = [registry];
  for (const { name, help, read } of PER_REPLICA) {
    const gauge: Gauge<'replica'> = new Gauge({
      name,
      help: `${help}; labelled by position in DATABASE_REPLICA_URLS`,
      labelNames: ['replica'],
      registers,
      collect: () => {
        gauge.reset();
        for (const state of replicas.report()?.replicas ?? []) {
          const value = read(state);
          if (value !== undefined) gauge.set({ replica: String(state.index) }, value);
        }
      },
    });
  }
  const loads: Counter<'source'> = new Counter({
    name: 'tiffin_database_replica_routed_loads_total',
    help: 'Cache loads by where they were read: replica, primary (no replica had replayed their tags), primary_after_check (their result named a later write), replica_failures (failed there, read on the primary)',
    labelNames: ['source'],
    registers,
    collect: () => {
      loads.reset();
      const counts = replicas.report()?.reads;
      if (!counts) return;
      for (const source of Object.keys(counts) as (keyof ReplicaReadCounts)[]) loads.inc({ source }, counts[source]);
    },
  });
}
