import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { Page } from './pagination.js';

export const TOTAL_COUNT_HEADER = 'X-Total-Count';

@Injectable()
export class PageInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof Page)) return result;
        context.switchToHttp().getResponse<FastifyReply>().header(TOTAL_COUNT_HEADER, String(result.total));
        return result.items as unknown[];
      }),
    );
  }
}
