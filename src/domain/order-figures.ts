import { OrderStatus } from './order-status.js';

/*
 * The money figures of a set of orders, as SQL aggregates over rows of the orders table under
 * `alias`: the one definition behind a restaurant's analytics, the restaurant performance report
 * and a customer's analytics. Revenue is recognised when an order is delivered (the period reports
 * select the delivered orders of their window first, by delivery_time); both stay exact numeric
 * (the caller casts at the end) and are NULL over a set without a delivered order.
 */
const delivered = (alias: string) => `FILTER (WHERE ${alias}.order_status = '${OrderStatus.Delivered}')`;

/** The sum of the delivered orders' totals. */
export const deliveredRevenueSql = (alias: string) => `sum(${alias}.total_amount) ${delivered(alias)}`;

/** The mean total of the delivered orders, rounded to 2 decimals. */
export const averageOrderValueSql = (alias: string) => `round(avg(${alias}.total_amount) ${delivered(alias)}, 2)`;
