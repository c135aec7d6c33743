import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cacheKeyFor, urlFor } from '../../cache/cache-keys.js';
import { cacheKeyOf } from '../../cache/cache-namespaces.js';
import type { RouteParams } from '../../cache/cache-policy.js';
import { AccessRecorder } from './access-recorder.js';
import { CacheOpsSettings } from '../cache-ops.settings.js';
import { CachedRoutes } from '../../cache/cached-routes.js';
import { CacheFastPath } from '../../cache/cache-fast-path.js';
import { routeOf } from '../../common/http/route-paths.js';

/** light-my-request's user agent: the in-process requests of warming and load tests. */
const IN_PROCESS_AGENT = 'lightMyRequest';

/**
 * Feeds the {@link AccessRecorder} from every client GET that a cached route answered (it carries
 * X-Cache), from a Fastify onResponse hook and the cache's hits answered before routing, so no domain code changes. In-process requests
 * (warming, load tests) are not client demand and are left out.
 */
@Injectable()
export class CacheAccessLog implements OnModuleInit {
  readonly recorder = new AccessRecorder(CacheOpsSettings.access);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly catalog: CachedRoutes,
    private readonly fastPath: CacheFastPath,
  ) {}

  onModuleInit(): void {
    this.adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onResponse', (request, reply, done) => {
      this.observe(request, reply);
      done();
    });
    // Hits answered before routing pass no Fastify hook (and in-process requests never come that way).
    this.fastPath.observeEarlyHits(({ target, outcome }) =>
      this.recorder.record({ path: target.accessPath, namespace: target.namespace, cacheKey: target.cacheKey, outcome, at: Date.now() }),
    );
  }

  private observe(request: FastifyRequest, reply: FastifyReply): void {
    if (request.method !== 'GET' || request.headers['user-agent'] === IN_PROCESS_AGENT) return;
    const outcome = reply.getHeader('x-cache');
    if (typeof outcome !== 'string') return;
    const route = routeOf(request);
    const policy = this.catalog.policyFor(route);
    if (!policy || route === undefined) return;
    // The route and the arguments its handler received, not the URL as sent: warming requests this
    // URL again (query sorted, every value encoded), and it reaches exactly the entry of this read.
    const params = request.params as RouteParams;
    const query = request.query as Record<string, unknown>;
    this.recorder.record({
      path: () => urlFor(route, params, query),
      namespace: policy.namespace,
      cacheKey: request.fastPathKey ?? cacheKeyOf(policy.namespace, cacheKeyFor(policy, params, query)),
      outcome,
      at: Date.now(),
    });
  }
}
