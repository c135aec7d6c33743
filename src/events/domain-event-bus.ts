import { Injectable, Logger } from '@nestjs/common';
import type { DomainEvent, DomainEventType } from './domain-events.js';
import type { RecordedEvent } from './invalidation-outbox.js';

/** A subscriber: the event, and the id of the outbox row its transaction wrote (null: none, the cache is disabled). */
type Handler<E extends DomainEvent = DomainEvent> = (event: E, outboxId: string | null) => Promise<void> | void;
/** An announcer: sends its message without making the write wait for it, and handles its own failures. */
type Announcer<E extends DomainEvent = DomainEvent> = (event: E) => void;

/**
 * In-process bus for domain events. `publish` awaits every subscriber, so when a write's
 * response is sent its consequences (cache invalidation) have already happened. A failing
 * subscriber is logged and does not fail the write, which has already committed. With the cache
 * enabled, every event published was recorded in the cache invalidation outbox by its write's
 * transaction, so an invalidation this process never applies (it died first) is replayed from there.
 *
 * Announcers (telling watchers of a change, e.g. server-sent events on every instance) run once
 * every subscriber of the write's events is done, so no announcement reaches anyone while a
 * cache could still answer with the old data, and they are not awaited: the write's answer does
 * not wait for a delivery that changes nothing it decided (a Redis round trip, which under load
 * is also a turn of the event loop).
 */
@Injectable()
export class DomainEventBus {
  private readonly logger = new Logger(DomainEventBus.name);
  private readonly handlers = new Map<DomainEventType, Handler[]>();
  private readonly announcers = new Map<DomainEventType, Announcer[]>();

  subscribe<T extends DomainEventType>(type: T, handler: Handler<Extract<DomainEvent, { type: T }>>): void {
    addTo(this.handlers, type, handler as Handler);
  }

  announce<T extends DomainEventType>(type: T, announcer: Announcer<Extract<DomainEvent, { type: T }>>): void {
    addTo(this.announcers, type, announcer as Announcer);
  }

  async publish(...recorded: RecordedEvent[]): Promise<void> {
    for (const { event, outboxId } of recorded) {
      for (const handler of this.handlers.get(event.type) ?? []) {
        try {
          await handler(event, outboxId);
        } catch (error) {
          this.failed('Subscriber', event, error);
        }
      }
    }
    for (const { event } of recorded) {
      for (const announcer of this.announcers.get(event.type) ?? []) {
        try {
          announcer(event);
        } catch (error) {
          this.failed('Announcer', event, error);
        }
      }
    }
  }

  /** Logged, never thrown: the write has committed, and its answer must say so. */
  private failed(role: string, event: DomainEvent, error: unknown): void {
    this.logger.error(`${role} of ${event.type} failed`, error instanceof Error ? error.stack : String(error));
  }
}

function addTo<F>(lists: Map<DomainEventType, F[]>, type: DomainEventType, entry: F): void {
  const list = lists.get(type);
  if (list) list.push(entry);
  else lists.set(type, [entry]);
}
