import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { type RateLimitCount, RateLimitCounter } from '../redis/rate-limit-counter.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { RETRY_AFTER_HEADER } from '../common/http/api-errors.decorator.js';
import { RATE_LIMIT_LIMIT_HEADER, RATE_LIMIT_REMAINING_HEADER } from '../common/http/rate-limit-headers.js';
import { AppConfig } from '../config/app-config.js';
import { isInternalAnonymous } from '../common/http/internal-caller.js';
import { PrincipalResolver } from './principal-resolver.js';
import { HandlerMetadata } from '../common/http/handler-metadata.js';

const STRICT_RATE_LIMIT = Symbol('tiffin:strict-rate-limit');
const WINDOW_MS = 60_000;
/** After too many sign-in attempts an address (or an account) waits this long, however the window turns. */
const STRICT_BLOCK_MS = 60_000;

interface StrictRateLimitOptions {
  /** Also count attempts per account, by the `email` of the request body (sign-in). */
  perAccount?: boolean;
}

/** Sign-in and registration: a strict per-address limit (and optionally a per-account one) on top of the general one. */
export const StrictRateLimit = (options: StrictRateLimitOptions = {}) =>
  applyDecorators(
    SetMetadata(STRICT_RATE_LIMIT, options),
    ApiResponse({
      status: 429,
      type: ErrorBody,
      headers: RETRY_AFTER_HEADER,
      description: options.perAccount
        ? 'Too many attempts from this address or for this account; Retry-After says when to try again'
        : 'Too many attempts from this address; Retry-After says when to try again',
    }),
  );

/** The account an attempt is for, as accounts store emails (trimmed, lower-case), hashed so Redis holds no addresses. */
const accountKey = (body: unknown): string | undefined => {
  const email = (body as { email?: unknown } | undefined)?.email;
  if (typeof email !== 'string' || email.trim() === '') return undefined;
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
};

/**
 * Rate limits on every route that reaches Nest, counted across all routes and all instances:
 * a general limit per client (the signed-in account, else the address; behind a proxy
 * TRUST_PROXY_HOPS makes that the client's address, not the proxy's), lower for anonymous
 * callers: their requests get here only when the cache's fast path could not answer them, so
 * each one costs real work (a database query, a search). On @StrictRateLimit routes a strict
 * limit per address and, for sign-in, per account: spreading guesses at one password over many
 * addresses still ends at the account's limit. A refusal is a 429 with Retry-After in seconds.
 * The general limit sees other instances' requests up to RATE_LIMIT_SYNC_MS late (so most
 * requests wait for no Redis call); the strict ones are counted in Redis before each answer.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly strictOptions: HandlerMetadata<StrictRateLimitOptions | undefined>;

  constructor(
    reflector: Reflector,
    private readonly counter: RateLimitCounter,
    private readonly resolver: PrincipalResolver,
    private readonly config: AppConfig,
  ) {
    this.strictOptions = new HandlerMetadata((handler, controller) =>
      reflector.getAllAndOverride<StrictRateLimitOptions | undefined>(STRICT_RATE_LIMIT, [handler, controller]),
    );
  }

  /** Synchronous when the general count is known without waiting for Redis and the route has no strict limit. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const client = this.clientOf(request);
    if (client === undefined) return true;
    const { perMinute, anonymousPerMinute, syncMs } = this.config.http.rateLimit;
    const limit = client.anonymous ? anonymousPerMinute : perMinute;
    const general = this.counter.hitShared(`general:${client.key}`, WINDOW_MS, limit, syncMs);
    const strictOptions = this.strictOptions.of(context);
    if (general instanceof Promise || strictOptions) return this.judgeLater(request, reply, limit, general, strictOptions);
    this.judgeGeneral(reply, limit, general);
    return true;
  }

  private async judgeLater(
    request: FastifyRequest,
    reply: FastifyReply,
    limit: number,
    general: RateLimitCount | Promise<RateLimitCount>,
    strictOptions: StrictRateLimitOptions | undefined,
  ): Promise<boolean> {
    this.judgeGeneral(reply, limit, await general);
    if (!strictOptions) return true;
    const { authPerMinute, accountAuthPerMinute } = this.config.http.rateLimit;
    const strict = await this.counter.hit(`auth:${request.ip}`, WINDOW_MS, authPerMinute, STRICT_BLOCK_MS);
    if (strict.blockLeftMs > 0) this.refuse(reply, strict.blockLeftMs);
    const account = strictOptions.perAccount ? accountKey(request.body) : undefined;
    if (account !== undefined) {
      const perAccount = await this.counter.hit(`auth-account:${account}`, WINDOW_MS, accountAuthPerMinute, STRICT_BLOCK_MS);
      if (perAccount.blockLeftMs > 0) this.refuse(reply, perAccount.blockLeftMs);
    }
    return true;
  }

  private judgeGeneral(reply: FastifyReply, limit: number, general: RateLimitCount): void {
    reply.header(RATE_LIMIT_LIMIT_HEADER, String(limit)).header(RATE_LIMIT_REMAINING_HEADER, String(Math.max(limit - general.hits, 0)));
    if (general.hits > limit) this.refuse(reply, general.windowLeftMs);
  }

  /** Who a request counts against; undefined for the app calling itself (warming), which is not limited. */
  private clientOf(request: FastifyRequest): { key: string; anonymous: boolean } | undefined {
    const credentials = this.resolver.credentials(request);
    if (credentials.kind === 'none' && isInternalAnonymous(request.headers)) return undefined;
    if (credentials.kind !== 'valid') return { key: `address:${request.ip}`, anonymous: true };
    if (credentials.internal) return undefined;
    const { accountId } = credentials.principal;
    return { key: accountId === null ? 'operations-token' : `account:${accountId}`, anonymous: false };
  }

  private refuse(reply: FastifyReply, waitMs: number): never {
    reply.header('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
    throw new HttpException('Too many requests: retry after the number of seconds in Retry-After', HttpStatus.TOO_MANY_REQUESTS);
  }
}
