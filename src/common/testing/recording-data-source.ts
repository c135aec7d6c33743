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
