import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  ServiceUnavailableException,
  SetMetadata,
} from '@nestjs/common';
import { SSE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { catchError, type Observable, throwError, timeout, TimeoutError } from 'rxjs';

const TIME_LIMIT = Symbol('tiffin:time-limit');

/** A route whose work is bulk by design (e.g. building the sample data set) gets this limit instead. */
export const TimeLimit = (ms: number) => SetMetadata(TIME_LIMIT, ms);

/**
 * Answers 503 with Retry-After when a handler has not answered within the limit, so a client is
 * never left waiting on a stuck dependency. The handler's own work is not cancelled (a committed
 * write stays committed); event streams are long-lived by design and are exempt.
 */
@Injectable()
export class RequestTimeoutInterceptor implements NestInterceptor {
  /** Per handler: its limit in ms, or null for an event stream. Declared once, so read once. */
  private readonly limits = new WeakMap<object, number | null>();

  constructor(
    private readonly reflector: Reflector,
    private readonly limitMs: number,
  ) {}

  private limitOf(context: ExecutionContext): number | null {
    const handler = context.getHandler();
    let limit = this.limits.get(handler);
    if (limit === undefined) {
      limit = this.reflector.get<boolean>(SSE_METADATA, handler)
        ? null
        : (this.reflector.getAllAndOverride<number | undefined>(TIME_LIMIT, [handler, context.getClass()]) ?? this.limitMs);
      this.limits.set(handler, limit);
    }
    return limit;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const limitMs = context.getType() === 'http' ? this.limitOf(context) : null;
    if (limitMs === null) return next.handle();
    return next.handle().pipe(
      timeout({ first: limitMs }),
      catchError((error: unknown) => {
        if (!(error instanceof TimeoutError)) return throwError(() => error);
        context.switchToHttp().getResponse<FastifyReply>().header('retry-after', '1');
        return throwError(() => new ServiceUnavailableException(`The request did not complete within ${limitMs} ms; retry later`));
      }),
    );
  }
}
