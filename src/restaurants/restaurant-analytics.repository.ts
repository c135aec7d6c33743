import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { averageOrderValueSql, deliveredRevenueSql } from '../domain/order-figures.js';
import { OrderStatus } from '../domain/order-status.js';

export interface RestaurantAnalyticsRow {
  restaurant_name: string;
  total_orders: number;
  /** Only the statuses that have orders. */
  order_counts: Partial<Record<OrderStatus, number>>;
  total_revenue: number;
  average_order_value: number;
  total_reviews: number;
  average_rating: number;
  popular_items: { menu_item_id: number; name: string; quantity: number; revenue: number }[];
}

export interface CuisineRow {
  cuisine_type: string;
  restaurant_count: number;
  average_rating: number;
  total_orders: number;
}

export interface PriceRangesRow {
  total_items: number;
  under_10: number;
  from_10_to_20: number;
  from_20_to_30: number;
  over_30: number;
  min_price: number | null;
  max_price: number | null;
  average_price: number | null;
}

export const POPULAR_ITEMS_LIMIT = 5;

/*
 * Everything is aggregated in SQL; each report is one statement, so it reads one consistent snapshot.
 * Money is summed as exact numeric and converted to float8 only at the end.
 */
const RESTAURANT_ANALYTICS_SQL = `
  WITH restaurant_orders AS (
    SELECT id, order_status, total_amount FROM orders WHERE restaurant_id = $1
  ),
  order_totals AS (
    SELECT
      count(*)::int AS total_orders,
      coalesce(${deliveredRevenueSql('restaurant_orders')}, 0)::float8 AS total_revenue,
      coalesce(${averageOrderValueSql('restaurant_orders')}, 0)::float8 AS average_order_value
    FROM restaurant_orders
  ),
  status_counts AS (
    SELECT coalesce(json_object_agg(order_status, order_count), '{}'::json) AS order_counts
    FROM (SELECT order_status, count(*)::int AS order_count FROM restaurant_orders GROUP BY order_status) counts
  ),
  review_totals AS (
    SELECT count(*)::int AS total_reviews, coalesce(round(avg(rating), 2), 0)::float8 AS average_rating
    FROM reviews WHERE restaurant_id = $1
  ),
  popular AS (
    SELECT coalesce(
      json_agg(
        json_build_object('menu_item_id', menu_item_id, 'name', name, 'quantity', quantity, 'revenue', revenue)
        ORDER BY quantity DESC, menu_item_id
      ),
      '[]'::json
    ) AS popular_items
    FROM (
      SELECT order_item.menu_item_id, menu_item.name, sum(order_item.quantity)::int AS quantity,
             sum(order_item.quantity * order_item.item_price)::float8 AS revenue
      FROM restaurant_orders
      JOIN order_items order_item ON order_item.order_id = restaurant_orders.id
      JOIN menu_items menu_item ON menu_item.id = order_item.menu_item_id
      WHERE restaurant_orders.order_status <> '${OrderStatus.Cancelled}'
      GROUP BY order_item.menu_item_id, menu_item.name
      ORDER BY quantity DESC, order_item.menu_item_id
      LIMIT ${POPULAR_ITEMS_LIMIT}
    ) top_items
  )
  SELECT restaurant.name AS restaurant_name, order_totals.*, status_counts.*, review_totals.*, popular.*
  FROM restaurants restaurant, order_totals, status_counts, review_totals, popular
  WHERE restaurant.id = $1`;

const POPULAR_CUISINES_SQL = `
  SELECT
    restaurant.cuisine_type,
    count(*)::int AS restaurant_count,
    round(avg(restaurant.rating), 2)::float8 AS average_rating,
    coalesce(sum(restaurant_orders.order_count), 0)::int AS total_orders
  FROM restaurants restaurant
  LEFT JOIN (SELECT restaurant_id, count(*) AS order_count FROM orders GROUP BY restaurant_id) restaurant_orders
    ON restaurant_orders.restaurant_id = restaurant.id
  GROUP BY restaurant.cuisine_type
  ORDER BY total_orders DESC, restaurant.cuisine_type`;

const PRICE_RANGES_SQL = `
  SELECT
    count(*)::int AS total_items,
    count(*) FILTER (WHERE price < 10)::int AS under_10,
    count(*) FILTER (WHERE price >= 10 AND price < 20)::int AS from_10_to_20,
    count(*) FILTER (WHERE price >= 20 AND price < 30)::int AS from_20_to_30,
    count(*) FILTER (WHERE price >= 30)::int AS over_30,
    min(price)::float8 AS min_price,
    max(price)::float8 AS max_price,
    round(avg(price), 2)::float8 AS average_price
  FROM menu_items`;

/** The SQL of the restaurant analytics reports. */
@Injectable()
export class RestaurantAnalyticsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The restaurant's figures, or undefined when no restaurant has this id. */
  async restaurantAnalytics(restaurantId: number): Promise<RestaurantAnalyticsRow | undefined> {
    const rows: RestaurantAnalyticsRow[] = await this.dataSource.query(RESTAURANT_ANALYTICS_SQL, [restaurantId]);
    return rows[0];
  }

  /** One row per cuisine type, most ordered first. */
  popularCuisines(): Promise<CuisineRow[]> {
    return this.dataSource.query(POPULAR_CUISINES_SQL);
  }

  async priceRanges(): Promise<PriceRangesRow> {
    const rows: PriceRangesRow[] = await this.dataSource.query(PRICE_RANGES_SQL);
    return rows[0];
  }
}
