import type { DataSource, Migration } from 'typeorm';

/**
 * Key of the Postgres advisory lock that serialises migration runs. Any fixed 64-bit number works;
 * this one is "tiffin" in ASCII, so it is recognisable in `pg_locks`.
 */
export const MIGRATION_LOCK_KEY = 0x746966666966n;

/**
 * Applies pending migrations while holding a session advisory lock, so replicas that start together
 * against a fresh database run them one after the other: the first applies them, the others wait,
 * then find nothing left to apply. TypeORM itself takes no such lock.
 *
 * The data source must have a pool of one connection: the lock belongs to the session that took
 * it, and the migrations must run on that same session. Closing the connection releases it too,
 * so a process killed mid-migration does not leave the lock behind.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<Migration[]> {
  await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
  try {
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
  }
}
