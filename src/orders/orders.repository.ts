import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InvalidationOutboxRepository } from '../events/invalidation-outbox.repository.js';
import { parseTimestampText } from '../common/database/timestamp-text.js';
import { heldKeyArgument } from '../idempotency/idempotent-resources.js';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrderDetails } from './dto/order.dto.js';
import { OrderItem } from './entities/order-item.entity.js';
import { OrderStatusChange } from './entities/order-status-change.entity.js';
import { isFinalStatus, OPEN_ORDER_STATUSES, OrderStatus } from '../domain/order-status.js';
import { orderNotificationFor } from '../domain/order-notifications.js';
import { Order } from './entities/order.entity.js';
import { MAX_ORDER_TOTAL_CENTS, type OrderableMenuItem, type RequestedLine } from './order-pricing.js';

/** The resource kind an Idempotency-Key names once its order placement or status change committed. */
export const ORDER_RESOURCE = 'order';

export interface NewOrder {
  customer_id: number;
  restaurant_id: number;
  delivery_address: string;
  special_instructions: string | null;
  lines: readonly RequestedLine[];
}

/** The order placed, or the rule the request broke (nothing was written). */
export type PlacementOutcome =
  | { refused: 'customer_missing' | 'customer_inactive' | 'restaurant_missing' | 'restaurant_inactive' }
  | { refused: 'open_orders'; open: number }
  /** A line names an item that is missing, of another restaurant or unavailable, or the total is too large. */
  | { refused: 'menu'; menu_items: OrderableMenuItem[] }
  /** outbox_id: the cache invalidation outbox row the transaction wrote, if any (see migration 1765200000000). */
  | { refused?: undefined; order: OrderDetails; outbox_id: string | null };

/** The order after the change, or why it was not made (nothing was written). */
export type StatusChangeOutcome =
  | { refused: 'missing' }
  | { refused: 'transition'; from: OrderStatus }
  | { refused: 'delivery_time'; order_date: Date }
  /** The order left `from` while the change ran: `now` won. */
  | { refused: 'race'; from: OrderStatus; now: OrderStatus | null }
  | { refused?: undefined; from: OrderStatus; order: OrderDetails; outbox_id: string | null };

interface OrderDetailsJson extends Omit<OrderDetails, 'order_date' | 'delivery_time'> {
  order_date: string;
  delivery_time: string | null;
}

/** An order as order_details_json builds it (see migration 1764900000000). */
function toOrderDetails(json: OrderDetailsJson): OrderDetails {
  return {
    ...json,
    order_date: parseTimestampText(json.order_date),
    delivery_time: json.delivery_time === null ? null : parseTimestampText(json.delivery_time),
  };
}

export interface OrderListFilter {
  customer_id?: number;
  restaurant_id?: number;
  status?: OrderStatus;
  /** Placed at or after this instant. */
  from?: Date;
  /** Placed before this instant. */
  to?: Date;
  skip: number;
  limit: number;
}

