import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MessageBus } from '../redis/message-bus.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { OrderStatus } from '../domain/order-status.js';

/** A status change as it is pushed to every instance. */
export interface OrderStatusMessage {
  order_id: number;
  from_status: OrderStatus;
  order_status: OrderStatus;
  /** When the instance that made the change published it. */
  announced_at: string;
}

export const ORDER_STATUS_CHANNEL = 'order-status';

type Listener = (message: OrderStatusMessage) => void;

/**
 * Carries order status changes to the server-sent-event connections of every instance: each
 * committed change (an OrderStatusChanged event here, announced once the cache has dropped the
 * order's old status) is published on the message bus (Redis
 * pub/sub with Redis, in process without), and each instance hands what it receives to the
 * connections watching that order.
 *
 * The instance subscribes to the channel once, at start: a Redis subscription made when a
 * connection opens would take a round trip to become active, and a change in that window would
 * be lost. Connections register here and unregister when they close.
 */
@Injectable()
export class OrderStatusStream implements OnModuleInit, OnModuleDestroy {
  private readonly listeners = new Map<number, Set<Listener>>();
  private unsubscribe?: () => void;

  constructor(
    private readonly events: DomainEventBus,
    private readonly messages: MessageBus,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.messages.subscribe<OrderStatusMessage>(ORDER_STATUS_CHANNEL, (message) => this.deliver(message));
    // MessageBus.publish logs its own failures and never rejects.
    this.events.announce('order.status-changed', (event) => {
      void this.messages.publish(ORDER_STATUS_CHANNEL, {
        order_id: event.order_id,
        from_status: event.from,
        order_status: event.to,
        announced_at: new Date().toISOString(),
      } satisfies OrderStatusMessage);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Calls `listener` with each change of the order, on whichever instance it is made; returns the unsubscribe. */
  watch(orderId: number, listener: Listener): () => void {
    let watchers = this.listeners.get(orderId);
    if (!watchers) this.listeners.set(orderId, (watchers = new Set()));
    watchers.add(listener);
    return () => {
      watchers.delete(listener);
      if (watchers.size === 0 && this.listeners.get(orderId) === watchers) this.listeners.delete(orderId);
    };
  }

  /** Connections currently watching the order on this instance. */
  watchers(orderId: number): number {
    return this.listeners.get(orderId)?.size ?? 0;
  }

  private deliver(message: OrderStatusMessage): void {
    for (const listener of this.listeners.get(message.order_id) ?? []) listener(message);
  }
}
