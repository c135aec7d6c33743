import { ApiProperty } from '@nestjs/swagger';
import type { RestaurantPerformanceRow } from '../analytics.repository.js';

export class StageMinutes {
  @ApiProperty({ example: 2.5, nullable: true, type: Number })
  placed_to_confirmed: number | null;

  @ApiProperty({ example: 4, nullable: true, type: Number })
  confirmed_to_preparing: number | null;

  @ApiProperty({ example: 18.25, nullable: true, type: Number })
  preparing_to_out_for_delivery: number | null;

  @ApiProperty({ example: 21.75, nullable: true, type: Number })
  out_for_delivery_to_delivered: number | null;
}

export class RestaurantPerformanceResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  restaurant_id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  restaurant_name: string;

  @ApiProperty({ example: 'Italian' })
  cuisine_type: string;

  @ApiProperty({ type: 'integer', example: 40, description: 'All its orders, any status' })
  total_orders: number;

  @ApiProperty({ type: 'integer', example: 31 })
  delivered_orders: number;

  @ApiProperty({ type: 'integer', example: 3 })
  cancelled_orders: number;

  @ApiProperty({ example: 982.45, description: 'Sum of total_amount of its delivered orders' })
  revenue: number;

  @ApiProperty({ example: 31.69, nullable: true, type: Number, description: 'Mean total_amount of its delivered orders; null when none' })
  average_order_value: number | null;

  @ApiProperty({
    example: 0.075,
    nullable: true,
    type: Number,
    description: 'cancelled_orders / total_orders as a fraction (0 to 1), 4 decimals; null when it has no orders',
  })
  cancellation_rate: number | null;

  @ApiProperty({ type: 'integer', example: 12 })
  review_count: number;

  @ApiProperty({ example: 4.25, nullable: true, type: Number, description: 'Mean review rating, 2 decimals; null when no reviews' })
  average_rating: number | null;

  @ApiProperty({
    example: 46.5,
    nullable: true,
    type: Number,
    description:
      'Mean minutes from placed to delivered (order_status_changes), over the orders that reached both; 2 decimals; null when none',
  })
  average_delivery_minutes: number | null;

  @ApiProperty({
    type: StageMinutes,
    description:
      'Mean minutes between reaching consecutive statuses, each over the orders that reached both ends (whatever their status now); null when none',
  })
  stage_minutes: StageMinutes;
}

export function toRestaurantPerformanceResponse(row: RestaurantPerformanceRow): RestaurantPerformanceResponse {
  return {
    restaurant_id: row.restaurant_id,
    restaurant_name: row.restaurant_name,
    cuisine_type: row.cuisine_type,
    total_orders: row.total_orders,
    delivered_orders: row.delivered_orders,
    cancelled_orders: row.cancelled_orders,
    revenue: row.revenue,
    average_order_value: row.average_order_value,
    cancellation_rate: row.cancellation_rate,
    review_count: row.review_count,
    average_rating: row.average_rating,
    average_delivery_minutes: row.placed_to_delivered,
    stage_minutes: {
      placed_to_confirmed: row.placed_to_confirmed,
      confirmed_to_preparing: row.confirmed_to_preparing,
      preparing_to_out_for_delivery: row.preparing_to_out_for_delivery,
      out_for_delivery_to_delivered: row.out_for_delivery_to_delivered,
    },
  };
}
