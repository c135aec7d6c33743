import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CacheService } from '../cache/cache.service.js';
import { CacheTags as T } from '../cache/cache-tags.js';
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
 * status. The event bus awaits this before the write answers, so it is one INSERT. It then drops
 * the customer's cached list itself: the cache rules may have run before the INSERT (subscriber
 * order), and a list read in between would otherwise stay cached without the new row.
 */
@Injectable()
export class OrderNotificationsSubscriber implements OnModuleInit {
  constructor(
    private readonly bus: DomainEventBus,
    private readonly notifications: NotificationsRepository,
    private readonly cache: CacheService,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe('order.placed', (event) => this.notify(event.order_id, OrderStatus.Placed));
    this.bus.subscribe('order.status-changed', (event) => this.notify(event.order_id, event.to));
  }

  async notify(orderId: number, status: OrderStatus): Promise<void> {
    const customerId = await this.notifications.insertForOrder(orderId, notificationFor(orderId, status));
    if (customerId !== null && this.cache.enabled) {
      await this.cache.invalidate([T.customerNotifications(customerId)], 'notification.created');
    }
  }
}
