import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CustomerAnalyticsRow } from './dto/customer-analytics.dto.js';

export const FAVORITES_LIMIT = 3;

/*
 * One statement, so every figure comes from the same snapshot (total_orders always equals the sum
 * of orders_by_status). Money is summed and averaged as exact numerics, rounded to cents, and only
 * then turned into a double. Cuisine ties compare in the "C" collation so the order is the same
 * on every server, whatever its default collation.
 */
const CUSTOMER_ANALYTICS_SQL = `
  WITH customer_orders AS MATERIALIZED (
    SELECT o.order_status, o.total_amount, o.restaurant_id
    FROM orders o
    WHERE o.customer_id = $1
  )
  SELECT
    (SELECT count(*)::int FROM customer_orders) AS total_orders,
    (SELECT coalesce(json_object_agg(by_status.order_status, by_status.order_count), '{}'::json)
       FROM (SELECT order_status, count(*)::int AS order_count FROM customer_orders GROUP BY order_status) by_status
    ) AS orders_by_status,
    (SELECT coalesce(round(sum(total_amount), 2), 0)::float8 FROM customer_orders WHERE order_status = 'delivered'
    ) AS total_spent,
    (SELECT coalesce(round(avg(total_amount), 2), 0)::float8 FROM customer_orders WHERE order_status = 'delivered'
    ) AS average_order_value,
    (SELECT coalesce(json_agg(favorite ORDER BY favorite.order_count DESC, favorite.restaurant_id), '[]'::json)
       FROM (SELECT r.id AS restaurant_id, r.name, count(*)::int AS order_count
               FROM customer_orders co JOIN restaurants r ON r.id = co.restaurant_id
              GROUP BY r.id, r.name
              ORDER BY order_count DESC, r.id
              LIMIT $2) favorite
    ) AS favorite_restaurants,
    (SELECT coalesce(json_agg(favorite ORDER BY favorite.order_count DESC, favorite.cuisine_type COLLATE "C"), '[]'::json)
       FROM (SELECT r.cuisine_type, count(*)::int AS order_count
               FROM customer_orders co JOIN restaurants r ON r.id = co.restaurant_id
              GROUP BY r.cuisine_type
              ORDER BY order_count DESC, r.cuisine_type COLLATE "C"
              LIMIT $2) favorite
    ) AS favorite_cuisines
  FROM customers c
  WHERE c.id = $1`;

/** The aggregate queries behind GET /customers/{id}/analytics, computed entirely in SQL. */
@Injectable()
export class CustomerAnalyticsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Undefined when there is no such customer. */
  async forCustomer(customerId: number): Promise<CustomerAnalyticsRow | undefined> {
    const [row] = await this.dataSource.query<CustomerAnalyticsRow[]>(CUSTOMER_ANALYTICS_SQL, [customerId, FAVORITES_LIMIT]);
    return row;
  }
}
