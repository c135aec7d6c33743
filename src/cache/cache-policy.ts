import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { CacheNamespace } from './cache-namespaces.js';
import { HttpCacheInterceptor } from './http-cache.interceptor.js';
import type { TtlName } from './ttl-policy.js';

export type RouteParams = Record<string, string>;

/**
 * How one read route is cached. Keys are `{name}:{params...}?{sorted query}` inside the
 * namespace; `tags` come from the request, `resultTags` from what was loaded (data embedded
 * from other resources).
 */
// Registries hold policies of every result type, and `resultTags` takes the result as a parameter:
// with `unknown` as the default no typed policy would fit a registry, so the default is `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface CachePolicy<Result = any> {
  name: string;
  namespace: CacheNamespace;
  ttl: TtlName;
  /** From the path parameters, and the query where an entry depends on a filter (e.g. one cuisine). */
  tags: (params: RouteParams, query?: Record<string, unknown>) => string[];
  /** From what was loaded (and the request's query, for a filter the result shows was applied). */
  resultTags?: (result: Result, query?: Record<string, unknown>) => string[];
  /**
   * Session policies: the principal whose own data the route shows (e.g. `customer:{id}`), as
   * {@link sessionOwnerOf} names it. Reads are keyed by the signed-in principal, whoever that is;
   * write-through stores under this owner.
   */
  owner?: (params: RouteParams) => string;
  /** Conditional policies: the TTL to use for a result instead of `ttl`, or null not to cache it. */
  ttlFor?: (result: Result) => TtlName | null;
  /** Conditional policies: the TTL class of the results that do not get `ttl` (null: not cached). */
  otherwiseTtl?: TtlName | null;
}

export const CACHE_POLICY = Symbol('tiffin:cache-policy');

/** Cache-aside for a GET route: served from L1/L2 when fresh, else loaded once and stored. */
export const Cached = (policy: CachePolicy) =>
  applyDecorators(
    SetMetadata(CACHE_POLICY, policy),
    UseInterceptors(HttpCacheInterceptor),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: `Cached in "${policy.namespace}" (TTL class ${policy.ttl}${policy.otherwiseTtl ? `, else ${policy.otherwiseTtl}` : ''}). Send the ETag of an earlier answer to get a 304 if it is unchanged; answers carry X-Cache: HIT-L1 | HIT-L2 | MISS | STALE | BYPASS.`,
    }),
    ApiResponse({ status: 304, description: 'Not modified: If-None-Match matches the current ETag' }),
  );

/**
 * Session-based caching: entries are keyed by, and stamped with, the signed-in principal; an
 * entry is only ever served to the principal it was loaded for, whatever the URL. They all live
 * in the `sessions` namespace.
 */
export const SessionCache = (policy: CachePolicy & { namespace: 'sessions'; owner: (params: RouteParams) => string }) => Cached(policy);

/**
 * Conditional caching: results for which `predicate` holds are cached with the policy's TTL,
 * the others with `otherwise` (or not at all when it is null).
 */
export const ConditionalCache = <Result>(predicate: (result: Result) => boolean, policy: CachePolicy<Result>, otherwise: TtlName | null) =>
  Cached({ ...policy, otherwiseTtl: otherwise, ttlFor: (result: Result) => (predicate(result) ? policy.ttl : otherwise) });
