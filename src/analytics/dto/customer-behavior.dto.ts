import { ApiProperty } from '@nestjs/swagger';
import { ANALYTICS_PERIODS, type AnalyticsPeriod, type PeriodWindow } from '../analytics-period.js';
import type { CustomerBehaviorRow } from '../analytics.repository.js';

export class CuisineDemand {
  @ApiProperty({ example: 'Italian' })
  cuisine_type: string;

  @ApiProperty({ type: 'integer', example: 42, description: 'Orders placed in the period at restaurants of this cuisine' })
  orders: number;

  @ApiProperty({ type: 'integer', example: 17, description: 'Distinct customers behind those orders' })
  customers: number;
}

export class HourlyOrders {
  @ApiProperty({ type: 'integer', example: 19, minimum: 0, maximum: 23, description: 'Hour of order_date, UTC' })
  hour: number;

  @ApiProperty({ type: 'integer', example: 12 })
  orders: number;
}

export class CustomerBehaviorResponse {
  @ApiProperty({ enum: ANALYTICS_PERIODS, example: '30d' })
  period: AnalyticsPeriod;

  @ApiProperty({ example: '2023-12-17', format: 'date', description: 'First day of the period (UTC)' })
  from: string;

  @ApiProperty({ example: '2024-01-15', format: 'date', description: 'Last day of the period: today (UTC), inclusive' })
  to: string;

  @ApiProperty({ type: 'integer', example: 58, description: 'Customers who placed an order in the period (any status)' })
  active_customers: number;

  @ApiProperty({ type: 'integer', example: 11, description: 'Active customers whose first order ever is in the period' })
  new_customers: number;

  @ApiProperty({
    type: 'integer',
    example: 47,
    description: 'Active customers who had also ordered before the period; new + returning = active',
  })
  returning_customers: number;

  @ApiProperty({ type: 'integer', example: 131, description: 'Orders placed in the period, any status' })
  total_orders: number;

  @ApiProperty({
    example: 2.26,
    nullable: true,
    type: Number,
    description: 'total_orders / active_customers, 2 decimals; null when nobody ordered',
  })
  orders_per_customer: number | null;

  @ApiProperty({
    example: 31.7,
    nullable: true,
    type: Number,
    description: 'Mean total_amount of the orders placed in the period that were not cancelled, 2 decimals; null when none',
  })
  average_basket: number | null;

  @ApiProperty({
    type: [CuisineDemand],
    description: 'Top 5 cuisines by orders placed in the period (any status); ties by cuisine_type (byte order)',
  })
  top_cuisines: CuisineDemand[];

  @ApiProperty({
    type: [HourlyOrders],
    description: 'The 3 UTC hours with the most orders placed (hours without orders left out); ties by hour',
  })
  peak_hours: HourlyOrders[];

  @ApiProperty({ type: [HourlyOrders], description: 'Orders placed per UTC hour, all 24 hours in order, zeros included' })
  orders_by_hour: HourlyOrders[];
}

const toHourlyOrders = (hour: { hour: number; orders: number }) => ({ hour: hour.hour, orders: hour.orders });

export function toCustomerBehaviorResponse(window: PeriodWindow, row: CustomerBehaviorRow): CustomerBehaviorResponse {
  return {
    period: window.period,
    from: window.from,
    to: window.to,
    active_customers: row.active_customers,
    new_customers: row.new_customers,
    returning_customers: row.returning_customers,
    total_orders: row.total_orders,
    orders_per_customer: row.orders_per_customer,
    average_basket: row.average_basket,
    top_cuisines: row.top_cuisines.map((cuisine) => ({
      cuisine_type: cuisine.cuisine_type,
      orders: cuisine.orders,
      customers: cuisine.customers,
    })),
    peak_hours: row.peak_hours.map(toHourlyOrders),
    orders_by_hour: row.orders_by_hour.map(toHourlyOrders),
  };
}
