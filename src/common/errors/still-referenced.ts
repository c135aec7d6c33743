import { QueryFailedError } from 'typeorm';
import { isForeignKeyViolation } from './postgres-errors.js';

const RESTRICT_VIOLATION = '23001';

/**
 * A delete refused because other rows still refer to the row. Postgres 18 (the embedded one)
 * reports an ON DELETE RESTRICT key as restrict_violation; earlier servers as foreign_key_violation.
 */
export function isStillReferenced(error: unknown): boolean {
  return (
    isForeignKeyViolation(error) ||
    (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === RESTRICT_VIOLATION)
  );
}
