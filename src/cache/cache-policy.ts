import type { CacheNamespace } from './cache-namespaces.js';
import type { TtlName } from '../config/ttl-table.js';

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
