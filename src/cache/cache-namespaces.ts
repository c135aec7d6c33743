/**
 * The namespaces route entries live in; every key lives in exactly one, and every namespace here
 * is the namespace of at least one route policy (test/cache-catalogue.e2e-spec.ts). `sessions`
 * holds every session-cached entry (a policy with an owner): a principal's own data, served to
 * that principal only. `deliveries` holds order tracking.
 */
export const CACHE_NAMESPACES = [
  'realtime',
  'analytics',
  'sessions',
  'customers',
  'restaurants',
  'orders',
  'deliveries',
  'reviews',
  'menu-items',
  'search',
] as const;

export type CacheNamespace = (typeof CACHE_NAMESPACES)[number];

export function isCacheNamespace(value: string): value is CacheNamespace {
  return (CACHE_NAMESPACES as readonly string[]).includes(value);
}

/**
 * Reserved key space (`{prefix}:_sandbox:`) for the pattern demonstrations' own entries: stored
 * and read through the same tiers as route entries, but no route reads them, they are not listed
 * as a namespace and their reads are not counted in the namespaces' figures.
 */
export const SANDBOX_NAMESPACE = '_sandbox';

/** The namespace of any entry the tiers hold: a route namespace or the sandbox. */
export type EntryNamespace = CacheNamespace | typeof SANDBOX_NAMESPACE;

/** The cache key of an entry, without the prefix: `{namespace}:{key}`. */
export const cacheKeyOf = (namespace: EntryNamespace, key: string) => `${namespace}:${key}`;

export const namespaceOfKey = (cacheKey: string) => cacheKey.slice(0, cacheKey.indexOf(':')) as EntryNamespace;
