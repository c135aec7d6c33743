import { createHmac } from 'node:crypto';

/**
 * A Redis key that does not reveal the raw identifier: `{prefix}:{namespace}:{hmac}` with
 * HMAC-SHA256 over `{namespace}:{key}`, so the same raw key in two namespaces differs too.
 */
export function secureCacheKey(secret: string, prefix: string, namespace: string, key: string): string {
  const digest = createHmac('sha256', secret).update(`${namespace}:${key}`).digest('hex');
  return `${prefix}:${namespace}:${digest}`;
}
