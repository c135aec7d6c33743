import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DomainEvent, DomainEventType } from './domain-events.js';

type Handler<E extends DomainEvent = DomainEvent> = (event: E) => Promise<void> | void;
type TransactionalHandler<E extends DomainEvent = DomainEvent> = (event: E, manager: EntityManager) => Promise<void>;

/**
 * In-process bus for domain events. `publish` awaits every subscriber, so when a write's
 * response is sent its consequences (cache invalidation) have already happened. A failing
 * subscriber is logged and does not fail the write, which has already committed.
 */
@Injectable()
export class DomainEventBus {
  private readonly logger = new Logger(DomainEventBus.name);
  private readonly handlers = new Map<DomainEventType, Handler[]>();
  private readonly transactionalHandlers = new Map<DomainEventType, TransactionalHandler[]>();

  subscribe<T extends DomainEventType>(type: T, handler: Handler<Extract<DomainEvent, { type: T }>>): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as Handler);
    this.handlers.set(type, list);
  }

  /**
   * A record the change itself must carry (a customer's notification): the handler writes it
   * through the change's transaction, so it commits or rolls back with the change and is never
   * lost once the write answered.
   */
  subscribeInTransaction<T extends DomainEventType>(type: T, handler: TransactionalHandler<Extract<DomainEvent, { type: T }>>): void {
    const list = this.transactionalHandlers.get(type) ?? [];
    list.push(handler as TransactionalHandler);
    this.transactionalHandlers.set(type, list);
  }

  /**
   * Runs the in-transaction subscribers of each event with the transaction's manager, before it
   * commits. Unlike {@link publish}, a failure is not caught: it rolls the change back.
   */
  async recordInTransaction(manager: EntityManager, ...events: DomainEvent[]): Promise<void> {
    for (const event of events) {
      for (const handler of this.transactionalHandlers.get(event.type) ?? []) await handler(event, manager);
    }
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
