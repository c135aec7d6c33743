import type { Reflector } from '@nestjs/core';

/**
 * Facts a route declares that more than one layer reads. Access's @Allow/@Public records whether
 * the route is open to anyone; the cache's @Cached records whether its answers are kept in the
 * shared cache (not per principal). The cache (which public routes its fast path may answer
 * before the guards run) and Cache-Control read these facts here, without knowing how access or
 * the cache decide them.
 */
export const OPEN_TO_ANYONE = Symbol('tiffin:open-to-anyone');
export const SHARED_CACHE = Symbol('tiffin:shared-cache');

type Targets = Parameters<Reflector['getAllAndOverride']>[1];

/** Whether the route (handler, then its controller) is open to anyone, signed in or not. */
export const isOpenToAnyone = (reflector: Reflector, targets: Targets): boolean =>
  reflector.getAllAndOverride<boolean | undefined>(OPEN_TO_ANYONE, targets) ?? false;

/** Whether the handler's answers are served from, and stored in, the shared cache. */
export const isSharedCached = (reflector: Reflector, handler: object): boolean =>
  reflector.get<boolean | undefined>(SHARED_CACHE, handler as never) ?? false;

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Whose private (session) cache entries this request reads and fills, set by the access guard
     * for a signed-in caller: `customer:{id}`, `account:{id}` or `operations`.
     */
    sessionOwner?: string;
  }
}
