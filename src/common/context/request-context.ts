import type { FastifyInstance } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import { routeOf } from '../http/route-paths.js';

/**
 * The Idempotency-Key a request holds while its handler runs (see IdempotencyInterceptor): the
 * write it makes records its outcome on the key's row in its own transaction.
 */
export interface HeldIdempotencyKey {
  scope: string;
  key: string;
  /** The claim that took the key: a write whose key was taken over since cannot mark it. */
  claim: string;
}

interface Context {
  /** What is doing the work: "PUT /restaurants/:id", "job:cleanup", ... */
  cause?: string;
  idempotencyKey?: HeldIdempotencyKey;
}

const storage = new AsyncLocalStorage<Context>();

/** Who caused the current work, for audit records; follows the async chain of a request or job. */
export const RequestContext = {
  run<T>(cause: string, work: () => T): T {
    return storage.run({ cause }, work);
  },
  cause(): string | undefined {
    return storage.getStore()?.cause;
  },
  /** Runs `work` (still under the current cause) as the holder of `held`. */
  holdingIdempotencyKey<T>(held: HeldIdempotencyKey, work: () => T): T {
    return storage.run({ ...storage.getStore(), idempotencyKey: held }, work);
  },
  idempotencyKey(): HeldIdempotencyKey | undefined {
    return storage.getStore()?.idempotencyKey;
  },
};

/** Reads change nothing (a GET never writes, and the cache records no change for a read): only these get a cause. */
const CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Runs each request that may change something inside a context naming its route, e.g.
 * "PUT /restaurants/:id". A Fastify preHandler hook: Fastify calls the route's handler (Nest's
 * guards, pipes, interceptors and the controller) synchronously from `done`, so all of it and every
 * promise it creates inherit the context. Reads skip it, and as a hook instead of a global Nest
 * interceptor it adds no observable layer to any request.
 */
export function registerRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (request, _reply, done) => {
    if (!CHANGING_METHODS.has(request.method)) return done();
    storage.run({ cause: `${request.method} ${routeOf(request) ?? request.url}` }, done);
  });
}
