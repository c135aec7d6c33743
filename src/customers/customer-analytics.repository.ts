import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { averageOrderValueSql, deliveredRevenueSql } from '../domain/order-figures.js';
import { OrderStatus } from '../domain/order-status.js';

/** How many favourite restaurants, cuisines, items and hours the analytics list. */
export const FAVORITES_LIMIT = 3;

/** Everything known about one customer's ordering, as one statement computes it. */
export interface CustomerAnalyticsRow {
  customer_name: string;
  total_orders: number;
  orders_by_status: Partial<Record<OrderStatus, number>>;
  /** Sum of total_amount over the delivered orders (0 when none). */
  lifetime_spend: number;
  /** Mean total_amount of the delivered orders, rounded to cents; 0 when none. */
  average_delivered_order: number;
  /** Mean total_amount of the orders not cancelled, rounded to cents; null when none. */
  average_basket: number | null;
  favorite_restaurants: { restaurant_id: number; name: string; orders: number }[];
  favorite_cuisines: { cuisine_type: string; orders: number }[];
  favorite_items: { menu_item_id: number; name: string; quantity: number }[];
  preferred_order_hours: { hour: number; orders: number }[];
  first_order_at: Date | null;
  last_order_at: Date | null;
  days_since_last_order: number | null;
}

const CANCELLED = `'${OrderStatus.Cancelled}'`;

/*
 * $1 = customer, $2 = how many favourites of each kind. One statement, so every figure comes from
 * the same snapshot (total_orders always equals the sum of orders_by_status). Money is summed and
 * averaged as exact numerics (a sum of numeric(10,2) is exact to the cent), averages rounded to
 * cents, and only then turned into a double. Hours are UTC hours of order_date. Ties compare by id,
 * or by name in the "C" collation, so the order is the same on every server whatever its collation.
 */
const CUSTOMER_ANALYTICS_SQL = `
  WITH customer_orders AS MATERIALIZED (
    SELECT o.id, o.restaurant_id, o.order_status, o.total_amount, o.order_date,
           extract(hour FROM o.order_date AT TIME ZONE 'UTC')::int AS hour
    FROM orders o
    WHERE o.customer_id = $1
  )
  SELECT
    c.name AS customer_name,
    (SELECT count(*)::int FROM customer_orders) AS total_orders,
    (SELECT coalesce(json_object_agg(by_status.order_status, by_status.orders), '{}'::json)
       FROM (SELECT order_status, count(*)::int AS orders FROM customer_orders GROUP BY order_status) by_status
    ) AS orders_by_status,
    (SELECT coalesce(${deliveredRevenueSql('co')}, 0)::float8 FROM customer_orders co) AS lifetime_spend,
    (SELECT coalesce(${averageOrderValueSql('co')}, 0)::float8 FROM customer_orders co) AS average_delivered_order,
    (SELECT round(avg(total_amount), 2)::float8 FROM customer_orders WHERE order_status <> ${CANCELLED}) AS average_basket,
    (SELECT coalesce(json_agg(favorite ORDER BY favorite.orders DESC, favorite.restaurant_id), '[]'::json)
       FROM (SELECT r.id AS restaurant_id, r.name, count(*)::int AS orders
               FROM customer_orders co JOIN restaurants r ON r.id = co.restaurant_id
              GROUP BY r.id, r.name
              ORDER BY orders DESC, r.id
              LIMIT $2) favorite
    ) AS favorite_restaurants,
    (SELECT coalesce(json_agg(favorite ORDER BY favorite.orders DESC, favorite.cuisine_type COLLATE "C"), '[]'::json)
       FROM (SELECT r.cuisine_type, count(*)::int AS orders
               FROM customer_orders co JOIN restaurants r ON r.id = co.restaurant_id
              GROUP BY r.cuisine_type
              ORDER BY orders DESC, r.cuisine_type COLLATE "C"
              LIMIT $2) favorite
    ) AS favorite_cuisines,
    (SELECT coalesce(json_agg(favorite ORDER BY favorite.quantity DESC, favorite.menu_item_id), '[]'::json)
       FROM (SELECT oi.menu_item_id, mi.name, sum(oi.quantity)::int AS quantity
               FROM customer_orders co
               JOIN order_items oi ON oi.order_id = co.id
               JOIN menu_items mi ON mi.id = oi.menu_item_id
              WHERE co.order_status <> ${CANCELLED}
              GROUP BY oi.menu_item_id, mi.name
              ORDER BY quantity DESC, oi.menu_item_id
              LIMIT $2) favorite
    ) AS favorite_items,
    (SELECT coalesce(json_agg(preferred ORDER BY preferred.orders DESC, preferred.hour), '[]'::json)
       FROM (SELECT hour, count(*)::int AS orders FROM customer_orders GROUP BY hour ORDER BY orders DESC, hour LIMIT $2) preferred
    ) AS preferred_order_hours,
    (SELECT min(order_date) FROM customer_orders) AS first_order_at,
    (SELECT max(order_date) FROM customer_orders) AS last_order_at,
    (SELECT CASE WHEN latest.order_date IS NULL THEN NULL
                 ELSE greatest(0, floor(extract(epoch FROM now() - latest.order_date)::numeric / 86400))::int END
       FROM (SELECT max(order_date) AS order_date FROM customer_orders) latest
    ) AS days_since_last_order
  FROM customers c
  WHERE c.id = $1`;

/**
 * The one query behind both GET /customers/{id}/analytics and GET /analytics/customers/{id}: each
 * route shapes the same row into its own response.
 */
@Injectable()
export class CustomerAnalyticsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Undefined when there is no such customer. */
  async forCustomer(customerId: number): Promise<CustomerAnalyticsRow | undefined> {
    const [row] = await this.dataSource.query<CustomerAnalyticsRow[]>(CUSTOMER_ANALYTICS_SQL, [customerId, FAVORITES_LIMIT]);
    return row;
  }
}
