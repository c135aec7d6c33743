import {
  type CallHandler,
  ConflictException,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
  UnprocessableEntityException,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import type { Principal } from '../access/principal.js';
import { RequestContext } from '../common/context/request-context.js';
import { sqlStateOf } from '../common/errors/postgres-errors.js';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import { AppConfig } from '../config/app-config.js';
import { IdempotencyKeysRepository } from './idempotency-keys.repository.js';
import { IdempotentResources } from './idempotent-resources.js';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Longest key accepted (a UUID is 36 characters). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Seconds a retry is told to wait (Retry-After) while the first request with its key still runs. */
const RUNNING_RETRY_AFTER_SECONDS = 1;

/** Raised by the write functions when the request's key was taken over before its write committed (migration 1765100000000). */
const KEY_TAKEN_OVER = 'TF001';

/** The key as the draft sends it (a Structured Fields string, quoted); a bare token is accepted too. */
function parseKey(header: string | string[]): string {
  const raw = (Array.isArray(header) ? header.join(',') : header).trim();
  const key = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key) || key.includes('"')) {
    throw ValidationFailedException.single(
      IDEMPOTENCY_KEY_HEADER,
      'format',
      `${IDEMPOTENCY_KEY_HEADER} must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters, optionally in double quotes`,
    );
  }
  return key;
}

/** Keys belong to the caller: two accounts may use the same key for different requests. */
function scopeOf(principal: Principal): string {
  return principal.accountId === null ? 'operations' : `account:${principal.accountId}`;
}

/** JSON with object keys sorted, so the same body sent with its fields in another order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, field]) => `${JSON.stringify(name)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The request a key was first used for: method, path with query, and body. */
function fingerprintOf(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
}

/**
 * Idempotency-Key (IETF httpapi draft) on a write route. The first request with a key runs and
 * its answer is stored in Postgres (shared by every instance, kept 24 hours); a retry with the
 * same key and request gets that status and body without the write running again. While the first
 * still runs, a retry is a 409 with Retry-After; the same key with another request is a 422. A
 * request that fails (4xx or 5xx) before its write committed stores nothing and frees its key:
 * its retry runs again. Without the header, or without a caller, the route runs as usual.
 *
 * The answer is stored after the write's commit, so a process can die between the two. The write
 * therefore marks the key with the resource it wrote in its own transaction (the handler runs
 * holding the key in the request context; see heldKeyArgument): a key so marked is never taken
 * over or freed, and a retry that finds it without a stored answer gets the route's success
 * status with the resource as it is now (for a status change, the order's current state, which a
 * later change may have moved on), read again on each such retry.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);
  private readonly leaseMs: number;

  constructor(
    private readonly keys: IdempotencyKeysRepository,
    private readonly resources: IdempotentResources,
    private readonly reflector: Reflector,
    config: AppConfig,
  ) {
    this.leaseMs = config.idempotency.leaseMs;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
    if (header === undefined || !request.principal) return next.handle();
    const key = parseKey(header);
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 200;
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return defer(() => this.once(scopeOf(request.principal!), key, fingerprintOf(request), status, reply, next));
  }

  private async once(scope: string, key: string, fingerprint: string, status: number, reply: FastifyReply, next: CallHandler) {
    const found = await this.keys.claim(scope, key, fingerprint, this.leaseMs);
    if (found.outcome !== 'claimed') {
      if (found.fingerprint !== fingerprint) {
        throw new UnprocessableEntityException(`${IDEMPOTENCY_KEY_HEADER} ${key} was already used for a different request`);
      }
      if (found.outcome === 'running') {
        reply.header('retry-after', String(RUNNING_RETRY_AFTER_SECONDS));
        throw new ConflictException(`A request with ${IDEMPOTENCY_KEY_HEADER} ${key} is still being processed; retry later`);
      }
      if (found.outcome === 'committed') return this.resources.answer(found.resource.kind, found.resource.id);
      return JSON.parse(found.response.body) as unknown;
    }
    const held = { scope, key, claim: found.claim };
    let body: unknown;
    try {
      // next.handle() binds the handler to the async context it is called in: call it inside.
      body = await RequestContext.holdingIdempotencyKey(held, () => lastValueFrom(next.handle(), { defaultValue: undefined }));
    } catch (error) {
      await this.keys.release(scope, key, found.claim).catch(() => undefined);
      if (sqlStateOf(error) === KEY_TAKEN_OVER) {
        throw new ConflictException(
          `${IDEMPOTENCY_KEY_HEADER} ${key} was taken over by a retry while this request ran; this request wrote nothing`,
        );
      }
      throw error;
    }
    try {
      await this.keys.complete(scope, key, found.claim, { status, body: JSON.stringify(body ?? null) });
    } catch (error) {
      // The write committed and marked the key: the answer goes out, and a retry is answered from the resource.
      this.logger.warn(`Could not store the answer for ${IDEMPOTENCY_KEY_HEADER} ${key}: ${(error as Error).message}`);
    }
    return body;
  }
}
