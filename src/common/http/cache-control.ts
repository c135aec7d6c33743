import { Injectable, type OnModuleInit, RequestMethod, SetMetadata } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, HttpAdapterHost, MetadataScanner, Reflector } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isOpenToAnyone, isSharedCached } from './route-declarations.js';
import { joinPath, pathsOf, routeOf } from './route-paths.js';

const NO_STORE = Symbol('tiffin:no-store');

/**
 * Answers that carry secrets (tokens, accounts): `Cache-Control: no-store`, so no browser, proxy
 * or CDN keeps a copy. On a controller, every route of it.
 */
export const NoStore = () => SetMetadata(NO_STORE, true);

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the cache when it answers from, or stores, a fresh entry: until then that answer is fresh. */
    cacheFreshUntil?: number;
  }
}

/**
 * How a route's answers may be kept, from what it declares:
 * - `no-store`: @NoStore routes (tokens, accounts);
 * - `private`: every route that is not open to anyone (customer, owner and admin data);
 * - `public-cached`: a public GET served through the shared cache (not a session policy);
 * - `public`: other public routes (health, searches outside the cache, writes such as sign-in
 *   that are not @NoStore).
 */
export type CacheControlClass = 'no-store' | 'private' | 'public-cached' | 'public';

export const PRIVATE_CACHE_CONTROL = 'private, no-cache';

/**
 * The Cache-Control of an answer. Public cached answers may be kept for the time their entry has
 * left (`public, max-age=<seconds>`, rounded down, so a copy never outlives the entry); a public
 * answer with no fresh entry behind it (an error, a stale or uncached one) is `public, no-cache`:
 * anyone may keep it, but must ask again before using it.
 */
export function cacheControlFor(kind: CacheControlClass, status: number, freshUntil: number | undefined, now = Date.now()): string {
  switch (kind) {
    case 'no-store':
      return 'no-store';
    case 'private':
      return PRIVATE_CACHE_CONTROL;
    case 'public-cached':
      if ((status === 200 || status === 304) && freshUntil !== undefined && freshUntil > now) {
        return `public, max-age=${Math.floor((freshUntil - now) / 1000)}`;
      }
      return 'public, no-cache';
    case 'public':
      return 'public, no-cache';
  }
}

/**
 * The one place that sets Cache-Control, on every answer (cache fast-path hits, interceptor hits
 * and misses, errors, refusals by the guards), from the class of its route: found once from the
 * routes' @Allow/@Public, @Cached and @NoStore metadata. An answer of a route this index does not
 * know (an unknown path) is private.
 */
@Injectable()
export class CacheControlPolicy implements OnModuleInit {
  /** Route pattern, then method: looked up without building a string per answer. */
  private index?: Map<string, Map<string, CacheControlClass>>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onSend', (request, reply, payload, done) => {
      reply.header('cache-control', this.headerFor(request, reply));
      done(null, payload);
    });
  }

  /** The class of a route, by method and route pattern as Fastify names it ("/orders/:id"). */
  classOf(method: string, route: string | undefined): CacheControlClass {
    if (route === undefined) return 'private';
    return (
      this.built()
        .get(route)
        ?.get(method === 'HEAD' ? 'GET' : method) ?? 'private'
    );
  }

  private headerFor(request: FastifyRequest, reply: FastifyReply): string {
    return cacheControlFor(this.classOf(request.method, routeOf(request)), reply.statusCode, request.cacheFreshUntil);
  }

  private built(): Map<string, Map<string, CacheControlClass>> {
    if (this.index) return this.index;
    const index = new Map<string, Map<string, CacheControlClass>>();
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, (...args: unknown[]) => unknown> | undefined;
      if (!instance || !wrapper.metatype) continue;
      const controllerPaths = pathsOf(this.reflector.get<string | string[]>(PATH_METADATA, wrapper.metatype));
      for (const name of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
        const handler = instance[name];
        const method = this.reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler);
        if (method === undefined) continue;
        const kind = this.classify(handler, wrapper.metatype, method);
        for (const controllerPath of controllerPaths) {
          for (const path of pathsOf(this.reflector.get<string | string[]>(PATH_METADATA, handler))) {
            const route = joinPath(controllerPath, path);
            const byMethod = index.get(route) ?? new Map<string, CacheControlClass>();
            index.set(route, byMethod.set(RequestMethod[method], kind));
          }
        }
      }
    }
    this.index = index;
    return index;
  }

  private classify(handler: object, controller: object, method: RequestMethod): CacheControlClass {
    const targets = [handler, controller] as Parameters<Reflector['getAllAndOverride']>[1];
    if (this.reflector.getAllAndOverride<boolean>(NO_STORE, targets)) return 'no-store';
    if (!isOpenToAnyone(this.reflector, targets)) return 'private';
    return method === RequestMethod.GET && isSharedCached(this.reflector, handler) ? 'public-cached' : 'public';
  }
}
