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
import { RateLimitCounter } from '../../cache/rate-limit-counter.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import { AppConfig } from '../../config/app-config.js';
import { isInternalAnonymous } from '../internal-caller.js';
import { PrincipalResolver } from './principal-resolver.js';

const STRICT_RATE_LIMIT = Symbol('tiffin:strict-rate-limit');
const WINDOW_MS = 60_000;
/** After too many sign-in attempts an address waits this long, however the window turns. */
const STRICT_BLOCK_MS = 60_000;

/** Sign-in and registration: a strict per-address limit on top of the general one. */
export const StrictRateLimit = () =>
  applyDecorators(
    SetMetadata(STRICT_RATE_LIMIT, true),
    ApiResponse({ status: 429, type: ErrorBody, description: 'Too many attempts from this address; Retry-After says when to try again' }),
  );

/**
 * Rate limits on every route that reaches Nest, counted across all routes and all instances:
 * a general limit per client (the signed-in account, else the address; behind a proxy
 * TRUST_PROXY_HOPS makes that the client's address, not the proxy's) and, on @StrictRateLimit
 * routes, a strict one per address. A refusal is a 429 with Retry-After in seconds.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly counter: RateLimitCounter,
    private readonly resolver: PrincipalResolver,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const client = this.clientOf(request);
    if (client === undefined) return true;
    const { perMinute, authPerMinute } = this.config.http.rateLimit;
    const general = await this.counter.hit(`general:${client}`, WINDOW_MS, perMinute, 0);
    reply.header('x-ratelimit-limit', String(perMinute)).header('x-ratelimit-remaining', String(Math.max(perMinute - general.hits, 0)));
    if (general.hits > perMinute) this.refuse(reply, general.windowLeftMs);
    if (this.reflector.getAllAndOverride<boolean>(STRICT_RATE_LIMIT, [context.getHandler(), context.getClass()])) {
      const strict = await this.counter.hit(`auth:${request.ip}`, WINDOW_MS, authPerMinute, STRICT_BLOCK_MS);
      if (strict.blockLeftMs > 0) this.refuse(reply, strict.blockLeftMs);
    }
    return true;
  }

  /** Who a request counts against; undefined for the app calling itself (warming), which is not limited. */
  private clientOf(request: FastifyRequest): string | undefined {
    const credentials = this.resolver.credentials(request);
    if (credentials.kind === 'none' && isInternalAnonymous(request.headers)) return undefined;
    if (credentials.kind !== 'valid') return `address:${request.ip}`;
    if (credentials.internal) return undefined;
    const { accountId } = credentials.principal;
    return accountId === null ? 'operations-token' : `account:${accountId}`;
  }

  private refuse(reply: FastifyReply, waitMs: number): never {
    reply.header('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
    throw new HttpException('Too many requests: retry after the number of seconds in Retry-After', HttpStatus.TOO_MANY_REQUESTS);
  }
}
