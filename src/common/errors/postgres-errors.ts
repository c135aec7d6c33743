import { QueryFailedError } from 'typeorm';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';
/** Postgres 18 reports a refused ON DELETE RESTRICT as restrict_violation instead. */
const RESTRICT_VIOLATION = '23001';

function pgError(error: unknown): { code?: string; constraint?: string } | undefined {
  return error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
}

/** True when the error is a unique violation (of `constraint`, when given). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const driverError = pgError(error);
  return driverError?.code === UNIQUE_VIOLATION && (!constraint || driverError.constraint === constraint);
}

/** True when the error is a foreign-key violation, including a refused RESTRICT (of `constraint`, when given). */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  const driverError = pgError(error);
  const code = driverError?.code;
  return (code === FOREIGN_KEY_VIOLATION || code === RESTRICT_VIOLATION) && (!constraint || driverError!.constraint === constraint);
}

/** The SQLSTATE of a failed statement (e.g. one a function raised), or undefined for any other error. */
export function sqlStateOf(error: unknown): string | undefined {
  return pgError(error)?.code;
}
