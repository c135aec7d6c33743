import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { CACHE_POLICY, type CachePolicy } from '../cache/cache-policy.js';

/** A GET route served through the cache, as Fastify names it (e.g. "/restaurants/:id/menu"). */
export interface CachedRoute {
  route: string;
  policy: CachePolicy;
}

const asList = (value: string | string[] | undefined) => (Array.isArray(value) ? value : [value ?? '']);
const joinPath = (...parts: string[]) =>
  `/${parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;

/**
 * Every cached GET route of the running app and its policy, found from the @Cached metadata the
 * controllers carry, so new routes (other domains') are covered without a list to maintain.
 */
@Injectable()
export class CachedRouteCatalog {
  private byRoute?: Map<string, CachePolicy>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): CachedRoute[] {
    return [...this.index()].map(([route, policy]) => ({ route, policy }));
  }

  policyFor(route: string | undefined): CachePolicy | undefined {
    return route === undefined ? undefined : this.index().get(route);
  }

  /** The routes caching into a namespace. */
  inNamespace(namespace: string): CachedRoute[] {
    return this.routes().filter((route) => route.policy.namespace === namespace);
  }

  private index(): Map<string, CachePolicy> {
    if (this.byRoute) return this.byRoute;
    const byRoute = new Map<string, CachePolicy>();
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, (...args: unknown[]) => unknown> | undefined;
      if (!instance || !wrapper.metatype) continue;
      const controllerPaths = asList(this.reflector.get<string | string[]>(PATH_METADATA, wrapper.metatype));
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const handler = instance[method];
        const policy = this.reflector.get<CachePolicy | undefined>(CACHE_POLICY, handler);
        if (!policy || this.reflector.get<RequestMethod>(METHOD_METADATA, handler) !== RequestMethod.GET) continue;
        for (const controllerPath of controllerPaths) {
          for (const path of asList(this.reflector.get<string | string[]>(PATH_METADATA, handler))) {
            byRoute.set(joinPath(controllerPath, path), policy);
          }
        }
      }
    }
    this.byRoute = byRoute;
    return byRoute;
  }
}
