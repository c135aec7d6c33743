import { ApiProperty } from '@nestjs/swagger';
import type { AnalyticsPeriod, PeriodWindow } from '../analytics-period.js';
import { ANALYTICS_PERIODS } from '../analytics-period.js';
import type { DailyRevenueRow, RevenueAnalyticsRow } from '../analytics.repository.js';

export class RestaurantRevenue {
  @ApiProperty({ type: 'integer', example: 3 })
  restaurant_id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  restaurant_name: string;

  @ApiProperty({ example: 182.4, description: 'Sum of total_amount of its orders delivered that day' })
  revenue: number;

  @ApiProperty({ type: 'integer', example: 6, description: 'Its orders delivered that day' })
  orders: number;
}

export class HourlyRevenue {
  @ApiProperty({ type: 'integer', example: 19, minimum: 0, maximum: 23, description: 'Hour of delivery, UTC' })
  hour: number;

  @ApiProperty({ example: 64.5 })
  revenue: number;

  @ApiProperty({ type: 'integer', example: 2 })
  orders: number;
}

export class DailyRevenueResponse {
  @ApiProperty({ example: '2024-01-15', format: 'date', description: 'The UTC day: [date 00:00Z, next day 00:00Z)' })
  date: string;

  @ApiProperty({
    example: 412.9,
    description: 'Sum of total_amount of the orders delivered that day (status delivered, delivery_time in the day)',
  })
  total_revenue: number;

  @ApiProperty({ type: 'integer', example: 14, description: 'Orders delivered that day' })
  total_orders: number;

  @ApiProperty({ example: 29.49, nullable: true, type: Number, description: 'Mean total_amount, 2 decimals; null when none' })
  average_order_value: number | null;

  @ApiProperty({
    type: [RestaurantRevenue],
    description: 'Restaurants with a delivery that day, by revenue descending, then restaurant_id',
  })
  by_restaurant: RestaurantRevenue[];

  @ApiProperty({ type: [HourlyRevenue], description: 'All 24 UTC hours in order, zeros included' })
  by_hour: HourlyRevenue[];
}

export function toDailyRevenueResponse(date: string, row: DailyRevenueRow): DailyRevenueResponse {
  return {
    date,
    total_revenue: row.total_revenue,
    total_orders: row.total_orders,
    average_order_value: row.average_order_value,
    by_restaurant: row.by_restaurant.map((restaurant) => ({
      restaurant_id: restaurant.restaurant_id,
      restaurant_name: restaurant.restaurant_name,
      revenue: restaurant.revenue,
      orders: restaurant.orders,
    })),
    by_hour: row.by_hour.map((hour) => ({ hour: hour.hour, revenue: hour.revenue, orders: hour.orders })),
  };
}

export class DayRevenue {
  @ApiProperty({ example: '2024-01-15', format: 'date' })
  date: string;

  @ApiProperty({ example: 412.9 })
  revenue: number;

  @ApiProperty({ type: 'integer', example: 14 })
  orders: number;
}

export class PreviousPeriodRevenue {
  @ApiProperty({ example: '2024-01-02', format: 'date' })
  from: string;

  @ApiProperty({ example: '2024-01-08', format: 'date', description: 'Last day, inclusive' })
  to: string;

  @ApiProperty({ example: 2410.35 })
  revenue: number;

  @ApiProperty({ type: 'integer', example: 81 })
  orders: number;
}

export class RevenueAnalyticsResponse {
  @ApiProperty({ enum: ANALYTICS_PERIODS, example: '7d' })
  period: AnalyticsPeriod;

  @ApiProperty({ example: '2024-01-09', format: 'date', description: 'First day of the period (UTC)' })
  from: string;

  @ApiProperty({ example: '2024-01-15', format: 'date', description: 'Last day of the period: today (UTC), inclusive' })
  to: string;

  @ApiProperty({ example: 2890.1, description: 'Sum of total_amount of the orders delivered in the period (by delivery_time)' })
  total_revenue: number;

  @ApiProperty({ type: 'integer', example: 97, description: 'Orders delivered in the period' })
  total_orders: number;

  @ApiProperty({ example: 29.8, nullable: true, type: Number, description: 'Mean total_amount of those orders; null when none' })
  average_order_value: number | null;

  @ApiProperty({ example: 412.87, description: 'total_revenue / days in the period, 2 decimals' })
  average_daily_revenue: number;

  @ApiProperty({ type: PreviousPeriodRevenue, description: 'The same number of days just before the period' })
  previous_period: PreviousPeriodRevenue;

  @ApiProperty({
    example: 19.9,
    nullable: true,
    type: Number,
    description: '(revenue - previous revenue) / previous revenue x 100, 2 decimals; null when the previous period had no revenue',
  })
  growth_percentage: number | null;

  @ApiProperty({ type: [DayRevenue], description: 'Every day of the period in order, zeros included' })
  by_day: DayRevenue[];
}

export function toRevenueAnalyticsResponse(window: PeriodWindow, row: RevenueAnalyticsRow): RevenueAnalyticsResponse {
  return {
    period: window.period,
    from: window.from,
    to: window.to,
    total_revenue: row.total_revenue,
    total_orders: row.total_orders,
    average_order_value: row.average_order_value,
    average_daily_revenue: row.average_daily_revenue,
    previous_period: {
      from: window.previous_from,
      to: window.previous_to,
      revenue: row.previous_period_revenue,
      orders: row.previous_period_orders,
    },
    growth_percentage: row.growth_percentage,
    by_day: row.by_day.map((day) => ({ date: day.date, revenue: day.revenue, orders: day.orders })),
  };
}
