import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrderDetails } from './dto/order.dto.js';
import { OrderItem } from './entities/order-item.entity.js';
import { OrderStatusChange } from './entities/order-status-change.entity.js';
import { OrderStatus } from '../domain/order-status.js';
import { Order } from './entities/order.entity.js';
import { fromCents, type OrderLine } from './order-pricing.js';

export interface NewOrder {
  customer_id: number;
  restaurant_id: number;
  delivery_address: string;
  special_instructions: string | null;
  total_cents: number;
  lines: readonly OrderLine[];
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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: number, manager: EntityManager = this.dataSource.manager): Promise<Order | null> {
    return manager.findOneBy(Order, { id });
  }

  /** Inserts the order and its lines (call inside a transaction); returns the new order's id. */
  async insert(order: NewOrder, manager: EntityManager): Promise<number> {
    const inserted = await manager.insert(Order, {
      customer_id: order.customer_id,
      restaurant_id: order.restaurant_id,
      delivery_address: order.delivery_address,
      special_instructions: order.special_instructions,
      // A whole number of cents as a double prints as its exact decimal, which numeric(10,2) stores as is.
      total_amount: fromCents(order.total_cents),
    });
    const orderId = inserted.identifiers[0].id as number;
    await manager.insert(OrderStatusChange, { order_id: orderId, from_status: null, to_status: OrderStatus.Placed });
    await manager.insert(
      OrderItem,
      order.lines.map((line) => ({
        order_id: orderId,
        menu_item_id: line.menu_item_id,
        quantity: line.quantity,
        item_price: line.unit_price,
        special_requests: line.special_requests,
      })),
    );
    return orderId;
  }

  /** Orders of the customer in any of the given statuses (by its customer_id index). */
  async countByStatus(customerId: number, statuses: readonly OrderStatus[], manager: EntityManager): Promise<number> {
    const [{ count }]: Array<{ count: number }> = await manager.query(
      'SELECT count(*)::int AS count FROM orders WHERE customer_id = $1 AND order_status = ANY($2)',
      [customerId, statuses],
    );
    return count;
  }

  async findDetails(id: number, manager: EntityManager = this.dataSource.manager): Promise<OrderDetails | null> {
    const order = await this.detailsQuery(manager).where('o.id = :id', { id }).getOne();
    if (!order) return null;
    const [details] = await this.withItems(manager, [order]);
    return details;
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
    if (filter.status !== undefined) query.andWhere('o.order_status = :status', { status: filter.status });
    if (filter.from !== undefined) query.andWhere('o.order_date >= :from', { from: filter.from });
    if (filter.to !== undefined) query.andWhere('o.order_date < :to', { to: filter.to });
    const [orders, total] = await query.getManyAndCount();
    return [await this.withItems(manager, orders), total];
  }

  /**
   * Moves the order from `from` to `to` only if it is still in `from`: of concurrent updates from
   * one state exactly one matches. False when the order was no longer in `from`.
   */
  async updateStatusIfCurrent(
    id: number,
    from: OrderStatus,
    to: OrderStatus,
    deliveryTime: Date | null,
    manager: EntityManager,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Order)
      .set(deliveryTime ? { order_status: to, delivery_time: deliveryTime } : { order_status: to })
      .where('id = :id AND order_status = :from', { id, from })
      .execute();
    if (result.affected !== 1) return false;
    // A delivery reported with its time happened then; any other step happens now.
    await manager.insert(OrderStatusChange, {
      order_id: id,
      from_status: from,
      to_status: to,
      ...(deliveryTime ? { changed_at: deliveryTime } : {}),
    });
    return true;
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
