import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import type { CacheEntry } from './cache-entry.js';
import { cacheKeyFor, canonicalParams } from './cache-keys.js';
import { cacheKeyOf } from './cache-namespaces.js';
import type { RouteParams } from './cache-policy.js';
import { CachedRoutes } from './cached-routes.js';
import type { CacheOutcome } from './cache-metrics.js';
import { isRefreshRequest, matchesEtag, setCacheHeaders } from './http-cache.interceptor.js';
import { TieredCache } from './tiered-cache.js';

/**
 * Answers fresh hits of public cached routes from a Fastify onRequest hook, before Nest's router,
 * guards, pipes and interceptors: an L1 hit then costs a map lookup and a write, an L2 hit one
 * Redis read as well. Everything else (misses, session routes, entries due for refresh-ahead)
 * goes on to the HttpCacheInterceptor, which for a miss reads Redis once more: a miss pays a
 * database load, against which that read is small. Only an entry a validated request stored can
 * match a key, so skipping the pipes on a hit accepts nothing the full path would refuse; only
 * routes open to anyone take this path, so skipping the guards admits nobody the access guard
 * would refuse. Fresh hits are not counted against the rate limits, which run as a guard: a hit
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
      const route = this.routes.routeFor(request.routeOptions.url);
      if (!route?.isPublic || route.policy.owner) return done();
      const { policy } = route;
      const params = canonicalParams(request.params as RouteParams);
      const cacheKey = cacheKeyOf(policy.namespace, cacheKeyFor(policy, params, request.query as Record<string, unknown>));
      const local = this.tiers.freshPublicL1(policy.namespace, cacheKey);
      if (local) return answer(request, reply, local, 'HIT-L1');
      // A failed read is the full path's to handle (it reads Redis again, or loads).
      this.tiers.freshPublicL2(policy.namespace, cacheKey).then(
        (shared) => (shared ? answer(request, reply, shared, 'HIT-L2') : done()),
        () => done(),
      );
    });
  }
}

function answer(request: FastifyRequest, reply: FastifyReply, entry: CacheEntry, outcome: CacheOutcome): void {
  setCacheHeaders(reply, outcome, entry.etag, entry.total, entry.storedAt);
  if (matchesEtag(request.headers['if-none-match'], entry.etag)) {
    reply.code(304).removeHeader('content-type').send();
  } else {
    reply.send(entry.body);
  }
}
