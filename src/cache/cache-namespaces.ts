/** Seed 001's namespaces plus menu-items and search. Every key lives in exactly one. */
export const CACHE_NAMESPACES = [
  'static',
  'dynamic',
  'realtime',
  'analytics',
  'sessions',
  'customers',
  'restaurants',
  'orders',
  'deliveries',
  'reviews',
  'notifications',
  'menu-items',
  'search',
] as const;

export type CacheNamespace = (typeof CACHE_NAMESPACES)[number];

export function isCacheNamespace(value: string): value is CacheNamespace {
  return (CACHE_NAMESPACES as readonly string[]).includes(value);
}

/** The cache key of an entry, without the prefix: `{namespace}:{key}`. */
export const cacheKeyOf = (namespace: CacheNamespace, key: string) => `${namespace}:${key}`;

export const namespaceOfKey = (cacheKey: string) => cacheKey.slice(0, cacheKey.indexOf(':')) as CacheNamespace;
