import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<number>();

/**
 * Which replica the reads of the current async context may use. Outside any scope (requests,
 * guards, writes, jobs) every statement goes to the primary; a cache load runs in a scope only
 * once {@link ReplicaReads} has found a replica that replayed everything the load depends on.
 */
export const ReplicaReadScope = {
  /** The replica (its index in DATABASE_REPLICA_URLS) reads may use here; undefined: the primary. */
  current(): number | undefined {
    return scope.getStore();
  },

  onReplica<T>(replica: number, work: () => Promise<T>): Promise<T> {
    return scope.run(replica, work);
  },

  /** Runs `work` on the primary, also when called from inside a replica scope (a nested load). */
  onPrimary<T>(work: () => Promise<T>): Promise<T> {
    return scope.exit(work);
  },
};
