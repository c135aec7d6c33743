import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '../config/app-config.js';
import type { CacheEntry } from './cache-entry.js';
import { cacheKeyFor, urlFor } from './cache-keys.js';
import { type CacheNamespace, cacheKeyOf } from './cache-namespaces.js';
import type { RouteParams } from './cache-policy.js';
import { CachedRoutes } from './cached-routes.js';
import type { CacheOutcome } from './cache-metrics.js';
import { CACHE_REFRESH_HEADER, cacheHeaders, isRefreshRequest, matchesEtag, setCacheHeaders } from './http-cache.interceptor.js';
import { TieredCache } from './tiered-cache.js';
import { traceFastL1Hit, traceFastL2 } from './cache-spans.js';
import { routeOf } from '../common/http/route-paths.js';
import { cacheControlFor } from '../common/http/cache-control.js';
import type { EarlyAnswer } from '../common/http/pre-routing.js';
import { FastPathUrls, type UrlTarget } from './fast-path-urls.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The cache key a fast-path answer came from, for the access log (computed once per request). */
    fastPathKey?: string;
  }
}

/** A hit answered before routing, for the access log. */
export interface EarlyHit {
  target: UrlTarget;
  outcome: CacheOutcome;
}

/** Set on a request whose L2 read before routing found nothing, so that the routed fast path does not read Redis again. */
const L2_READ = Symbol('tiffin.fastPathL2Read');
type ReadRequest = IncomingMessage & { [L2_READ]?: true };

/**
 * Answers fresh hits of public cached routes before Nest's router, guards, pipes and
 * interceptors: an L1 hit then costs a map lookup and a write, an L2 hit one Redis read as well.
 * Everything else (misses, session routes, entries due for refresh-ahead) goes on to the
 * HttpCacheInterceptor, which for a miss reads Redis once more: a miss pays a database load,
 * against which that read is small.
 *
 * Two stages. A Fastify onRequest hook answers routed requests: it computes the key from the raw
 * parameters, exactly as the interceptor computes it, and it encodes every value (see
 * cacheKeyFor): a key matches only the arguments a validated request stored its entry for, so
 * skipping the pipes on a hit accepts nothing the full path would refuse and serves nothing the
 * handler would not have answered to this request. Only routes open to anyone take this path, so
 * skipping the guards admits nobody the access guard would refuse. The URL of each hit it answers
 * is remembered with its route and key ({@link FastPathUrls}); the next request for that URL is
 * answered before Fastify routes it ({@link PreRouting}), from the same entry and with the same
 * headers, without Fastify's request objects, router and hooks. Fresh hits are not counted against
 * the rate limits, which run as a guard: a hit costs the server about what counting it would.
 */
@Injectable()
export class CacheFastPath implements OnModuleInit {
  private readonly urls: FastPathUrls;
  private readonly earlyHitObservers: ((hit: EarlyHit) => void)[] = [];

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: CachedRoutes,
    private readonly tiers: TieredCache,
    private readonly config: AppConfig,
  ) {
    this.urls = new FastPathUrls(config.cache.l1.maxEntries);
  }

  /** Hits answered before routing, which no Fastify hook sees (the access log observes them here). */
  observeEarlyHits(observer: (hit: EarlyHit) => void): void {
    this.earlyHitObservers.push(observer);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || !this.config.cache.enabled) return;
    fastify.preRouting.answerWith((request) => this.answerEarly(request));
    fastify.addHook('onRequest', (request, reply, done) => {
      if (request.method !== 'GET' || isRefreshRequest(request)) return done();
      const cached = this.routes.routeFor(routeOf(request));
      if (!cached?.isPublic || cached.policy.owner) return done();
      const { policy, route } = cached;
      const params = request.params as RouteParams;
      const query = request.query as Record<string, unknown>;
      const cacheKey = cacheKeyOf(policy.namespace, cacheKeyFor(policy, params, query));
      const local = this.tiers.freshPublicL1(policy.namespace, cacheKey);
      if (local) {
        traceFastL1Hit(policy.namespace);
        this.remember(request, route, policy.namespace, cacheKey);
        request.fastPathKey = cacheKey;
        return answer(request, reply, local, 'HIT-L1');
      }
      if ((request.raw as ReadRequest)[L2_READ]) return done();
      // A failed read is the full path's to handle (it reads Redis again, or loads).
      traceFastL2(policy.namespace, () => this.tiers.freshPublicL2(policy.namespace, cacheKey)).then(
        (shared) => {
          if (!shared) return done();
          this.remember(request, route, policy.namespace, cacheKey);
          request.fastPathKey = cacheKey;
          answer(request, reply, shared, 'HIT-L2');
        },
        () => done(),
      );
    });
  }

  /** Remembers the URL of a hit the routed fast path answered (a miss is not remembered, so nothing is built for it). */
  private remember(request: FastifyRequest, route: string, namespace: CacheNamespace, cacheKey: string): void {
    const params = request.params as RouteParams;
    const query = request.query as Record<string, unknown>;
    this.urls.remember(request.originalUrl, { route, namespace, cacheKey, accessPath: () => urlFor(route, params, query) });
  }

  /** The answer before routing: a remembered URL whose entry is still a fresh public hit, in L1 or else in L2. */
  private answerEarly(request: IncomingMessage): EarlyAnswer | Promise<EarlyAnswer | undefined> | undefined {
    const target = this.urls.get(request.url);
    if (!target || request.headers[CACHE_REFRESH_HEADER] !== undefined) return undefined;
    const { namespace, cacheKey } = target;
    const local = this.tiers.freshPublicL1(namespace, cacheKey);
    if (local) {
      traceFastL1Hit(namespace);
      return this.earlyAnswer(request, target, local, 'HIT-L1');
    }
    return traceFastL2(namespace, () => this.tiers.freshPublicL2(namespace, cacheKey)).then((shared) => {
      if (shared) return this.earlyAnswer(request, target, shared, 'HIT-L2');
      (request as ReadRequest)[L2_READ] = true;
      return undefined;
    });
  }

  private earlyAnswer(request: IncomingMessage, target: UrlTarget, entry: CacheEntry, outcome: CacheOutcome): EarlyAnswer {
    for (const observer of this.earlyHitObservers) observer({ target, outcome });
    const headers = cacheHeaders(outcome, entry.etag, entry.total, entry.storedAt);
    if (matchesEtag(request.headers['if-none-match'], entry.etag)) {
      headers.splice(headers.indexOf('content-type'), 2);
      headers.push('cache-control', cacheControlFor('public-cached', 304, entry.freshUntil));
      return { status: 304, route: target.route, headers };
    }
    const body = entry.encoded ?? Buffer.from(entry.body);
    headers.push('cache-control', cacheControlFor('public-cached', 200, entry.freshUntil), 'content-length', String(body.length));
    return { status: 200, route: target.route, headers, body };
  }
}
function answer(request: FastifyRequest, reply: FastifyReply, entry: CacheEntry, outcome: CacheOutcome): void {
  // Cache-Control is set from it for every answer (src/common/http/cache-control.ts).
  request.cacheFreshUntil = entry.freshUntil;
  setCacheHeaders(reply, outcome, entry.etag, entry.total, entry.storedAt);
  if (matchesEtag(request.headers['if-none-match'], entry.etag)) {
    reply.code(304).removeHeader('content-type').send();
  } else {
    reply.send(entry.encoded ?? entry.body);
  }
}
