import { createHash } from 'node:crypto';

/** One cached HTTP representation, the same in L1 and L2. */
export interface CacheEntry {
  /** The serialised JSON body, sent as it is on a hit. */
  body: string;
  /**
   * The body's UTF-8 bytes, kept by L1 entries: a fast-path hit sends them as they are. Sent as a
   * string, Node would prepend the header block to the body (one 3 KB string concatenation per
   * answer), then flatten and encode it, and Fastify would count its UTF-8 length, on every hit.
   */
  encoded?: Buffer;
  etag: string;
  /** X-Total-Count of a paginated list. */
  total?: number;
  /** The principal a session entry belongs to; never served to another. */
  owner?: string;
  tags: string[];
  /** The request path that reloads a public entry (refresh-ahead requests it again). */
  source?: string;
  ttlMs: number;
  /** When the load that computed it began. */
  storedAt: number;
  /** Until then the entry is served as fresh. */
  freshUntil: number;
  /** Until then it may be served if the database fails (stale-if-error); then it is gone. */
  staleUntil: number;
}

/** Strong ETag of a body: its length and a SHA-1 prefix, computed once when the entry is made. */
export function etagOf(body: string): string {
  return `"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Approximate memory of an entry: UTF-16 strings, the encoded body, and a fixed allowance for the object. */
export function entryBytes(key: string, entry: CacheEntry): number {
  return 2 * (key.length + entry.body.length + entry.etag.length) + (entry.encoded?.length ?? 0) + 64 * (entry.tags.length + 1) + 160;
}

export function buildEntry(
  fields: { body: string; total?: number; owner?: string; tags: string[]; ttlMs: number; source?: string },
  staleFactor: number,
  now = Date.now(),
): CacheEntry {
  return {
    body: fields.body,
    etag: etagOf(fields.body),
    ...(fields.total !== undefined ? { total: fields.total } : {}),
    ...(fields.owner !== undefined ? { owner: fields.owner } : {}),
    tags: fields.tags,
    ...(fields.source !== undefined && fields.owner === undefined ? { source: fields.source } : {}),
    ttlMs: fields.ttlMs,
    storedAt: now,
    freshUntil: now + fields.ttlMs,
    staleUntil: now + fields.ttlMs * staleFactor,
  };
}
