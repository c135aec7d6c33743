import { QueryFailedError } from 'typeorm';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

function pgError(error: unknown): { code?: string; constraint?: string } | undefined {
  return error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
}

/** True when the error is a unique violation (of `constraint`, when given). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const driverError = pgError(error);
  return driverError?.code === UNIQUE_VIOLATION && (!constraint || driverError.constraint === constraint);
}

/** True when the error is a foreign-key violation (of `constraint`, when given). */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  const driverError = pgError(error);
  return driverError?.code === FOREIGN_KEY_VIOLATION && (!constraint || driverError.constraint === constraint);
}
