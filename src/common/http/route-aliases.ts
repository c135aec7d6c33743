import type { IncomingMessage } from 'node:http';

export type AliasMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * A path an earlier version of the API documented, answered by one canonical route. The request
 * is rewritten to the canonical URL before routing, so it reaches the canonical route itself: the
 * same handler, access rules, validation, rate limits, cache entry and cache fast path. Nothing
 * about an alias can drift from its route, because an alias has no behaviour of its own.
 */
export interface RouteAlias {
  method: AliasMethod;
  /** Fastify pattern of the old path, e.g. `/restaurants/:id/orders`. */
  alias: string;
  /** Fastify pattern of the canonical route, e.g. `/orders/restaurants/:id/orders`. */
  canonical: string;
  /** Names of the alias's path parameters in the canonical route, where they differ. */
  rename?: Record<string, string>;
  /** The earlier versions whose READMEs documented the alias (000-003). */
  from: string;
}

/**
 * The real-time routes were documented under `/real-time/...` (000) and `/realtime/...` (002):
 * every route under the canonical `/realtime/` prefix also answers under the other spelling.
 */
export const PREFIX_ALIASES: ReadonlyArray<{ alias: string; canonical: string; from: string }> = [
  { alias: '/real-time/', canonical: '/realtime/', from: '000' },
];

export const ROUTE_ALIASES: readonly RouteAlias[] = [
  { method: 'POST', alias: '/customers/:id/orders', canonical: '/orders/customers/:id/orders', from: '003' },
  { method: 'GET', alias: '/customers/:id/orders', canonical: '/orders/customers/:id/orders', from: '002, 003' },
  { method: 'GET', alias: '/customers/:id/reviews', canonical: '/reviews/customers/:id/reviews', from: '003' },
  { method: 'POST', alias: '/orders/:id/review', canonical: '/reviews/orders/:id/review', from: '003' },
  { method: 'GET', alias: '/restaurants/:id/orders', canonical: '/orders/restaurants/:id/orders', from: '003' },
  { method: 'GET', alias: '/restaurants/:id/reviews', canonical: '/reviews/restaurants/:id/reviews', from: '003' },
  { method: 'GET', alias: '/reviews/restaurants/:id/analytics', canonical: '/restaurants/:id/analytics', from: '002' },
  // 000 named the restaurant in the query; the canonical route takes it in the path.
  {
    method: 'GET',
    alias: '/real-time/delivery-slots',
    canonical: '/realtime/delivery-slots/:restaurant_id',
    from: '000',
  },
  // 000 named one restaurant in the path; the canonical route lists all, or one with restaurant_id.
  {
    method: 'GET',
    alias: '/analytics/restaurant-performance/:restaurant_id',
    canonical: '/analytics/restaurants/performance',
    from: '000',
  },
  { method: 'GET', alias: '/cache/performance-report', canonical: '/cache/performance/comprehensive-report', from: '000' },
  { method: 'GET', alias: '/cache/metrics/memory-usage', canonical: '/cache/memory-usage', from: '002' },
  { method: 'POST', alias: '/demo/create-sample-enterprise-data', canonical: '/demo/sample-data', from: '000' },
];

const segmentsOf = (pattern: string) => pattern.split('/').filter(Boolean);
const paramsOf = (pattern: string) =>
  segmentsOf(pattern)
    .filter((s) => s.startsWith(':'))
    .map((s) => s.slice(1));

/** Why an alias refuses a request it cannot rewrite to its canonical route: the field and rule, as a 400 names them. */
export interface AliasRefusal {
  field: string;
  rule: string;
  message: string;
}

const ALIAS_REFUSAL = Symbol('tiffin:alias-refusal');
type AliasedRequest = IncomingMessage & { [ALIAS_REFUSAL]?: AliasRefusal };

export const aliasRefusal = (request: IncomingMessage): AliasRefusal | undefined => (request as AliasedRequest)[ALIAS_REFUSAL];

interface CompiledAlias extends RouteAlias {
  segments: string[];
  /** The alias's last segment when it is literal text; undefined when it is a parameter. */
  last: string | undefined;
}

/**
 * Rewrites a request for an alias to its canonical URL; any other URL is returned as it is.
 * Path parameters keep their (encoded) text; an alias parameter the canonical path does not take
 * goes to its query, and a canonical path parameter the alias does not take comes from the
 * query (a repeated one keeps every value, comma-joined, which the id rule then refuses).
 */