/** Every query on the orders and order_items tables. */
@Injectable()
export class OrdersRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: InvalidationOutboxRepository,
  ) {}

  /**
   * Places the order in one round trip (place_order, see migrations 1764900000000 and 1765200000000): the customer
   * locked, its open orders counted, restaurant and menu checked, lines priced at the menu's
   * current prices, the order, its first status change, its lines and the customer's notification
   * inserted, with the event's cache invalidation outbox row, all in one transaction; under an
   * Idempotency-Key, the key's row is marked with the order in that transaction too (migration
   * 1765100000000).
   */
  async place(order: NewOrder, maxOpenOrders: number): Promise<PlacementOutcome> {
    const notification = orderNotificationFor(OrderStatus.Placed);
    const lines = order.lines.map((line) => ({
      menu_item_id: line.menu_item_id,
      quantity: line.quantity,
      special_requests: line.special_requests ?? null,
    }));
    const [{ outcome }]: { outcome: Record<string, unknown> }[] = await this.dataSource.query(
      'SELECT place_order($1, $2, $3, $4, $5::jsonb, $6::order_status[], $7, $8, $9, $10, $11, $12, $13::jsonb) AS outcome',
      [
        order.customer_id,
        order.restaurant_id,
        order.delivery_address,
        order.special_instructions,
        JSON.stringify(lines),
        OPEN_ORDER_STATUSES,
        maxOpenOrders,
        MAX_ORDER_TOTAL_CENTS,
        notification.kind,
        notification.title,
        notification.messageTemplate,
        this.outbox.recording,
        heldKeyArgument(ORDER_RESOURCE),
      ],
    );
    if (outcome.refused !== undefined) return outcome as PlacementOutcome;
    return { order: toOrderDetails(outcome.order as OrderDetailsJson), outbox_id: outcome.outbox_id as string | null };
  }

  /** The order with its lines, restaurant and customer, in one statement. */
  async findDetails(id: number): Promise<OrderDetails | null> {
    const [{ details }]: { details: OrderDetailsJson | null }[] = await this.dataSource.query('SELECT order_details_json($1) AS details', [
      id,
    ]);
    return details ? toOrderDetails(details) : null;
  }

  /** A page, newest first (order_date, then id, descending), with the total number of matching orders. */
  async findPage(filter: OrderListFilter): Promise<[OrderDetails[], number]> {
    const manager = this.dataSource.manager;
    const query = this.detailsQuery(manager)
      .orderBy('o.order_date', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .offset(filter.skip)
      .limit(filter.limit);
    if (filter.customer_id !== undefined) query.andWhere('o.customer_id = :customerId', { customerId: filter.customer_id });
    if (filter.restaurant_id !== undefined) {
      query.andWhere('o.restaurant_id = :restaurantId', { restaurantId: filter.restaurant_id });
    }
    if (filter.status !== undefined) {
      query.andWhere('o.order_status = :status', { status: filter.status });
      // No index holds the status: an open one is found through the indexes of open orders.
      if (!isFinalStatus(filter.status)) query.andWhere('NOT o.is_final');
    }
    if (filter.from !== undefined) query.andWhere('o.order_date >= :from', { from: filter.from });
    if (filter.to !== undefined) query.andWhere('o.order_date < :to', { to: filter.to });
    const [orders, total] = await query.getManyAndCount();
    return [await this.withItems(manager, orders), total];
  }

  /**
   * Moves the order to `to` if it is in one of `allowedFrom`, in one round trip
   * (change_order_status, see migration 1764900000000): the update is conditional on the status
   * read first, so of concurrent changes from one status exactly one wins; the history row, the
   * customer's notification, the cache invalidation outbox row and, under an Idempotency-Key, the
   * key's mark go in the same transaction. A
   * delivery takes `deliveryTime` (default now), refused if it lies more than `clockSkewMs` ahead
   * of now or before the order was placed.
   */
  async changeStatus(
    id: number,
    to: OrderStatus,
    allowedFrom: readonly OrderStatus[],
    deliveryTime: Date | null,
    clockSkewMs: number,
  ): Promise<StatusChangeOutcome> {
    const notification = orderNotificationFor(to);
    const [{ outcome }]: { outcome: Record<string, unknown> }[] = await this.dataSource.query(
      'SELECT change_order_status($1, $2, $3::order_status[], $4, $5, $6, $7, $8, $9, $10::jsonb) AS outcome',
      [
        id,
        to,
        allowedFrom,
        deliveryTime,
        clockSkewMs,
        notification.kind,
        notification.title,
        notification.messageTemplate,
        this.outbox.recording,
        heldKeyArgument(ORDER_RESOURCE),
      ],
    );
    if (outcome.refused === 'delivery_time')
      return { refused: 'delivery_time', order_date: parseTimestampText(outcome.order_date as string) };
    if (outcome.refused !== undefined) return outcome as StatusChangeOutcome;
    return {
      from: outcome.from as OrderStatus,
      order: toOrderDetails(outcome.order as OrderDetailsJson),
      outbox_id: outcome.outbox_id as string | null,
    };
  }

  /** The order's history, oldest first. */
  statusChanges(orderId: number, manager: EntityManager = this.dataSource.manager): Promise<OrderStatusChange[]> {
    return manager.find(OrderStatusChange, { where: { order_id: orderId }, order: { changed_at: 'ASC', id: 'ASC' } });
  }

  private detailsQuery(manager: EntityManager) {
    return manager
      .createQueryBuilder(Order, 'o')
      .innerJoin('o.restaurant', 'r')
      .addSelect(['r.id', 'r.name'])
      .innerJoin('o.customer', 'c')
      .addSelect(['c.id', 'c.name']);
  }

  /** The lines of all the given orders in one query (no query per order). */
  private async withItems(manager: EntityManager, orders: Order[]): Promise<OrderDetails[]> {
    if (orders.length === 0) return [];
    const items = await manager
      .createQueryBuilder(OrderItem, 'oi')
      .innerJoin('oi.menu_item', 'm')
      .addSelect(['m.id', 'm.name'])
      .where('oi.order_id IN (:...orderIds)', { orderIds: orders.map((order) => order.id) })
      .orderBy('oi.id', 'ASC')
      .getMany();
    const itemsByOrder = new Map<number, OrderItem[]>();
    for (const item of items) {
      const lines = itemsByOrder.get(item.order_id);
      if (lines) lines.push(item);
      else itemsByOrder.set(item.order_id, [item]);
    }
    return orders.map((order) => Object.assign(order, { order_items: itemsByOrder.get(order.id) ?? [] }) as OrderDetails);
  }
}
