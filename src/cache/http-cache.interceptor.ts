import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, map, type Observable } from 'rxjs';
import { TOTAL_COUNT_HEADER } from '../common/pagination/page-serialization.js';
import { urlFor } from './cache-keys.js';
import { CACHE_POLICY, type CachePolicy, type RouteParams } from './cache-policy.js';
import { CacheService } from './cache.service.js';
import type { CacheResult } from './tiered-cache.js';
import { routeOf } from '../common/http/route-paths.js';
import { HandlerMetadata } from '../common/http/handler-metadata.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const TOTAL_COUNT_HEADER_NAME = TOTAL_COUNT_HEADER.toLowerCase();

export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header === '*' || header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/**
 * The headers of a cached answer; one header call each, as this runs on every hit. Age (RFC 9111)
 * is the whole seconds since the answer was computed, so a client can tell how old a figure is.
 */
export function setCacheHeaders(reply: FastifyReply, outcome: string, etag: string, total: number | undefined, storedAt?: number): void {
  const headers = cacheHeaders(outcome, etag, total, storedAt);
  for (let index = 0; index < headers.length; index += 2) reply.header(headers[index], headers[index + 1]);
}

/** {@link setCacheHeaders}'s headers as name/value pairs in one flat list (as Node's writeHead takes them). */
export function cacheHeaders(outcome: string, etag: string, total: number | undefined, storedAt?: number): string[] {
  const headers = ['x-cache', outcome, 'etag', etag, 'content-type', JSON_CONTENT_TYPE];
  if (total !== undefined) headers.push(TOTAL_COUNT_HEADER_NAME, String(total));
  if (storedAt !== undefined) headers.push('age', String(Math.max(0, Math.floor((Date.now() - storedAt) / 1000))));
  return headers;
}

/**
 * Requests carrying this header with this process's token reload their entry (refresh-ahead)
 * instead of reading it. Random per process and sent only through Fastify inject, like the
 * internal caller's token, so no network client can force a reload.
 */
export const CACHE_REFRESH_HEADER = 'x-cache-refresh';
export const CACHE_REFRESH_TOKEN = randomBytes(24).toString('base64url');
export const isRefreshRequest = (request: FastifyRequest): boolean => request.headers[CACHE_REFRESH_HEADER] === CACHE_REFRESH_TOKEN;

/**
 * Serves a @Cached route: X-Cache tells where the answer came from, ETag identifies it and a
 * matching If-None-Match gets a 304. The body is the serialised string stored in the cache, so a
 * hit is byte-identical to the load that filled it. The interceptor runs before pipes and the
 * handler, so a hit costs neither; a miss runs them through `next.handle()`.
 */
@Injectable()
export class HttpCacheInterceptor implements NestInterceptor {
  private readonly policies: HandlerMetadata<CachePolicy | undefined>;

  constructor(
    reflector: Reflector,
    private readonly cache: CacheService,
  ) {
    this.policies = new HandlerMetadata((handler) => reflector.get<CachePolicy | undefined>(CACHE_POLICY, handler as never));
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const policy = this.policies.of(context);
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (!policy || request.method !== 'GET') return next.handle();
    const reply = http.getResponse<FastifyReply>();
    const params = (request.params ?? {}) as RouteParams;
    const query = request.query as Record<string, unknown>;
    const loader = async () => this.cache.serialise(policy, params, await lastValueFrom(next.handle()), query);
    // A session route reached without a signed-in caller (a route opened by mistake) is never cached.
    const sessionOwner = policy.owner ? request.sessionOwner : undefined;
    const cacheable = this.cache.enabled && (!policy.owner || sessionOwner);
    // The URL refresh-ahead requests again: the route with exactly these arguments, not the URL as sent.
    const route = routeOf(request);
    const source = route === undefined ? request.url : urlFor(route, params, query);
    const answer = !cacheable
      ? this.cache.bypass(policy, loader)
      : isRefreshRequest(request)
        ? this.cache.refresh(policy, params, query, loader, sessionOwner, source)
        : this.cache.read(policy, params, query, loader, sessionOwner, source);
    return from(answer).pipe(map((result) => this.respond(request, reply, result)));
  }

  private respond(request: FastifyRequest, reply: FastifyReply, result: CacheResult & { etag: string }): unknown {
    // Cache-Control is set from it for every answer (src/common/http/cache-control.ts).
    request.cacheFreshUntil = result.freshUntil;
    if (matchesEtag(request.headers['if-none-match'], result.etag)) {
      const headers: Record<string, string> = { 'x-cache': result.outcome, etag: result.etag };
      if (result.total !== undefined) headers[TOTAL_COUNT_HEADER_NAME] = String(result.total);
      return new Response(null, { status: 304, headers });
    }
    setCacheHeaders(reply, result.outcome, result.etag, result.total, result.storedAt);
    return result.body;
  }
}
