import type { Span } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';

/** Where the HTTP instrumentation's request hook leaves the request's server span. */
export const SERVER_SPAN = Symbol('tiffin.serverSpan');

export type TracedMessage = IncomingMessage & { [SERVER_SPAN]?: Span };

/**
 * W3C Trace Context: version, 32 hex trace id, 16 hex parent id, 2 hex flags. Version 00 has
 * exactly these fields; a later version may append more, and ff is invalid.
 */
const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_PARENT = '0'.repeat(16);

/** The trace id of a valid W3C `traceparent` header; undefined for anything else. */
export function traceIdFromHeader(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || parentId === ZERO_PARENT) return undefined;
  return traceId;
}

/**
 * The trace a request belongs to, for its log line and error body: its server span's trace when
 * traces are on (which continues the caller's `traceparent` if it sent one), else the caller's
 * trace, so logs still line up with the caller's trace while this service exports none.
 * Undefined when neither exists.
 */
export function traceIdOf(request: { raw: IncomingMessage; headers: IncomingMessage['headers'] }): string | undefined {
  const span = (request.raw as TracedMessage)[SERVER_SPAN];
  if (span) return span.spanContext().traceId;
  return traceIdFromHeader(request.headers.traceparent);
}

export function rememberServerSpan(request: IncomingMessage, span: Span): void {
  (request as TracedMessage)[SERVER_SPAN] = span;
}
