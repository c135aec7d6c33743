import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { ErrorBody } from '../common/errors/error-body.js';
import { IDEMPOTENCY_KEY_HEADER, IdempotencyInterceptor, MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency.interceptor.js';

/** A write route that honours Idempotency-Key (see {@link IdempotencyInterceptor}), documented. */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description:
        'Makes retries safe (IETF httpapi Idempotency-Key draft): a string the client picks per request, e.g. a UUID, ' +
        `up to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters, optionally quoted. The first request with a key is ` +
        'processed; a retry with the same key and the same request (method, path, query, body) gets the stored status ' +
        'and body without the write running again. While the first is still running a retry is a 409 with Retry-After; ' +
        'the same key with a different request is a 422. Keys belong to the caller and are kept 24 hours. A request that ' +
        'fails before its write commits stores nothing: its retry runs again. A write that committed without its answer ' +
        'being stored (the server stopped in between) never runs again: its retry gets the success status with the ' +
        'resource as it is now.',
      schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH + 2 },
    }),
    ApiResponse({ status: 422, description: 'The Idempotency-Key was already used for a different request', type: ErrorBody }),
  );
