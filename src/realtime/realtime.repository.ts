import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OrderStatus } from '../domain/order-status.js';
import type { LiveOrderRow, OrderForTracking, RestaurantLoad } from './dto/realtime.dto.js';

/**
 * The statuses of an order that occupies the restaurant (not yet delivered nor cancelled). The
 * queries also say `NOT is_final`, which is what the indexes of open orders select on.
 */
export const IN_PROGRESS_STATUSES: readonly OrderStatus[] = [
  OrderStatus.Placed,
  OrderStatus.Confirmed,
  OrderStatus.Preparing,
  OrderStatus.OutForDelivery,
];

/** The real-time reads: load per restaurant, one order's tracking data, every live order. */
@Injectable()
export class RealtimeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async restaurantLoad(restaurantId: number): Promise<RestaurantLoad | null> {
    const [row] = await this.dataSource.query<RestaurantLoad[]>(
      `SELECT r.id, r.name, r.is_active, r.opening_time::text AS opening_time, r.closing_time::text AS closing_time, r.capacity,
              (SELECT count(*)::int FROM orders o
                WHERE o.restaurant_id = r.id AND NOT o.is_final AND o.order_status = ANY($2::order_status[])) AS orders_in_progress,
              (SELECT round(avg(m.preparation_time), 2)::float8 FROM menu_items m
                WHERE m.restaurant_id = r.id AND m.is_available AND m.preparation_time IS NOT NULL) AS average_preparation_minutes
         FROM restaurants r
        WHERE r.id = $1`,
      [restaurantId, IN_PROGRESS_STATUSES],
    );
    return row ?? null;
  }

  async orderForTracking(orderId: number): Promise<OrderForTracking | null> {
    const [row] = await this.dataSource.query<OrderForTracking[]>(
      `SELECT o.id, o.customer_id, o.restaurant_id, o.order_status, o.order_date, o.delivery_time,
              (SELECT max(m.preparation_time)::int FROM order_items oi JOIN menu_items m ON m.id = oi.menu_item_id
                WHERE oi.order_id = o.id) AS longest_preparation_minutes
         FROM orders o
        WHERE o.id = $1`,
      [orderId],
    );
    return row ?? null;
  }

  async orderStatus(orderId: number): Promise<OrderStatus | null> {
    const [row] = await this.dataSource.query<{ order_status: OrderStatus }[]>(`SELECT order_status FROM orders WHERE id = $1`, [orderId]);
    return row?.order_status ?? null;
  }

  /** Every order in progress with its restaurant, by restaurant id, then newest first. */
  liveOrders(): Promise<LiveOrderRow[]> {
    return this.dataSource.query(
      `SELECT o.id, o.order_status, o.order_date, o.customer_id, o.total_amount::float8 AS total_amount,
              r.id AS restaurant_id, r.name AS restaurant_name
         FROM orders o
         JOIN restaurants r ON r.id = o.restaurant_id
        WHERE NOT o.is_final AND o.order_status = ANY($1::order_status[])
        ORDER BY r.id, o.order_date DESC, o.id DESC`,
      [IN_PROGRESS_STATUSES],
    );
  }
}
