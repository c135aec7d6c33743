import { Injectable, Logger } from '@nestjs/common';
import type { DomainEvent, DomainEventType } from './domain-events.js';

type Handler<E extends DomainEvent = DomainEvent> = (event: E) => Promise<void> | void;

/**
 * In-process bus for domain events. `publish` awaits every subscriber, so when a write's
 * response is sent its consequences (cache invalidation) have already happened. A failing
 * subscriber is logged and does not fail the write, which has already committed.
 */
@Injectable()
export class DomainEventBus {
  private readonly logger = new Logger(DomainEventBus.name);
  private readonly handlers = new Map<DomainEventType, Handler[]>();

  subscribe<T extends DomainEventType>(type: T, handler: Handler<Extract<DomainEvent, { type: T }>>): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as Handler);
    this.handlers.set(type, list);
  }

  async publish(...events: DomainEvent[]): Promise<void> {
    for (const event of events) {
      for (const handler of this.handlers.get(event.type) ?? []) {
        try {
          await handler(event);
        } catch (error) {
          this.logger.error(`Subscriber of ${event.type} failed`, error instanceof Error ? error.stack : String(error));
        }
      }
    }
  }
}
