import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OrderStatus } from '../domain/order-status.js';
import type { PeriodWindow } from './analytics-period.js';
import { averageOrderValueSql, deliveredRevenueSql } from '../domain/order-figures.js';

/*
 * Every analytics figure is computed here, in SQL: each report is one statement, so all its
 * figures come from one snapshot. Days and hours are UTC whatever the server's TimeZone: a day
 * `d` is [d 00:00Z, d+1 00:00Z), and hours are taken from the time `AT TIME ZONE 'UTC'`. Money
 * is summed and averaged as exact numeric and turned into float8 only at the end; averages are
 * rounded to 2 decimals and are NULL over an empty set. Ties are broken by id (or by name in the
 * "C" collation), so the order is the same on every server.
 */

const DELIVERED = `'${OrderStatus.Delivered}'`;
const CANCELLED = `'${OrderStatus.Cancelled}'`;

/** The instant a UTC calendar day (a `YYYY-MM-DD` parameter) begins. */
const dayStart = (parameter: string) => `((${parameter})::date::timestamp AT TIME ZONE 'UTC')`;
const utcHour = (column: string) => `extract(hour FROM ${column} AT TIME ZONE 'UTC')::int`;

/** $1 = the day. Revenue is recognised when an order is delivered: delivered orders by delivery_time. */
const DAILY_REVENUE_SQL = `
  WITH delivered AS MATERIALIZED (
    SELECT o.restaurant_id, o.total_amount, ${utcHour('o.delivery_time')} AS hour
    FROM orders o
    WHERE o.order_status = ${DELIVERED}
      AND o.delivery_time >= ${dayStart('$1')} AND o.delivery_time < ${dayStart('$1::date + 1')}
  )
  SELECT
    (SELECT count(*)::int FROM delivered) AS total_orders,
    (SELECT coalesce(sum(total_amount), 0)::float8 FROM delivered) AS total_revenue,
    (SELECT round(avg(total_amount), 2)::float8 FROM delivered) AS average_order_value,
    (SELECT coalesce(json_agg(per_restaurant ORDER BY per_restaurant.revenue DESC, per_restaurant.restaurant_id), '[]'::json)
       FROM (SELECT d.restaurant_id, r.name AS restaurant_name, sum(d.total_amount)::float8 AS revenue, count(*)::int AS orders
               FROM delivered d JOIN restaurants r ON r.id = d.restaurant_id
              GROUP BY d.restaurant_id, r.name) per_restaurant
    ) AS by_restaurant,
    (SELECT json_agg(per_hour ORDER BY per_hour.hour)
       FROM (SELECT hours.hour, coalesce(sum(d.total_amount), 0)::float8 AS revenue, count(d.hour)::int AS orders
               FROM generate_series(0, 23) AS hours(hour) LEFT JOIN delivered d ON d.hour = hours.hour
              GROUP BY hours.hour) per_hour
    ) AS by_hour`;

/** $1 = first day, $2 = number of days, $3 = first day of the previous period (which ends at $1). */
const REVENUE_ANALYTICS_SQL = `
  WITH delivered AS MATERIALIZED (
    SELECT (o.delivery_time AT TIME ZONE 'UTC')::date AS day, o.total_amount
    FROM orders o
    WHERE o.order_status = ${DELIVERED}
      AND o.delivery_time >= ${dayStart('$3')} AND o.delivery_time < ${dayStart('$1::date + $2::int')}
  ),
  current_period AS (SELECT day, total_amount FROM delivered WHERE day >= $1::date),
  previous_period AS (SELECT day, total_amount FROM delivered WHERE day < $1::date),
  totals AS (
    SELECT
      (SELECT coalesce(sum(total_amount), 0) FROM current_period) AS revenue,
      (SELECT coalesce(sum(total_amount), 0) FROM previous_period) AS previous_revenue
  )
  SELECT
    (SELECT json_agg(per_day ORDER BY per_day.date)
       FROM (SELECT to_char(days.day, 'YYYY-MM-DD') AS date, coalesce(sum(c.total_amount), 0)::float8 AS revenue,
                    count(c.day)::int AS orders
               FROM (SELECT $1::date + offsets.n AS day FROM generate_series(0, $2::int - 1) AS offsets(n)) days
               LEFT JOIN current_period c ON c.day = days.day
              GROUP BY days.day) per_day
    ) AS by_day,
    totals.revenue::float8 AS total_revenue,
    (SELECT count(*)::int FROM current_period) AS total_orders,
    (SELECT round(avg(total_amount), 2)::float8 FROM current_period) AS average_order_value,
    round(totals.revenue / $2::int, 2)::float8 AS average_daily_revenue,
    totals.previous_revenue::float8 AS previous_period_revenue,
    (SELECT count(*)::int FROM previous_period) AS previous_period_orders,
    CASE WHEN totals.previous_revenue = 0 THEN NULL
         ELSE round((totals.revenue - totals.previous_revenue) * 100 / totals.previous_revenue, 2)::float8
    END AS growth_percentage
  FROM totals`;

