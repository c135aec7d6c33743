import { Injectable, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { ShutdownSignal } from '../common/lifecycle/shutdown-signal.js';
import type { PaginationQuery } from '../common/pagination/pagination.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { NotificationsRead } from '../events/domain-events.js';
import { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import type { OrderResponse, UpdateOrderStatusDto } from '../orders/dto/order.dto.js';
import { isFinalStatus, OrderStatus } from '../domain/order-status.js';
import { OrderPartiesRepository } from '../orders/order-parties.repository.js';
import { OrdersRepository } from '../orders/orders.repository.js';
import { OrdersService } from '../orders/orders.service.js';
import { Clock } from './clock.js';
import {
  type MarkNotificationsReadDto,
  type MarkReadResponse,
  type NotificationListResponse,
  toNotificationListResponse,
} from './dto/notification.dto.js';
import {
  type DeliverySlotsResponse,
  type DynamicPricingResponse,
  type LiveRestaurantOrdersResponse,
  type OrderTrackingResponse,
  type RestaurantAvailabilityResponse,
  type RestaurantLoad,
  toAvailabilityResponse,
  toDeliverySlotsResponse,
  toDynamicPricingResponse,
  toLiveOrdersResponse,
  toOrderTrackingResponse,
} from './dto/realtime.dto.js';
import { NotificationsRepository } from './notifications.repository.js';
import { isOpenAt } from './opening-hours.js';
import { OrderStatusStream } from './order-status-stream.js';
import { deliverySlots } from './realtime-rules.js';
import { RealtimeRepository } from './realtime.repository.js';

export const HEARTBEAT_MS = 15_000;

/** How long a client waits before reconnecting after this instance ended its stream to shut down. */
export const SHUTDOWN_RECONNECT_MS = 1_000;

/** Where each status lies along the workflow; both final statuses come last. */
const WORKFLOW_RANK: Record<OrderStatus, number> = {
  [OrderStatus.Placed]: 0,
  [OrderStatus.Confirmed]: 1,
  [OrderStatus.Preparing]: 2,
  [OrderStatus.OutForDelivery]: 3,
  [OrderStatus.Delivered]: 4,
  [OrderStatus.Cancelled]: 4,
};

@Injectable()
export class RealtimeService {
  constructor(
    private readonly realtime: RealtimeRepository,
    private readonly notifications: NotificationsRepository,
    private readonly orders: OrdersRepository,
    private readonly orderWorkflow: OrdersService,
    private readonly parties: OrderPartiesRepository,
    private readonly stream: OrderStatusStream,
    private readonly outbox: InvalidationOutboxRepository,
    private readonly events: DomainEventBus,
    private readonly clock: Clock,
    private readonly shutdown: ShutdownSignal,
  ) {}

  async deliverySlots(restaurantId: number): Promise<DeliverySlotsResponse> {
    const restaurant = await this.restaurantLoad(restaurantId);
    const now = this.clock.now();
    // An inactive restaurant takes no orders, so it offers no slots.
    const slots = restaurant.is_active ? deliverySlots(now, restaurant, restaurant) : [];
    return toDeliverySlotsResponse(restaurant, now, slots);
  }

  async availability(restaurantId: number): Promise<RestaurantAvailabilityResponse> {
    const restaurant = await this.restaurantLoad(restaurantId);
    const now = this.clock.now();
    return toAvailabilityResponse(restaurant, now, isOpenAt(restaurant, now));
  }

  async dynamicPricing(restaurantId: number): Promise<DynamicPricingResponse> {
    return toDynamicPricingResponse(await this.restaurantLoad(restaurantId), this.clock.now());
  }

  async orderTracking(orderId: number): Promise<OrderTrackingResponse> {
    const order = await this.realtime.orderForTracking(orderId);
    if (!order) throw new ResourceNotFoundException('Order', orderId);
    return toOrderTrackingResponse(order, await this.orders.statusChanges(orderId));
  }

  async notificationsOf(customerId: number, page: PaginationQuery): Promise<NotificationListResponse> {
    await this.requireCustomer(customerId);
    const [counts, rows] = await Promise.all([
      this.notifications.counts(customerId),
      this.notifications.page(customerId, page.skip, page.limit),
    ]);
    return toNotificationListResponse(customerId, counts, page, rows);
  }

  /**
   * No body (or no ids) marks all of the customer's notifications read. When any changed, the
   * change and its cache invalidation outbox row commit together, and the event is published after.
   */
  async markNotificationsRead(customerId: number, request: MarkNotificationsReadDto | undefined): Promise<MarkReadResponse> {
    await this.requireCustomer(customerId);
    const { marked, recorded } = await this.outbox.transaction(async (manager) => {
      const changed = await this.notifications.markRead(customerId, request?.notification_ids, manager);
      return { marked: changed, recorded: await this.outbox.record(manager, changed > 0 ? [new NotificationsRead(customerId)] : []) };
    });
    await this.events.publish(...recorded);
    const counts = await this.notifications.counts(customerId);
    return { customer_id: customerId, marked_read: marked, unread_count: counts.unread };
  }

  async liveOrders(): Promise<LiveRestaurantOrdersResponse[]> {
    return toLiveOrdersResponse(await this.realtime.liveOrders());
  }

  /** PUT /orders/{id}/status under another path: the same workflow, answers and events. */
  updateOrderStatus(orderId: number, request: UpdateOrderStatusDto): Promise<OrderResponse> {
    return this.orderWorkflow.updateStatus(orderId, request);
  }

  /**
   * The order's status now, then each change as it is made on any instance, a heartbeat comment
   * every {@link HEARTBEAT_MS}, and the end of the stream once the order is final. (The route's
   * guard has answered 404 for a missing order before this stream starts.)
   */
  orderEvents(orderId: number): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      let sentRank = -1;
      let current: OrderStatus | undefined;
      const buffered: { from_status: OrderStatus; order_status: OrderStatus }[] = [];
      const send = (type: string, status: OrderStatus, from: OrderStatus | null) => {
        // Changes only move forward: anything not past what was sent is already known.
        if (WORKFLOW_RANK[status] <= sentRank) return;
        sentRank = WORKFLOW_RANK[status];
        subscriber.next({ type, data: { order_id: orderId, order_status: status, from_status: from, is_final: isFinalStatus(status) } });
        if (isFinalStatus(status)) subscriber.complete();
      };
      // Watch first, then read: a change made meanwhile is buffered, not lost.
      const stopWatching = this.stream.watch(orderId, (message) => {
        if (current === undefined) buffered.push(message);
        else send('status-changed', message.order_status, message.from_status);
      });
      const heartbeat = setInterval(() => subscriber.next({ comment: 'heartbeat' }), HEARTBEAT_MS);
      // A stream never ends by itself before the order is final, so shutting down ends it with a
      // "reconnect" event instead of cutting it; the client's reconnection reaches another instance.
      const endForShutdown = () => {
        subscriber.next({
          type: 'reconnect',
          retry: SHUTDOWN_RECONNECT_MS,
          data: { order_id: orderId, reason: 'This instance is shutting down' },
        });
        subscriber.complete();
      };
      if (this.shutdown.signal.aborted) endForShutdown();
      else this.shutdown.signal.addEventListener('abort', endForShutdown, { once: true });
      this.realtime
        .orderStatus(orderId)
        .then((status) => {
          if (status === null) return subscriber.error(new ResourceNotFoundException('Order', orderId));
          current = status;
          send('status', status, null);
          for (const message of buffered.splice(0)) send('status-changed', message.order_status, message.from_status);
        })
        .catch((error: unknown) => subscriber.error(error));
      return () => {
        stopWatching();
        clearInterval(heartbeat);
        this.shutdown.signal.removeEventListener('abort', endForShutdown);
      };
    });
  }

  private async restaurantLoad(restaurantId: number): Promise<RestaurantLoad> {
    const restaurant = await this.realtime.restaurantLoad(restaurantId);
    if (!restaurant) throw new ResourceNotFoundException('Restaurant', restaurantId);
    return restaurant;
  }

  private async requireCustomer(customerId: number): Promise<void> {
    if (!(await this.parties.customerExists(customerId))) throw new ResourceNotFoundException('Customer', customerId);
  }
}
