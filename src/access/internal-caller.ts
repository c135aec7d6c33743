import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Requests the app makes to itself through Fastify inject (cache warming, the in-process
 * benchmarks) act as the operations principal with this token. It is random per process and only
 * ever travels inside it, so no network client can present it.
 */
const INTERNAL_TOKEN = randomBytes(32).toString('base64url');

const digest = (value: string) => createHash('sha256').update(value).digest();
const INTERNAL_TOKEN_DIGEST = digest(INTERNAL_TOKEN);

export const INTERNAL_CALLER_HEADERS = Object.freeze({ authorization: `Bearer ${INTERNAL_TOKEN}` });

/** In constant time over digests, like ADMIN_TOKEN: every bearer token a client sends is compared with this one. */
export const isInternalToken = (token: string): boolean => timingSafeEqual(digest(token), INTERNAL_TOKEN_DIGEST);

const ANONYMOUS_HEADER = 'x-tiffin-internal-anonymous';

/**
 * The app calling itself as an anonymous caller (warming public routes, so the entry is what an
 * anonymous miss would store): no principal, and, like the operations calls above, not counted
 * against the address's rate limit. The same per-process token, in a header of its own.
 */
export const INTERNAL_ANONYMOUS_HEADERS = Object.freeze({ [ANONYMOUS_HEADER]: INTERNAL_TOKEN });

export const isInternalAnonymous = (headers: Record<string, string | string[] | undefined>): boolean => {
  const value = headers[ANONYMOUS_HEADER];
  return typeof value === 'string' && isInternalToken(value);
};
