import type { CacheNamespace } from './cache-namespaces.js';
import type { CacheResult, InvalidationReport } from './tiered-cache.js';
import { inSpan, recordSpan, tracingEnabled } from '../tracing/spans.js';

/**
 * The cache's spans. `cache.lookup`: one per read of a cached route, with `cache.namespace`,
 * `cache.path` (`fast`: the onRequest fast path for public hits; `full`: the interceptor),
 * `cache.outcome` (the X-Cache value, or PASS when the fast path hands the request on) and
 * `cache.tier` (what answered: l1, l2, origin for a load, stale). A miss's Postgres statements
 * and every Redis command of the read are its children. `cache.invalidate`: one per
 * invalidation, with the tags, the reason and what it removed.
 */
export type LookupPath = 'fast' | 'full';

/** The fast path did not answer: the request goes on to the full path (which has its own lookup). */
export const PASSED_ON = 'PASS';

const TIER_OF: Record<CacheResult['outcome'], string | undefined> = {
  // A refresh-ahead reload (an internal request): loaded from the database.
  REFRESH: 'origin',
  'HIT-L1': 'l1',
  'HIT-L2': 'l2',
  MISS: 'origin',
  STALE: 'stale',
  BYPASS: 'origin',
};

function outcomeAttributes(outcome: CacheResult['outcome'] | typeof PASSED_ON): Record<string, string> {
  const tier = outcome === PASSED_ON ? undefined : TIER_OF[outcome];
  return tier ? { 'cache.outcome': outcome, 'cache.tier': tier } : { 'cache.outcome': outcome };
}

// Each helper tests tracingEnabled() before building its attributes: when off, an L1 hit must
// not pay for an object it would throw away (about 140 ns per hit, measured).
export function traceLookup(namespace: CacheNamespace, path: LookupPath, read: () => Promise<CacheResult>): Promise<CacheResult> {
  if (!tracingEnabled()) return read();
  return inSpan('cache.lookup', { 'cache.namespace': namespace, 'cache.path': path }, read, (result, span) =>
    span.setAttributes(outcomeAttributes(result.outcome)),
  );
}

/** The fast path's L1 hit: decided synchronously, recorded as a span that starts and ends now. */
export function traceFastL1Hit(namespace: CacheNamespace): void {
  if (!tracingEnabled()) return;
  recordSpan('cache.lookup', { 'cache.namespace': namespace, 'cache.path': 'fast', ...outcomeAttributes('HIT-L1') });
}

/** The fast path's Redis read: a hit answers the request, anything else passes it on. */
export function traceFastL2<T>(namespace: CacheNamespace, read: () => Promise<T | undefined>): Promise<T | undefined> {
  if (!tracingEnabled()) return read();
  return inSpan('cache.lookup', { 'cache.namespace': namespace, 'cache.path': 'fast' }, read, (entry, span) =>
    span.setAttributes(outcomeAttributes(entry ? 'HIT-L2' : PASSED_ON)),
  );
}

export function traceInvalidation(
  tags: string[],
  reason: string,
  invalidate: () => Promise<InvalidationReport>,
): Promise<InvalidationReport> {
  if (!tracingEnabled()) return invalidate();
  return inSpan('cache.invalidate', { 'cache.tags': tags, 'cache.reason': reason }, invalidate, (report, span) =>
    span.setAttributes({
      'cache.removed_l1': report.removed_l1.length,
      'cache.removed_l2': report.removed_l2.length,
      'cache.entries_removed': new Set([...report.removed_l1, ...report.removed_l2]).size,
      'cache.instances_expected': report.instances_expected,
      'cache.instances_confirmed': report.instances_confirmed,
      'cache.deferred': report.deferred,
    }),
  );
}
