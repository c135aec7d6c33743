import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Requests the app makes to itself through Fastify inject (cache warming, the in-process
 * benchmarks) act as the operations principal with this token. It is random per process and only
 * ever travels inside it, so no network client can present it.
 */
const INTERNAL_TOKEN = randomBytes(32).toString('base64url');

/**
 * A bearer token's SHA-256. Tokens are compared in constant time over their digests, so neither
 * content nor length leaks; a presented token is hashed once and its digest compared with each
 * token it might be.
 */
export const tokenDigest = (token: string): Buffer => hash('sha256', token, 'buffer');
const INTERNAL_TOKEN_DIGEST = tokenDigest(INTERNAL_TOKEN);

export const INTERNAL_CALLER_HEADERS = Object.freeze({ authorization: `Bearer ${INTERNAL_TOKEN}` });

/** Whether a token (by its {@link tokenDigest}) is this one: every bearer token a client sends is compared with it. */
export const isInternalTokenDigest = (presented: Buffer): boolean => timingSafeEqual(presented, INTERNAL_TOKEN_DIGEST);

const ANONYMOUS_HEADER = 'x-tiffin-internal-anonymous';

/**
 * The app calling itself as an anonymous caller (warming public routes, so the entry is what an
 * anonymous miss would store): no principal, and, like the operations calls above, not counted
 * against the address's rate limit. The same per-process token, in a header of its own.
 */
export const INTERNAL_ANONYMOUS_HEADERS = Object.freeze({ [ANONYMOUS_HEADER]: INTERNAL_TOKEN });

export const isInternalAnonymous = (headers: Record<string, string | string[] | undefined>): boolean => {
  const value = headers[ANONYMOUS_HEADER];
  return typeof value === 'string' && isInternalTokenDigest(tokenDigest(value));
};
