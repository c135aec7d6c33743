import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CacheService } from '../cache/cache.service.js';
import { CacheTags as T } from '../cache/cache-tags.js';
import type { EntityManager } from 'typeorm';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { OrderStatus } from '../domain/order-status.js';
import { NotificationsRepository, type OrderNotificationText } from './notifications.repository.js';

/** What the customer is told when their order reaches each status (%s: the restaurant's name). */
export function notificationFor(orderId: number, status: OrderStatus): OrderNotificationText {
  const order = `#${orderId}`;
  const texts: Record<OrderStatus, [string, string]> = {
    [OrderStatus.Placed]: ['Order placed', `Your order ${order} from %s has been placed.`],
    [OrderStatus.Confirmed]: ['Order confirmed', `%s confirmed your order ${order}.`],
    [OrderStatus.Preparing]: ['Order being prepared', `%s is preparing your order ${order}.`],
    [OrderStatus.OutForDelivery]: ['Order on its way', `Your order ${order} from %s is on its way.`],
    [OrderStatus.Delivered]: ['Order delivered', `Your order ${order} from %s has been delivered.`],
    [OrderStatus.Cancelled]: ['Order cancelled', `Your order ${order} from %s has been cancelled.`],
  };
  const [title, messageTemplate] = texts[status];
  return { kind: `order_${status}`, title, messageTemplate };
}

/**
 * Stores a notification for the customer each time one of their orders is placed or changes
 * status: one INSERT in the transaction of the change, so a change that committed always has its
 * notification, even if the process stops right after. Once the change committed it drops the
 * customer's cached list itself: placing an order is not in the cache rules for notifications,
 * and a list read before the commit would otherwise stay cached without the new row.
 */
@Injectable()
export class OrderNotificationsSubscriber implements OnModuleInit {
  constructor(
    private readonly bus: DomainEventBus,
    private readonly notifications: NotificationsRepository,
    private readonly cache: CacheService,
  ) {}

  onModuleInit(): void {
    this.bus.subscribeInTransaction('order.placed', (event, manager) => this.record(event.order_id, OrderStatus.Placed, manager));
    this.bus.subscribeInTransaction('order.status-changed', (event, manager) => this.record(event.order_id, event.to, manager));
    this.bus.subscribe('order.placed', (event) => this.dropCachedList(event.customer_id));
    this.bus.subscribe('order.status-changed', (event) => this.dropCachedList(event.customer_id));
  }

  private record(orderId: number, status: OrderStatus, manager: EntityManager): Promise<void> {
    return this.notifications.insertForOrder(orderId, notificationFor(orderId, status), manager);
  }

  private async dropCachedList(customerId: number): Promise<void> {
    if (this.cache.enabled) await this.cache.invalidate([T.customerNotifications(customerId)], 'notification.created');
  }
}