/**
 * $1 = first day, $2 = the day after the last. Behaviour counts every order placed in the period
 * (order_date), cancelled ones included: placing it is the behaviour; the basket leaves them out.
 */
const CUSTOMER_BEHAVIOR_SQL = `
  WITH period_orders AS MATERIALIZED (
    SELECT o.customer_id, o.restaurant_id, o.order_status, o.total_amount, ${utcHour('o.order_date')} AS hour
    FROM orders o
    WHERE o.order_date >= ${dayStart('$1')} AND o.order_date < ${dayStart('$2')}
  ),
  active AS MATERIALIZED (
    SELECT active_customer.customer_id,
           EXISTS (SELECT 1 FROM orders earlier
                    WHERE earlier.customer_id = active_customer.customer_id AND earlier.order_date < ${dayStart('$1')}
           ) AS is_returning
    FROM (SELECT DISTINCT customer_id FROM period_orders) active_customer
  ),
  per_hour AS (
    SELECT hours.hour, count(p.hour)::int AS orders
    FROM generate_series(0, 23) AS hours(hour) LEFT JOIN period_orders p ON p.hour = hours.hour
    GROUP BY hours.hour
  )
  SELECT
    (SELECT count(*)::int FROM active) AS active_customers,
    (SELECT count(*) FILTER (WHERE NOT is_returning)::int FROM active) AS new_customers,
    (SELECT count(*) FILTER (WHERE is_returning)::int FROM active) AS returning_customers,
    (SELECT count(*)::int FROM period_orders) AS total_orders,
    (SELECT round(count(*)::numeric / nullif(count(DISTINCT customer_id), 0), 2)::float8 FROM period_orders)
      AS orders_per_customer,
    (SELECT round(avg(total_amount), 2)::float8 FROM period_orders WHERE order_status <> ${CANCELLED}) AS average_basket,
    (SELECT coalesce(json_agg(cuisine ORDER BY cuisine.orders DESC, cuisine.cuisine_type COLLATE "C"), '[]'::json)
       FROM (SELECT r.cuisine_type, count(*)::int AS orders, count(DISTINCT p.customer_id)::int AS customers
               FROM period_orders p JOIN restaurants r ON r.id = p.restaurant_id
              GROUP BY r.cuisine_type
              ORDER BY orders DESC, r.cuisine_type COLLATE "C"
              LIMIT $3) cuisine
    ) AS top_cuisines,
    (SELECT coalesce(json_agg(peak ORDER BY peak.orders DESC, peak.hour), '[]'::json)
       FROM (SELECT hour, orders FROM per_hour WHERE orders > 0 ORDER BY orders DESC, hour LIMIT $4) peak
    ) AS peak_hours,
    (SELECT json_agg(per_hour ORDER BY per_hour.hour) FROM per_hour) AS orders_by_hour`;

/**
 * $1 = one restaurant or NULL for all, $2 = skip, $3 = limit. Stage times come from
 * order_status_changes: the time of reaching each status, per order; a stage's average is over
 * the orders that reached both of its ends, whatever their status now.
 */
