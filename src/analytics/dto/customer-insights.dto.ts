import { ApiProperty } from '@nestjs/swagger';
import { OrdersByStatus } from '../../customers/dto/customer-analytics.dto.js';
import { ORDER_STATUSES } from '../../domain/order-status.js';
import type { CustomerAnalyticsRow } from '../../customers/customer-analytics.repository.js';
import { HourlyOrders } from './customer-behavior.dto.js';

export class InsightRestaurant {
  @ApiProperty({ type: 'integer', example: 3 })
  restaurant_id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  name: string;

  @ApiProperty({ type: 'integer', example: 4, description: 'Orders there, any status' })
  orders: number;
}

export class InsightCuisine {
  @ApiProperty({ example: 'Italian' })
  cuisine_type: string;

  @ApiProperty({ type: 'integer', example: 5, description: 'Orders in this cuisine, any status' })
  orders: number;
}

export class InsightItem {
  @ApiProperty({ type: 'integer', example: 7 })
  menu_item_id: number;

  @ApiProperty({ example: 'Margherita Pizza' })
  name: string;

  @ApiProperty({ type: 'integer', example: 6, description: 'Units ordered, over orders not cancelled' })
  quantity: number;
}

export class CustomerInsightsResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  customer_id: number;

  @ApiProperty({ example: 'Jane Doe' })
  customer_name: string;

  @ApiProperty({ type: 'integer', example: 6, description: 'Orders in any status' })
  total_orders: number;

  @ApiProperty({ type: OrdersByStatus, description: 'Every status, zeros included' })
  orders_by_status: OrdersByStatus;

  @ApiProperty({
    example: 101.5,
    description: 'Sum of total_amount of the delivered orders (total_spent of GET /customers/{id}/analytics)',
  })
  lifetime_spend: number;

  @ApiProperty({
    example: 25.38,
    nullable: true,
    type: Number,
    description: 'Mean total_amount of the orders not cancelled, 2 decimals; null when none',
  })
  average_basket: number | null;

  @ApiProperty({ example: '2023-06-01T12:00:00.000Z', nullable: true, type: String, format: 'date-time' })
  first_order_at: string | null;

  @ApiProperty({ example: '2024-01-14T19:30:00.000Z', nullable: true, type: String, format: 'date-time' })
  last_order_at: string | null;

  @ApiProperty({
    type: 'integer',
    example: 1,
    nullable: true,
    description: 'Whole days (24 h) elapsed since the last order was placed; null without orders',
  })
  days_since_last_order: number | null;

  @ApiProperty({ type: [InsightRestaurant], description: 'Top 3 by orders (any status), ties by restaurant_id' })
  favorite_restaurants: InsightRestaurant[];

  @ApiProperty({ type: [InsightCuisine], description: 'Top 3 by orders (any status), ties by cuisine_type (byte order)' })
  favorite_cuisines: InsightCuisine[];

  @ApiProperty({ type: [InsightItem], description: 'Top 3 by units (orders not cancelled), ties by menu_item_id' })
  favorite_items: InsightItem[];

  @ApiProperty({ type: [HourlyOrders], description: 'Top 3 UTC hours of order_date by orders (any status), ties by hour' })
  preferred_order_hours: HourlyOrders[];
}

export function toCustomerInsightsResponse(customerId: number, row: CustomerAnalyticsRow): CustomerInsightsResponse {
  const ordersByStatus = {} as OrdersByStatus;
  for (const status of ORDER_STATUSES) ordersByStatus[status] = row.orders_by_status[status] ?? 0;
  return {
    customer_id: customerId,
    customer_name: row.customer_name,
    total_orders: row.total_orders,
    orders_by_status: ordersByStatus,
    lifetime_spend: row.lifetime_spend,
    average_basket: row.average_basket,
    first_order_at: row.first_order_at ? row.first_order_at.toISOString() : null,
    last_order_at: row.last_order_at ? row.last_order_at.toISOString() : null,
    days_since_last_order: row.days_since_last_order,
    favorite_restaurants: row.favorite_restaurants.map((favorite) => ({
      restaurant_id: favorite.restaurant_id,
      name: favorite.name,
      orders: favorite.orders,
    })),
    favorite_cuisines: row.favorite_cuisines.map((favorite) => ({ cuisine_type: favorite.cuisine_type, orders: favorite.orders })),
    favorite_items: row.favorite_items.map((favorite) => ({
      menu_item_id: favorite.menu_item_id,
      name: favorite.name,
      quantity: favorite.quantity,
    })),
    preferred_order_hours: row.preferred_order_hours.map((preferred) => ({ hour: preferred.hour, orders: preferred.orders })),
  };
}
