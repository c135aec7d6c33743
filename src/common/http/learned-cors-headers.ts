import type { FastifyInstance } from 'fastify';
import { routeOf } from './route-paths.js';

/** The headers @fastify/cors sets on the answer to a GET (Vary: Origin among them). */
const CORS_HEADER = /^(access-control-|vary$)/;

/** Distinct Origin values remembered; the oldest goes first (it is learned again from its next routed answer). */
const MAX_ORIGINS = 256;

/**
 * The CORS headers of a GET's answer, by the request's Origin, as @fastify/cors set them on routed
 * answers. For a GET they depend on the Origin header alone (allowed or not, and the app's fixed
 * CORS options), so an answer given before routing can carry exactly the headers a routed answer
 * to the same Origin got, without a second implementation of CORS to keep in step. An Origin not
 * seen yet has none: its request is routed, and its answer teaches them.
 */
export class LearnedCorsHeaders {
  /** Origin ('' for none), then its headers as a flat name/value list. */
  private readonly byOrigin = new Map<string, string[]>();

  /** Learns from every routed GET that matched a route (@fastify/cors ran for it). */
  learnFrom(fastify: FastifyInstance): void {
    fastify.addHook('onSend', (request, reply, payload, done) => {
      // Known Origins are skipped before reply.getHeaders(), which builds an object.
      const origin = request.headers.origin;
      if (request.method === 'GET' && !this.byOrigin.has(origin ?? '') && routeOf(request) !== undefined) {
        this.remember(origin, reply.getHeaders());
      }
      done(null, payload);
    });
  }

  /** The headers for a request with this Origin header; undefined when none were learned yet. */
  for(origin: string | undefined): string[] | undefined {
    return this.byOrigin.get(origin ?? '');
  }

  remember(origin: string | undefined, headers: Record<string, number | string | string[] | undefined>): void {
    const key = origin ?? '';
    if (this.byOrigin.has(key)) return;
    const learned: string[] = [];
    for (const [name, value] of Object.entries(headers)) {
      if (CORS_HEADER.test(name) && value !== undefined) learned.push(name, Array.isArray(value) ? value.join(', ') : String(value));
    }
    if (this.byOrigin.size >= MAX_ORIGINS) this.byOrigin.delete(this.byOrigin.keys().next().value as string);
    this.byOrigin.set(key, learned);
  }
}
