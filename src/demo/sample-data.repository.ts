import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { OrderStatus } from '../domain/order-status.js';
import type { SampleDataCounts } from './dto/sample-data.dto.js';
import { SAMPLE_EMAIL_DOMAIN, SAMPLE_RESTAURANT_SUFFIX } from './sample-markers.js';

/** The sample restaurants and customers, recognised by their markers. */
export interface SampleParties {
  restaurantIds: number[];
  customerIds: number[];
}

/** An order that joins a sample row with a row that is not sample data. */
export interface MixedOrder {
  order_id: number;
  customer_id: number;
  customer_email: string;
  customer_is_sample: boolean;
  restaurant_id: number;
  restaurant_name: string;
  restaurant_is_sample: boolean;
}

export interface RemovedSampleData {
  menuItems: { id: number; restaurant_id: number }[];
  restaurantIds: number[];
  customerIds: number[];
}

/** The ids of the sample restaurants; `parameter` is bound to SAMPLE_RESTAURANT_SUFFIX. */
const sampleRestaurantsSql = (parameter: string) =>
  `SELECT id FROM restaurants WHERE right(name, ${SAMPLE_RESTAURANT_SUFFIX.length}) = ${parameter}`;
/** The ids of the sample customers; `parameter` is bound to SAMPLE_EMAIL_DOMAIN. */
const sampleCustomersSql = (parameter: string) =>
  `SELECT id FROM customers WHERE right(lower(email), ${SAMPLE_EMAIL_DOMAIN.length}) = ${parameter}`;

/**
 * All SQL of the demo area. Sample rows are created through the domain services; the only
 * direct writes here are the back-dating of a sample order and the removal of the sample data.
 */
