import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A caller's X-Request-Id is kept when it is a short token; anything else is replaced. */
const REQUEST_ID = /^[\w.-]{1,64}$/;

/**
 * The id of a request, sent back as X-Request-Id and written in its log line: the caller's own
 * when it sent a usable one (so its logs and ours line up), else a new UUID.
 */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}
