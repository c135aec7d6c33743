import { Injectable, Logger } from '@nestjs/common';
import type { DomainEvent, DomainEventType } from './domain-events.js';
import type { RecordedEvent } from './invalidation-outbox.js';

/** A subscriber: the event, and the id of the outbox row its transaction wrote (null: none, the cache is disabled). */
type Handler<E extends DomainEvent = DomainEvent> = (event: E, outboxId: string | null) => Promise<void> | void;

/**
 * In-process bus for domain events. `publish` awaits every subscriber, so when a write's
 * response is sent its consequences (cache invalidation) have already happened. A failing
 * subscriber is logged and does not fail the write, which has already committed. With the cache
 * enabled, every event published was recorded in the cache invalidation outbox by its write's
 * transaction, so an invalidation this process never applies (it died first) is replayed from there.
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

  async publish(...recorded: RecordedEvent[]): Promise<void> {
    for (const { event, outboxId } of recorded) {
      for (const handler of this.handlers.get(event.type) ?? []) {
        try {
          await handler(event, outboxId);
        } catch (error) {
          this.logger.error(`Subscriber of ${event.type} failed`, error instanceof Error ? error.stack : String(error));
        }
      }
    }
  }
}
