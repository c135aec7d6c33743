import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { TtlName } from '../config/ttl-table.js';
import { SHARED_CACHE } from '../common/http/route-declarations.js';
import { CACHE_POLICY, type CachePolicy, type RouteParams } from './cache-policy.js';
import { HttpCacheInterceptor } from './http-cache.interceptor.js';

/** Cache-aside for a GET route: served from L1/L2 when fresh, else loaded once and stored. */
export const Cached = (policy: CachePolicy) =>
  applyDecorators(
    SetMetadata(CACHE_POLICY, policy),
    SetMetadata(SHARED_CACHE, !policy.owner),
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
