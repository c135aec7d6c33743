import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import type { CacheEntry } from './cache-entry.js';
import { cacheKeyFor } from './cache-keys.js';
import { cacheKeyOf } from './cache-namespaces.js';
import type { RouteParams } from './cache-policy.js';
import { CachedRoutes } from './cached-routes.js';
import type { CacheOutcome } from './cache-metrics.js';
import { isRefreshRequest, matchesEtag, setCacheHeaders } from './http-cache.interceptor.js';
import { TieredCache } from './tiered-cache.js';
import { traceFastL1Hit, traceFastL2 } from './cache-spans.js';
import { routeOf } from '../common/http/route-paths.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The cache key a fast-path answer came from, for the access log (computed once per request). */
    fastPathKey?: string;
  }
}

/**
 * Answers fresh hits of public cached routes from a Fastify onRequest hook, before Nest's router,
 * guards, pipes and interceptors: an L1 hit then costs a map lookup and a write, an L2 hit one
 * Redis read as well. Everything else (misses, session routes, entries due for refresh-ahead)
 * goes on to the HttpCacheInterceptor, which for a miss reads Redis once more: a miss pays a
 * database load, against which that read is small. The key is computed here from the raw
 * parameters, exactly as the interceptor computes it, and it encodes every value (see
 * cacheKeyFor): a key matches only the arguments a validated request stored its entry for, so
 * skipping the pipes on a hit accepts nothing the full path would refuse and serves nothing the
 * handler would not have answered to this request. Only routes open to anyone take this path,
 * so skipping the guards admits nobody the access guard would refuse. Fresh hits are not counted against the rate limits, which run as a guard: a hit
 * costs the server about what counting it would.
 */
@Injectable()
export class CacheFastPath implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: CachedRoutes,
    private readonly tiers: TieredCache,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || !this.config.cache.enabled) return;
    fastify.addHook('onRequest', (request, reply, done) => {
      if (request.method !== 'GET' || isRefreshRequest(request)) return done();
      const route = this.routes.routeFor(routeOf(request));
      if (!route?.isPublic || route.policy.owner) return done();
      const { policy } = route;
      const params = request.params as RouteParams;
      const cacheKey = cacheKeyOf(policy.namespace, cacheKeyFor(policy, params, request.query as Record<string, unknown>));
      const local = this.tiers.freshPublicL1(policy.namespace, cacheKey);
      if (local) {
        traceFastL1Hit(policy.namespace);
        request.fastPathKey = cacheKey;
        return answer(request, reply, local, 'HIT-L1');
      }
      // A failed read is the full path's to handle (it reads Redis again, or loads).
      traceFastL2(policy.namespace, () => this.tiers.freshPublicL2(policy.namespace, cacheKey)).then(
        (shared) => {
          if (!shared) return done();
          request.fastPathKey = cacheKey;
          answer(request, reply, shared, 'HIT-L2');
        },
        () => done(),
      );
    });
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
