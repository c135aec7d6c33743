import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Observable } from 'rxjs';
import { routeOf } from '../http/route-paths.js';

interface Context {
  /** What is doing the work: "PUT /restaurants/:id", "job:cleanup", ... */
  cause: string;
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
