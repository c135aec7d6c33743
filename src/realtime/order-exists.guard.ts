import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { RealtimeRepository } from './realtime.repository.js';

/**
 * 400 for a bad `order_id` and 404 for a missing order, decided BEFORE a server-sent-event
 * handler runs: Nest subscribes to an @Sse handler's stream and sends the 200 and its headers on
 * the next tick, so an error found by the handler's own database read would arrive too late to be
 * an HTTP status. Guards run before that.
 */
@Injectable()
export class OrderExistsGuard implements CanActivate {
  private readonly ids = new ParseIdPipe();

  constructor(private readonly realtime: RealtimeRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const params = context.switchToHttp().getRequest<FastifyRequest>().params as Record<string, string>;
    const orderId = this.ids.transform(params.order_id, { type: 'param', data: 'order_id' });
    if ((await this.realtime.orderStatus(orderId)) === null) throw new ResourceNotFoundException('Order', orderId);
    return true;
  }
}
