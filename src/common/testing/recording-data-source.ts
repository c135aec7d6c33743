import type { DataSource, EntityManager } from 'typeorm';

/**
 * A DataSource fake whose transactions record begin/commit/rollback in `log`, so a service spec
 * can check that events are published only after the commit. The manager it hands out is `manager`.
 */
export function recordingDataSource(log: string[], manager: EntityManager): DataSource {
  return {
    async transaction<T>(work: (entityManager: EntityManager) => Promise<T>): Promise<T> {
      log.push('begin');
      try {
        const result = await work(manager);
        log.push('commit');
        return result;
      } catch (error) {
        log.push('rollback');
        throw error;
      }
    },
  } as unknown as DataSource;
}

/**
 * A cache invalidation outbox fake for service specs (InvalidationOutboxRepository's shape): its
 * transactions are {@link recordingDataSource}'s; `record` logs the events' types and numbers
 * their rows.
 */
export function recordingOutbox(log: string[], manager: EntityManager) {
  let nextId = 1;
  const dataSource = recordingDataSource(log, manager);
  return {
    transaction: <T>(work: (entityManager: EntityManager) => Promise<T>) => dataSource.transaction(work),
    record: <E extends { type: string }>(_manager: EntityManager, events: E[]) => {
      if (events.length > 0) log.push(`outbox ${events.map((event) => event.type).join(', ')}`);
      return Promise.resolve(events.map((event) => ({ event, outboxId: String(nextId++) })));
    },
  };
}
