import type { CachePolicy, RouteParams } from './cache-policy.js';

type Query = Record<string, unknown> | undefined;

/** "05" and "5" are the same id to the route, so they are one key. */
const canonical = (value: string) => (/^\d{1,15}$/.test(value) ? String(Number(value)) : value);

function normalisedQuery(query: Query): string {
  if (!query) return '';
  const pairs: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    for (const item of Array.isArray(value) ? value : [value]) {
      pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(item ?? ''))}`);
    }
  }
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

/**
 * The key of a route's entry inside its namespace: `{owner=...:}{name}:{params}?{sorted query}`;
 * session entries carry the principal they belong to.
 */
export function cacheKeyFor(policy: CachePolicy, params: RouteParams, query: Query, sessionOwner?: string): string {
  const owner = policy.owner ? `owner=${sessionOwner ?? policy.owner(params)}:` : '';
  const values = Object.keys(params)
    .sort()
    .map((name) => canonical(String(params[name])));
  return `${owner}${[policy.name, ...values].join(':')}${normalisedQuery(query)}`;
}

/** Route params as the policies see them: the canonical form used in keys and tags. */
export function canonicalParams(params: RouteParams | undefined): RouteParams {
  const result: RouteParams = {};
  for (const [name, value] of Object.entries(params ?? {})) result[name] = canonical(String(value));
  return result;
}
