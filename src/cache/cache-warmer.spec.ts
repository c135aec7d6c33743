import { describe, expect, it } from '@jest/globals';
import type { HttpAdapterHost } from '@nestjs/core';
import { INTERNAL_ANONYMOUS_HEADERS, INTERNAL_CALLER_HEADERS } from '../access/internal-caller.js';
import { CacheWarmer } from './cache-warmer.js';

/** A Fastify stand-in: `/public` answers anyone, `/private` only a caller with an Authorization header. */
function warmerOver(requests: { url: string; headers: Record<string, string> }[]) {
  const inject = async ({ url, headers }: { url: string; headers: Record<string, string> }) => {
    requests.push({ url, headers });
    const admitted = url === '/public' || headers.authorization !== undefined;
    return { statusCode: admitted ? 200 : 401, headers: admitted ? { 'x-cache': 'MISS' } : {} };
  };
  return new CacheWarmer({ httpAdapter: { getInstance: () => ({ inject }) } } as unknown as HttpAdapterHost);
}

describe('cache warmer', () => {
  it('requests a public route as an anonymous caller, and only a refused one again as the operations principal', async () => {
    const requests: { url: string; headers: Record<string, string> }[] = [];
    const results = await warmerOver(requests).warm(['/public', '/private'], 1);
    expect(results.map(({ path, status, outcome }) => ({ path, status, outcome }))).toEqual([
      { path: '/public', status: 200, outcome: 'MISS' },
      { path: '/private', status: 200, outcome: 'MISS' },
    ]);
    expect(requests).toEqual([
      { url: '/public', headers: INTERNAL_ANONYMOUS_HEADERS },
      { url: '/private', headers: INTERNAL_ANONYMOUS_HEADERS },
      { url: '/private', headers: INTERNAL_CALLER_HEADERS },
    ]);
    expect(INTERNAL_ANONYMOUS_HEADERS).not.toHaveProperty('authorization');
  });
});
