import { randomBytes } from 'node:crypto';

/**
 * Requests the app makes to itself through Fastify inject (cache warming, the in-process
 * benchmarks) act as the operations principal with this token. It is random per process and only
 * ever travels inside it, so no network client can present it.
 */
const INTERNAL_TOKEN = randomBytes(32).toString('base64url');

export const INTERNAL_CALLER_HEADERS = Object.freeze({ authorization: `Bearer ${INTERNAL_TOKEN}` });

export const isInternalToken = (token: string): boolean => token === INTERNAL_TOKEN;
