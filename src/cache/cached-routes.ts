import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_GRANTS, isPublicAccess } from '../access/access.decorators.js';
import type { Grant } from '../access/grants.js';
import { CACHE_POLICY, type CachePolicy } from './cache-policy.js';
import { joinPath, pathsOf } from '../common/http/route-paths.js';

/** A GET route served through the cache, as Fastify names it (e.g. "/restaurants/:id/menu"). */
export interface CachedRoute {
  route: string;
  policy: CachePolicy;
  /** Open to anyone: only such routes may be answered before the guards run. */
  isPublic: boolean;
}

/** A route's handler and the policy its decorator registered (with any conditional TTL). */
export interface RouteReader {
  policy: CachePolicy;
  read: (id: number) => Promise<unknown>;
}

type Handler = (...args: unknown[]) => Promise<unknown>;

/**
 * Every cached GET route of the running app, found from the @Cached metadata on the controllers
 * (so new routes are covered without a list to keep): by route pattern, for the cache fast path and
 * the operations endpoints, and by policy, for write-through, which re-reads a representation
 * through the route's own handler (routes whose handler takes only the id).
 */
@Injectable()
export class CachedRoutes {
  private index?: { byRoute: Map<string, CachedRoute>; readers: Map<string, RouteReader> };

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): CachedRoute[] {
    return [...this.built().byRoute.values()];
  }

  policyFor(route: string | undefined): CachePolicy | undefined {
    return this.routeFor(route)?.policy;
  }

  routeFor(route: string | undefined): CachedRoute | undefined {
    return route === undefined ? undefined : this.built().byRoute.get(route);
  }

  inNamespace(namespace: string): CachedRoute[] {
    return this.routes().filter((route) => route.policy.namespace === namespace);
  }

  reader(policy: CachePolicy): RouteReader | undefined {
    return this.built().readers.get(policy.name);
  }

  private built(): NonNullable<CachedRoutes['index']> {
    if (this.index) return this.index;
    const byRoute = new Map<string, CachedRoute>();
    const readers = new Map<string, RouteReader>();
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, Handler> | undefined;
      if (!instance || !wrapper.metatype) continue;
      const controllerPaths = pathsOf(this.reflector.get<string | string[]>(PATH_METADATA, wrapper.metatype));
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const handler = instance[method];
        const policy = this.reflector.get<CachePolicy | undefined>(CACHE_POLICY, handler);
        if (!policy || this.reflector.get<RequestMethod>(METHOD_METADATA, handler) !== RequestMethod.GET) continue;
        const isPublic = isPublicAccess(this.reflector.getAllAndOverride<Grant[]>(ACCESS_GRANTS, [handler, wrapper.metatype]));
        for (const controllerPath of controllerPaths) {
          for (const path of pathsOf(this.reflector.get<string | string[]>(PATH_METADATA, handler))) {
            const route = joinPath(controllerPath, path);
            byRoute.set(route, { route, policy, isPublic });
          }
        }
        if (handler.length === 1) readers.set(policy.name, { policy, read: (id) => handler.call(instance, id) });
      }
    }
    this.index = { byRoute, readers };
    return this.index;
  }
}
