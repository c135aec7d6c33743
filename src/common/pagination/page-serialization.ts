import type { FastifyInstance } from 'fastify';
import { Page } from './pagination.js';

export const TOTAL_COUNT_HEADER = 'X-Total-Count';

/**
 * Sends a {@link Page} a handler returned as the JSON array of its items, with the total in
 * X-Total-Count. A Fastify preSerialization hook rather than a global Nest interceptor: it runs only
 * for answers that are objects still to be serialised, and costs every other request nothing (an
 * interceptor adds an observable layer to each request). Cached routes serialise their pages
 * themselves (the cache keeps the total with the body) and send strings, which skip this hook.
 */
export function registerPageSerialization(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', (_request, reply, payload, done) => {
    if (!(payload instanceof Page)) return done(null, payload);
    reply.header(TOTAL_COUNT_HEADER, String(payload.total));
    done(null, payload.items);
  });
}
