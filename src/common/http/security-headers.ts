import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Security headers on every answer. The API sends only JSON; the policy still allows what the
 * Swagger UI at /docs loads from this origin (its scripts, and the inline styles it sets).
 */
const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      frameAncestors: ["'none'"],
    },
  },
};

/**
 * Helmet's headers for {@link HELMET_OPTIONS} (names in lower case), taken once from its
 * middleware. They depend on the options alone (no nonce, nothing read from the request), so every
 * answer gets the same list without running helmet's chain of middlewares (and @fastify/helmet,
 * which also parses the policy again, for every request).
 */
export function securityHeaders(): [string, string][] {
  const headers: [string, string][] = [];
  const collector = {
    setHeader: (name: string, value: string | number) => headers.push([name.toLowerCase(), String(value)]),
    removeHeader: () => undefined,
  };
  let finished = false;
  helmet(HELMET_OPTIONS)({} as IncomingMessage, collector as unknown as ServerResponse, () => (finished = true));
  if (!finished || headers.length === 0) throw new Error('helmet did not set its headers synchronously');
  return headers;
}
