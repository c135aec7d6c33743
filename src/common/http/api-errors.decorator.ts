import { applyDecorators, type Type } from '@nestjs/common';
import { ApiOkResponse, ApiResponse } from '@nestjs/swagger';
import { ErrorBody } from '../errors/error-body.js';
import { TOTAL_COUNT_HEADER } from '../pagination/page-serialization.js';
import { RATE_LIMIT_LIMIT_HEADER, RATE_LIMIT_REMAINING_HEADER } from './rate-limit-headers.js';

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `errors` names each failing field and rule',
  401: 'Missing or invalid credentials',
  403: 'Not allowed for this caller',
  404: 'The resource (named in `message`) does not exist',
  409: 'Conflicts with the current state (named in `message`)',
  413: 'Request body too large',
  415: 'Unsupported Content-Type',
  429: 'Too many requests from this client; Retry-After says when to try again',
  503: 'The database is unavailable, or the request did not complete within its time limit; retry later (Retry-After)',
};

/** What a 429 or a 503 carries besides its body: how long to wait before trying again. */
export const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds to wait before trying again', required: true, schema: { type: 'integer', minimum: 0 } },
} as const;

/**
 * The general rate limit as the caller stands (see RateLimitGuard), sent on every answer of a
 * request that reached it: not on answers the cache's fast path gives before any guard runs, nor
 * on requests refused before routing (a malformed URL, a body too large). Declared once under
 * components.headers; every response refers to them.
 */
export const RATE_LIMIT_HEADERS = {
  [RATE_LIMIT_LIMIT_HEADER]: {
    description: "Requests this caller may make per minute across all routes and instances (absent on answers from the cache's fast path)",
    required: false,
    schema: { type: 'integer', minimum: 1 },
  },
  [RATE_LIMIT_REMAINING_HEADER]: {
    description: `Requests left to this caller in the current minute (absent where ${RATE_LIMIT_LIMIT_HEADER} is)`,
    required: false,
    schema: { type: 'integer', minimum: 0 },
  },
} as const;

/** The headers an error response of `status` documents. */
export const errorHeaders = (status: number) => (status === 429 || status === 503 ? { headers: RETRY_AFTER_HEADER } : {});

/** Documents the error responses a route can give, all in the {@link ErrorBody} shape. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status] ?? 'Error', type: ErrorBody, ...errorHeaders(status) }),
    ),
  );

/** A paginated list: a JSON array of `type`, with the total in the X-Total-Count header. */
export const ApiPage = (type: Type<unknown>, description = 'A page of results, in a stable order') =>
  ApiOkResponse({
    type: [type],
    description,
    headers: { [TOTAL_COUNT_HEADER]: { description: 'Total rows matching the query', schema: { type: 'integer' } } },
  });
