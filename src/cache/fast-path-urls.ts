import type { CacheNamespace } from './cache-namespaces.js';

/** What routing made of a URL whose answer is a public cached entry. */
export interface UrlTarget {
  route: string;
  namespace: CacheNamespace;
  cacheKey: string;
  /** The URL warming requests for this entry (for the access log; built only when it is read). */
  accessPath: () => string;
}

/**
 * The URLs of public cache hits, as the routed fast path found them: the route they matched and
 * the key of their entry. Routing and the key depend on the URL alone (the path, the query, the
 * alias rewriting), so a URL found here reaches the same entry without being routed again. This
 * holds no entry and no freshness: the entry is looked up in L1 each time, and a URL whose entry
 * is gone or stale goes through routing as before. Bounded by count; the oldest URL goes first (a
 * URL forgotten costs one routed request, which records it again).
 */
export class FastPathUrls {
  private readonly targets = new Map<string, UrlTarget>();

  constructor(private readonly maxUrls: number) {}

  get(url: string | undefined): UrlTarget | undefined {
    return url === undefined ? undefined : this.targets.get(url);
  }

  remember(url: string, target: UrlTarget): void {
    if (this.targets.has(url)) return;
    if (this.targets.size >= this.maxUrls) this.targets.delete(this.targets.keys().next().value as string);
    this.targets.set(url, target);
  }

  get size(): number {
    return this.targets.size;
  }
}
