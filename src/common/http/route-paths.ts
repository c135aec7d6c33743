import type { FastifyRequest } from 'fastify';

/** A controller's or handler's @Controller/@Get path metadata, which may be one path or several. */
export const pathsOf = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : [value ?? '']);

/** The route pattern Fastify registers for a controller path and a handler path, e.g. `/restaurants/:id`. */
export const joinPath = (...parts: string[]): string =>
  `/${parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;

declare module 'fastify' {
  interface FastifyRequest {
    /** The route pattern the request matched, once {@link routeOf} has read it; null when none did. */
    matchedRoute?: string | null;
  }
}

/**
 * The route pattern a request matched (`/restaurants/:id`), undefined when none did. Fastify's
 * `request.routeOptions` builds an object of thirteen fields on every read, and several hooks of
 * every request need this one field: it is read once per request.
 */
export function routeOf(request: FastifyRequest): string | undefined {
  let route = request.matchedRoute;
  if (route === undefined) route = request.matchedRoute = request.routeOptions.url ?? null;
  return route ?? undefined;
}