const RESTAURANT_PERFORMANCE_SQL = `
  WITH chosen AS (
    SELECT r.id, r.name, r.cuisine_type FROM restaurants r
    WHERE $1::int IS NULL OR r.id = $1::int
  ),
  page AS (SELECT * FROM chosen ORDER BY id OFFSET $2 LIMIT $3),
  order_figures AS (
    SELECT o.restaurant_id,
           count(*)::int AS total_orders,
           count(*) FILTER (WHERE o.order_status = ${DELIVERED})::int AS delivered_orders,
           count(*) FILTER (WHERE o.order_status = ${CANCELLED})::int AS cancelled_orders,
           coalesce(${deliveredRevenueSql('o')}, 0)::float8 AS revenue,
           ${averageOrderValueSql('o')}::float8 AS average_order_value,
           round(count(*) FILTER (WHERE o.order_status = ${CANCELLED})::numeric / count(*), 4)::float8 AS cancellation_rate
    FROM orders o JOIN page ON page.id = o.restaurant_id
    GROUP BY o.restaurant_id
  ),
  review_figures AS (
    SELECT v.restaurant_id, count(*)::int AS review_count, round(avg(v.rating), 2)::float8 AS average_rating
    FROM reviews v JOIN page ON page.id = v.restaurant_id
    GROUP BY v.restaurant_id
  ),
  reached AS (
    SELECT o.restaurant_id,
           min(c.changed_at) FILTER (WHERE c.to_status = '${OrderStatus.Placed}') AS placed_at,
           min(c.changed_at) FILTER (WHERE c.to_status = '${OrderStatus.Confirmed}') AS confirmed_at,
           min(c.changed_at) FILTER (WHERE c.to_status = '${OrderStatus.Preparing}') AS preparing_at,
           min(c.changed_at) FILTER (WHERE c.to_status = '${OrderStatus.OutForDelivery}') AS out_for_delivery_at,
           min(c.changed_at) FILTER (WHERE c.to_status = ${DELIVERED}) AS delivered_at
    FROM orders o JOIN page ON page.id = o.restaurant_id JOIN order_status_changes c ON c.order_id = o.id
    GROUP BY o.restaurant_id, o.id
  ),
  stage_figures AS (
    SELECT restaurant_id,
           round(avg(extract(epoch FROM delivered_at - placed_at)::numeric) / 60, 2)::float8 AS placed_to_delivered,
           round(avg(extract(epoch FROM confirmed_at - placed_at)::numeric) / 60, 2)::float8 AS placed_to_confirmed,
           round(avg(extract(epoch FROM preparing_at - confirmed_at)::numeric) / 60, 2)::float8 AS confirmed_to_preparing,
           round(avg(extract(epoch FROM out_for_delivery_at - preparing_at)::numeric) / 60, 2)::float8
             AS preparing_to_out_for_delivery,
           round(avg(extract(epoch FROM delivered_at - out_for_delivery_at)::numeric) / 60, 2)::float8
             AS out_for_delivery_to_delivered
    FROM reached
    GROUP BY restaurant_id
  )
  SELECT
    (SELECT count(*)::int FROM chosen) AS total,
    (SELECT coalesce(json_agg(row_figures ORDER BY row_figures.restaurant_id), '[]'::json)
       FROM (SELECT page.id AS restaurant_id, page.name AS restaurant_name, page.cuisine_type,
                    coalesce(o.total_orders, 0) AS total_orders, coalesce(o.delivered_orders, 0) AS delivered_orders,
                    coalesce(o.cancelled_orders, 0) AS cancelled_orders, coalesce(o.revenue, 0) AS revenue,
                    o.average_order_value, o.cancellation_rate,
                    coalesce(v.review_count, 0) AS review_count, v.average_rating,
                    s.placed_to_delivered, s.placed_to_confirmed, s.confirmed_to_preparing,
                    s.preparing_to_out_for_delivery, s.out_for_delivery_to_delivered
               FROM page
               LEFT JOIN order_figures o ON o.restaurant_id = page.id
               LEFT JOIN review_figures v ON v.restaurant_id = page.id
               LEFT JOIN stage_figures s ON s.restaurant_id = page.id) row_figures
    ) AS items`;

