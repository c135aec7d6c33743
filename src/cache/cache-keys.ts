import type { CachePolicy, RouteParams } from './cache-policy.js';

type Query = Record<string, unknown> | undefined;

/**
 * Percent-encodes a value so that it holds none of the key's separators (`:`, `?`, `&`, `=`) and
 * two different values never encode alike. A lone surrogate (which encodeURIComponent refuses) is
 * written `%uXXXX`: that form never occurs in encodeURIComponent's output, so the code stays
 * one-to-one.
 */
export function encodeKeyPart(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[^A-Za-z0-9\-_.!~*'()]/g, (unit) => {
      try {
        return encodeURIComponent(unit);
      } catch {
        return `%u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
      }
    });
  }
}

/** The query as `?name=value&...`, names sorted, repeated names in their order, each part encoded. */
export function normalisedQuery(query: Query): string {
  if (!query) return '';
  const pairs: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    for (const item of Array.isArray(value) ? value : [value]) {
      pairs.push(`${encodeKeyPart(name)}=${encodeKeyPart(String(item ?? ''))}`);
    }
  }
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

/**
 * The key of a route's entry inside its namespace: `{owner=...:}{name}:{params}?{sorted query}`,
 * params in the order of their names. Every path and query value is kept as sent and encoded,
 * so a key names exactly one set of arguments: a path value holding `?limit=20` encodes to
 * `%3Flimit%3D20` and can never produce the key of a request that sent that query. Values are the
 * ones the route's pipes receive; a request its validation refuses stores nothing, so a key that
 * holds an entry stands for arguments the handler accepted. Ids need no canonical form: the id
 * parser accepts one spelling only ("05" is refused), so no other spelling ever stores an entry. Session entries carry the principal
 * they belong to (server-made, `customer:{id}` or `operations`), never request text.
 */
export function cacheKeyFor(policy: CachePolicy, params: RouteParams, query: Query, sessionOwner?: string): string {
  const owner = policy.owner ? `owner=${sessionOwner ?? policy.owner(params)}:` : '';
  const values = Object.keys(params)
    .sort()
    .map((name) => encodeKeyPart(String(params[name])));
  return `${owner}${[policy.name, ...values].join(':')}${normalisedQuery(query)}`;
}

/** Whether a cache key (`{namespace}:{key}`) is a session entry, which belongs to one principal. */
export const isSessionKey = (cacheKey: string) => cacheKey.startsWith('owner=', cacheKey.indexOf(':') + 1);

/** A route pattern split once into its text and its parameter names, alternately (text first). */
const templates = new Map<string, string[]>();

function templateOf(route: string): string[] {
  let template = templates.get(route);
  if (!template) {
    template = route.split(/:(\w+)/);
    templates.set(route, template);
  }
  return template;
}

/**
 * The URL of a route (Fastify pattern, e.g. `/menu-items/category/:category`) for the given
 * parameters and query, each value encoded: requesting it reaches the route with exactly these
 * arguments, so it fills the entry {@link cacheKeyFor} names for them. Patterns come from the
 * routes' declarations (a fixed set), so each is split only the first time.
 */
export function urlFor(route: string, params: RouteParams, query: Query): string {
  const template = templateOf(route);
  let path = template[0];
  for (let index = 1; index < template.length; index += 2) {
    const name = template[index];
    if (!(name in params)) throw new Error(`no value for :${name} of ${route}`);
    path += encodeKeyPart(params[name]) + template[index + 1];
  }
  return `${path}${normalisedQuery(query)}`;
}
