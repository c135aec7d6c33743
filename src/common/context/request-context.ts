import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Observable } from 'rxjs';
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

/** Runs each handler inside a context naming its route, e.g. "PUT /restaurants/:id". */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const cause = `${request.method} ${routeOf(request) ?? request.url}`;
    return new Observable((subscriber) => RequestContext.run(cause, () => next.handle().subscribe(subscriber)));
  }
}