/** $1 = first day, $2 = the day after the last, $3 = limit. Units over orders that were not cancelled. */
const POPULAR_ITEMS_SQL = `
  SELECT oi.menu_item_id, mi.name, mi.category, mi.restaurant_id, r.name AS restaurant_name,
         sum(oi.quantity)::int AS quantity,
         sum(oi.quantity * oi.item_price)::float8 AS revenue,
         count(DISTINCT oi.order_id)::int AS orders
  FROM orders o
  JOIN order_items oi ON oi.order_id = o.id
  JOIN menu_items mi ON mi.id = oi.menu_item_id
  JOIN restaurants r ON r.id = mi.restaurant_id
  WHERE o.order_status <> ${CANCELLED}
    AND o.order_date >= ${dayStart('$1')} AND o.order_date < ${dayStart('$2')}
  GROUP BY oi.menu_item_id, mi.name, mi.category, mi.restaurant_id, r.name
  ORDER BY quantity DESC, oi.menu_item_id
  LIMIT $3`;

export interface HourFigures {
  hour: number;
  revenue: number;
  orders: number;
}

export interface DailyRevenueRow {
  total_orders: number;
  total_revenue: number;
  average_order_value: number | null;
  by_restaurant: { restaurant_id: number; restaurant_name: string; revenue: number; orders: number }[];
  by_hour: HourFigures[];
}

export interface RevenueAnalyticsRow {
  by_day: { date: string; revenue: number; orders: number }[];
  total_revenue: number;
  total_orders: number;
  average_order_value: number | null;
  average_daily_revenue: number;
  previous_period_revenue: number;
  previous_period_orders: number;
  growth_percentage: number | null;
}

export interface CustomerBehaviorRow {
  active_customers: number;
  new_customers: number;
  returning_customers: number;
  total_orders: number;
  orders_per_customer: number | null;
  average_basket: number | null;
  top_cuisines: { cuisine_type: string; orders: number; customers: number }[];
  peak_hours: { hour: number; orders: number }[];
  orders_by_hour: { hour: number; orders: number }[];
}

export interface RestaurantPerformanceRow {
  restaurant_id: number;
  restaurant_name: string;
  cuisine_type: string;
  total_orders: number;
  delivered_orders: number;
  cancelled_orders: number;
  revenue: number;
  average_order_value: number | null;
  cancellation_rate: number | null;
  review_count: number;
  average_rating: number | null;
  placed_to_delivered: number | null;
  placed_to_confirmed: number | null;
  confirmed_to_preparing: number | null;
  preparing_to_out_for_delivery: number | null;
  out_for_delivery_to_delivered: number | null;
}

export interface PopularItemRow {
  menu_item_id: number;
  name: string;
  category: string;
  restaurant_id: number;
  restaurant_name: string;
  quantity: number;
  revenue: number;
  orders: number;
}

export const TOP_CUISINES_LIMIT = 5;
export const PEAK_HOURS_LIMIT = 3;

/** The SQL of the /analytics reports. */
@Injectable()
export class AnalyticsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async dailyRevenue(day: string): Promise<DailyRevenueRow> {
    const [row] = await this.dataSource.query<DailyRevenueRow[]>(DAILY_REVENUE_SQL, [day]);
    return row;
  }

  async revenueAnalytics(window: PeriodWindow): Promise<RevenueAnalyticsRow> {
    const parameters = [window.from, window.days, window.previous_from];
    const [row] = await this.dataSource.query<RevenueAnalyticsRow[]>(REVENUE_ANALYTICS_SQL, parameters);
    return row;
  }

  async customerBehavior(window: PeriodWindow): Promise<CustomerBehaviorRow> {
    const parameters = [window.from, window.until, TOP_CUISINES_LIMIT, PEAK_HOURS_LIMIT];
    const [row] = await this.dataSource.query<CustomerBehaviorRow[]>(CUSTOMER_BEHAVIOR_SQL, parameters);
    return row;
  }

  /** A page of restaurants by id (or only `restaurantId`), with how many restaurants there are in all. */
  async restaurantPerformance(
    restaurantId: number | undefined,
    skip: number,
    limit: number,
  ): Promise<{ total: number; items: RestaurantPerformanceRow[] }> {
    const [row] = await this.dataSource.query<{ total: number; items: RestaurantPerformanceRow[] }[]>(RESTAURANT_PERFORMANCE_SQL, [
      restaurantId ?? null,
      skip,
      limit,
    ]);
    return row;
  }

  popularItems(window: PeriodWindow, limit: number): Promise<PopularItemRow[]> {
    return this.dataSource.query(POPULAR_ITEMS_SQL, [window.from, window.until, limit]);
  }
}
