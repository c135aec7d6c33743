import { QueryFailedError } from 'typeorm';

/** What a client waits before retrying a request the database could not serve. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Socket failures on the way to Postgres (refused, reset, unreachable). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs that mean "not now" rather than "not this request": too many connections, the server
 * shutting down or starting, and a statement cancelled by statement_timeout.
 */
const UNAVAILABLE_SQLSTATES = new Set(['53300', '57P01', '57P02', '57P03', '57014']);

/** node-postgres reports a lost or never-established connection with these messages and no code. */
const DRIVER_MESSAGES = [
  /^timeout exceeded when trying to connect$/,
  /^timeout expired$/,
  /^Connection terminated/,
  /^Query read timeout$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  cause?: unknown;
  driverError?: unknown;
}

function isUnavailable(error: unknown, depth: number): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  const candidate = error as ErrorLike;
  const code = typeof candidate.code === 'string' ? candidate.code : undefined;
  if (code && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  const message = typeof candidate.message === 'string' ? candidate.message : '';
  if (DRIVER_MESSAGES.some((pattern) => pattern.test(message))) return true;
  // Wrappers: TypeORM's QueryFailedError, an AggregateError of every address tried, an error's cause.
  const inner = [
    error instanceof QueryFailedError ? candidate.driverError : undefined,
    candidate.cause,
    ...(Array.isArray(candidate.errors) ? (candidate.errors as unknown[]) : []),
  ];
  return inner.some((nested) => nested !== undefined && isUnavailable(nested, depth + 1));
}

/**
 * True when `error` says Postgres could not be reached or could not serve in time, as opposed to
 * a bug or a rejected statement: the request may succeed if retried later.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return isUnavailable(error, 0);
}
