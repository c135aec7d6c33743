import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-unavailable.js';
import type { ErrorBody } from './error-body.js';
import { RetryLaterException } from './domain-errors.js';
import { ValidationFailedException } from './validation-failed.exception.js';
import { traceIdOf } from '../context/trace-id.js';

interface FastifyError extends Error {
  statusCode?: number;
  code?: string;
}

/** Errors Fastify raises before a route runs, with the wording we want to show. */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Malformed JSON in request body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Request body is empty but Content-Type is application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type',
};

export function buildErrorBody(exception: unknown, request: FastifyRequest): ErrorBody {
  let status = HttpStatus.INTERNAL_SERVER_ERROR;
  let message = 'Internal server error';
  let errors: ErrorBody['errors'];

  if (exception instanceof HttpException) {
    status = exception.getStatus();
    const response = exception.getResponse();
    const detail = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    message = Array.isArray(detail) ? detail.join('; ') : typeof detail === 'string' ? detail : exception.message;
    if (exception instanceof ValidationFailedException) errors = exception.fieldErrors;
  } else if (isDatabaseUnavailable(exception)) {
    status = HttpStatus.SERVICE_UNAVAILABLE;
    message = 'The database is unavailable; retry later';
  } else if (exception instanceof SyntaxError && request.body === undefined) {
    status = HttpStatus.BAD_REQUEST;
    message = FASTIFY_MESSAGES.FST_ERR_CTP_INVALID_JSON_BODY;
  } else {
    const fastifyError = exception as FastifyError;
    if (fastifyError?.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      status = fastifyError.statusCode;
      message = FASTIFY_MESSAGES[fastifyError.code ?? ''] ?? fastifyError.message;
    }
  }
  const traceId = traceIdOf(request);
  return {
    status,
    error: STATUS_CODES[status] ?? 'Error',
    message,
    ...(errors ? { errors } : {}),
    // As the client sent it: an alias of an earlier version is rewritten to its canonical path before routing.
    path: (request.originalUrl ?? request.url).split('?')[0],
    request_id: String(request.id),
    ...(traceId ? { trace_id: traceId } : {}),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

/**
 * Renders every error as {@link ErrorBody}; a 500 is logged with its stack and shown without it.
 * Postgres being unreachable or too slow is a 503 with Retry-After, since a retry may succeed.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = buildErrorBody(exception, request);
    if (body.status === (HttpStatus.SERVICE_UNAVAILABLE as number) && !(exception instanceof HttpException)) {
      // An outage fails every request the same way: one line each, not a stack trace each.
      this.logger.warn(`${request.method} ${request.url} [${body.request_id}]: database unavailable (${describe(exception)})`);
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    } else if (exception instanceof RetryLaterException) {
      reply.header('retry-after', String(exception.retryAfterSeconds));
    } else if (body.status >= 500) {
      this.logger.error(
        `${request.method} ${request.url} failed [${body.request_id}]`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    reply.status(body.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
  }
}