export function createAliasRewriter(
  aliases: readonly RouteAlias[] = ROUTE_ALIASES,
  prefixes: typeof PREFIX_ALIASES = PREFIX_ALIASES,
): (request: IncomingMessage) => string {
  const compiled = new Map<string, CompiledAlias[]>();
  for (const alias of aliases) {
    const segments = segmentsOf(alias.alias);
    const last = segments[segments.length - 1];
    const list = compiled.get(segments[0]) ?? [];
    list.push({ ...alias, segments, last: last.startsWith(':') ? undefined : last });
    compiled.set(segments[0], list);
  }
  return (request) => {
    const url = request.url ?? '/';
    for (const prefix of prefixes) {
      if (url.startsWith(prefix.alias)) {
        // The one alias that also moves a parameter is matched below, on the rewritten path.
        const rewritten = prefix.canonical + url.slice(prefix.alias.length);
        return rewriteExact(compiled, request, url, prefix.alias.slice(1, -1)) ?? rewritten;
      }
    }
    return rewriteExact(compiled, request, url, firstSegmentOf(url)) ?? url;
  };
}

function rewriteExact(
  compiled: Map<string, CompiledAlias[]>,
  request: IncomingMessage,
  url: string,
  firstSegment: string,
): string | undefined {
  const candidates = compiled.get(firstSegment);
  if (!candidates) return undefined;
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  // Nearly every request under an aliased first segment is for a canonical route (every read of
  // /restaurants/...): the method and the last segment turn it away before the path is split.
  const last = lastSegmentOf(path);
  if (!candidates.some((candidate) => candidate.method === request.method && (candidate.last === undefined || candidate.last === last))) {
    return undefined;
  }
  const segments = segmentsOf(path);
  // Every GET of /restaurants/... passes here: the query is parsed only once an alias matches.
  const alias = candidates.find((candidate) => candidate.method === request.method && matchesSegments(candidate.segments, segments));
  if (!alias) return undefined;
  const query = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
  const params = new Map<string, string>();
  alias.segments.forEach((segment, index) => {
    if (segment.startsWith(':')) params.set(alias.rename?.[segment.slice(1)] ?? segment.slice(1), segments[index]);
  });
  const canonicalParams = paramsOf(alias.canonical);
  const fromQuery = canonicalParams.filter((name) => !params.has(name));
  const toQuery = [...params.keys()].filter((name) => !canonicalParams.includes(name));
  for (const name of fromQuery) {
    const values = query.getAll(name);
    if (values.length === 0) {
      (request as AliasedRequest)[ALIAS_REFUSAL] = { field: name, rule: 'required', message: `${name} is required (in the query)` };
      return url;
    }
    params.set(name, encodeURIComponent(values.join(',')));
    query.delete(name);
  }
  // Such an alias takes only the parameters it moves: anything else in its query is refused, like an unknown field.
  const unknown = fromQuery.length > 0 ? [...query.keys()][0] : undefined;
  if (unknown !== undefined) {
    (request as AliasedRequest)[ALIAS_REFUSAL] = {
      field: unknown,
      rule: 'unknown_field',
      message: `${unknown} is not an accepted field`,
    };
    return url;
  }
  for (const name of toQuery) query.set(name, decoded(params.get(name)!));
  const canonicalPath = alias.canonical.replace(/:(\w+)/g, (_match, name: string) => params.get(name)!);
  // The query is rebuilt only when a parameter moved; otherwise it goes on exactly as sent.
  const rest = fromQuery.length + toQuery.length > 0 ? query.toString() : queryAt === -1 ? '' : url.slice(queryAt + 1);
  return rest ? `${canonicalPath}?${rest}` : canonicalPath;
}

/** The text between the URL's first slash and the next slash or question mark. */
function firstSegmentOf(url: string): string {
  let end = 1;
  while (end < url.length && url[end] !== '/' && url[end] !== '?') end++;
  return url.slice(1, end);
}

/** The path's last non-empty segment, as segmentsOf would give it ('' for "/"). */
function lastSegmentOf(path: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === '/') end--;
  return path.slice(path.lastIndexOf('/', end - 1) + 1, end);
}

/** The path's segments fit the alias's: the same count, the same text, and no empty parameter. */
function matchesSegments(pattern: readonly string[], segments: readonly string[]): boolean {
  if (pattern.length !== segments.length) return false;
  for (let index = 0; index < pattern.length; index++) {
    if (pattern[index].startsWith(':') ? segments[index] === '' : pattern[index] !== segments[index]) return false;
  }
  return true;
}

/** A path segment's text; a malformed escape stays as sent (the id rule refuses it). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `/a/:id` as OpenAPI writes it, `/a/{id}`. */
export const openApiPath = (pattern: string) => pattern.replace(/:(\w+)/g, '{$1}');
