import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { INTERNAL_ANONYMOUS_HEADERS, INTERNAL_CALLER_HEADERS } from '../access/internal-caller.js';

export interface WarmResult {
  path: string;
  status: number;
  /** X-Cache of the warming request: MISS means it was loaded now, HIT-* that it was already there. */
  outcome: string;
  ms: number;
}

/** The access guard's answers to a caller it does not admit. */
const NOT_ADMITTED = new Set([401, 403]);

/**
 * Warms entries by requesting routes in process (Fastify inject), through the same pipeline and
 * cache policies a client's request goes through, so a warmed entry is exactly what a client
 * would have cached. Each path is requested as an anonymous caller first: a public route then
 * stores exactly what an anonymous miss would. Only a route that refuses anonymous callers is
 * requested again as the operations principal (its entries do not depend on who is admitted).
 */
@Injectable()
export class CacheWarmer {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** `headers` are added to the internal caller's, anonymous or not (a refresh-ahead marker, for instance). */
  async warm(paths: string[], concurrency = 4, headers: Record<string, string> = {}): Promise<WarmResult[]> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const results: WarmResult[] = new Array(paths.length);
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const index = next++;
        const started = performance.now();
        let response = await fastify.inject({ method: 'GET', url: paths[index], headers: { ...INTERNAL_ANONYMOUS_HEADERS, ...headers } });
        if (NOT_ADMITTED.has(response.statusCode)) {
          response = await fastify.inject({ method: 'GET', url: paths[index], headers: { ...INTERNAL_CALLER_HEADERS, ...headers } });
        }
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