@Injectable()
export class SampleDataRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The sample rows that exist now, counted in one statement. */
  async counts(): Promise<SampleDataCounts> {
    const [row] = await this.dataSource.query<SampleDataCounts[]>(
      `WITH sample_restaurants AS (${sampleRestaurantsSql('$1')}),
            sample_customers AS (${sampleCustomersSql('$2')}),
            sample_orders AS (
              SELECT id, order_status FROM orders
               WHERE restaurant_id IN (SELECT id FROM sample_restaurants)
                 AND customer_id IN (SELECT id FROM sample_customers))
       SELECT (SELECT count(*)::int FROM sample_restaurants) AS restaurants,
              (SELECT count(*)::int FROM menu_items WHERE restaurant_id IN (SELECT id FROM sample_restaurants)) AS menu_items,
              (SELECT count(*)::int FROM sample_customers) AS customers,
              (SELECT coalesce(json_object_agg(order_status, n), '{}'::json)
                 FROM (SELECT order_status, count(*)::int AS n FROM sample_orders GROUP BY order_status) AS by_status
              ) AS orders_by_status,
              (SELECT count(*)::int FROM reviews WHERE order_id IN (SELECT id FROM sample_orders)) AS reviews`,
      [SAMPLE_RESTAURANT_SUFFIX, SAMPLE_EMAIL_DOMAIN],
    );
    return row;
  }

  /**
   * Moves a just-placed sample order back in time (the API always dates an order "now"). Only an
   * order still placed and undelivered is touched, so no delivery_time can end up before order_date.
   */
  async backDateOrder(orderId: number, orderDate: Date): Promise<boolean> {
    const [, affected] = await this.dataSource.query<[unknown, number]>(
      `UPDATE orders SET order_date = $2
        WHERE id = $1 AND order_status = '${OrderStatus.Placed}' AND delivery_time IS NULL`,
      [orderId, orderDate],
    );
    return affected === 1;
  }

  /**
   * Dates the status history of the sample orders to match their back-dated order and delivery
   * times: the steps are spread evenly from order_date to delivery_time (or, for an order not
   * delivered, to 45 minutes later, never past now), in the order they happened.
   * Returns the ids of the orders whose history was dated. Inside the caller's transaction.
   */
  async dateSampleHistory(manager: EntityManager): Promise<number[]> {
    const [rows]: [{ order_id: number }[], number] = await manager.query(
      `WITH sample_orders AS (
              SELECT id, order_date, delivery_time FROM orders
               WHERE restaurant_id IN (${sampleRestaurantsSql('$1')})
                 AND customer_id IN (${sampleCustomersSql('$2')})),
            steps AS (
              SELECT c.id, c.order_id,
                     row_number() OVER (PARTITION BY c.order_id ORDER BY c.id) - 1 AS step,
                     count(*) OVER (PARTITION BY c.order_id) - 1 AS last_step
                FROM order_status_changes c
               WHERE c.order_id IN (SELECT id FROM sample_orders))
       UPDATE order_status_changes c
          SET changed_at = o.order_date
                + (coalesce(o.delivery_time, least(now(), o.order_date + interval '45 minutes')) - o.order_date)
                * (CASE WHEN s.last_step = 0 THEN 0 ELSE s.step::float8 / s.last_step END)
         FROM steps s JOIN sample_orders o ON o.id = s.order_id
        WHERE c.id = s.id
       RETURNING c.order_id`,
      [SAMPLE_RESTAURANT_SUFFIX, SAMPLE_EMAIL_DOMAIN],
    );
    return [...new Set(rows.map((row) => row.order_id))];
  }

  async findSampleParties(manager: EntityManager): Promise<SampleParties> {
    const restaurants: { id: number }[] = await manager.query(`${sampleRestaurantsSql('$1')} ORDER BY id`, [SAMPLE_RESTAURANT_SUFFIX]);
    const customers: { id: number }[] = await manager.query(`${sampleCustomersSql('$1')} ORDER BY id`, [SAMPLE_EMAIL_DOMAIN]);
    return { restaurantIds: restaurants.map((row) => row.id), customerIds: customers.map((row) => row.id) };
  }

  /** The first `limit` orders (by id) that mix sample and other data, and how many there are in all. */
  async findMixedOrders(parties: SampleParties, limit: number, manager: EntityManager): Promise<{ total: number; orders: MixedOrder[] }> {
    const rows: (MixedOrder & { total: number })[] = await manager.query(
      `SELECT o.id AS order_id,
              o.customer_id, c.email AS customer_email, o.customer_id = ANY($1::int[]) AS customer_is_sample,
              o.restaurant_id, r.name AS restaurant_name, o.restaurant_id = ANY($2::int[]) AS restaurant_is_sample,
              count(*) OVER ()::int AS total
         FROM orders o
         JOIN customers c ON c.id = o.customer_id
         JOIN restaurants r ON r.id = o.restaurant_id
        WHERE (o.customer_id = ANY($1::int[])) <> (o.restaurant_id = ANY($2::int[]))
        ORDER BY o.id
        LIMIT $3`,
      [parties.customerIds, parties.restaurantIds, limit],
    );
    return { total: rows[0]?.total ?? 0, orders: rows.map(({ total: _total, ...order }) => order) };
  }

  /**
   * Deletes the sample data inside the caller's transaction: the reviews and orders (their lines
   * cascade) of sample customers at sample restaurants, then the menu items, restaurants and
   * customers. Any other row still referring to them makes the database refuse (RESTRICT).
   */
  async deleteSampleData(parties: SampleParties, manager: EntityManager): Promise<RemovedSampleData> {
    const { restaurantIds, customerIds } = parties;
    const ofSampleParties = [customerIds, restaurantIds];
    await manager.query(`DELETE FROM reviews WHERE customer_id = ANY($1::int[]) AND restaurant_id = ANY($2::int[])`, ofSampleParties);
    await manager.query(`DELETE FROM orders WHERE customer_id = ANY($1::int[]) AND restaurant_id = ANY($2::int[])`, ofSampleParties);
    const [menuItems]: [{ id: number; restaurant_id: number }[]] = await manager.query(
      `DELETE FROM menu_items WHERE restaurant_id = ANY($1::int[]) RETURNING id, restaurant_id`,
      [restaurantIds],
    );
    const [restaurants]: [{ id: number }[]] = await manager.query(`DELETE FROM restaurants WHERE id = ANY($1::int[]) RETURNING id`, [
      restaurantIds,
    ]);
    const [customers]: [{ id: number }[]] = await manager.query(`DELETE FROM customers WHERE id = ANY($1::int[]) RETURNING id`, [
      customerIds,
    ]);
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
    return {
      menuItems: menuItems.sort(byId),
      restaurantIds: restaurants.sort(byId).map((row) => row.id),
      customerIds: customers.sort(byId).map((row) => row.id),
    };
  }
}
