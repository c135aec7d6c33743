import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { INTERNAL_CALLER_HEADERS } from '../auth/internal-caller.js';

export interface WarmResult {
  path: string;
  status: number;
  /** X-Cache of the warming request: MISS means it was loaded now, HIT-* that it was already there. */
  outcome: string;
  ms: number;
}

/**
 * Warms entries by requesting routes in process (Fastify inject), through the same pipeline and
 * cache policies a client's request goes through, so a warmed entry is exactly what a client
 * would have cached.
 */
@Injectable()
export class CacheWarmer {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** `headers` are added to the internal caller's (a refresh-ahead marker, for instance). */
  async warm(paths: string[], concurrency = 4, headers: Record<string, string> = {}): Promise<WarmResult[]> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const results: WarmResult[] = new Array(paths.length);
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const index = next++;
        const started = performance.now();
        const response = await fastify.inject({ method: 'GET', url: paths[index], headers: { ...INTERNAL_CALLER_HEADERS, ...headers } });
        results[index] = {
          path: paths[index],
          status: response.statusCode,
          outcome: String(response.headers['x-cache'] ?? 'NONE'),
          ms: Math.round((performance.now() - started) * 100) / 100,
        };
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
    return results;
  }
}
