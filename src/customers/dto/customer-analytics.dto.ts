import { ApiProperty } from '@nestjs/swagger';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/order-status.js';
import type { CustomerAnalyticsRow } from '../customer-analytics.repository.js';

/** Orders per status; every status is present, with 0 when the customer has none. */
export class OrdersByStatus implements Record<OrderStatus, number> {
  @ApiProperty({ type: 'integer', example: 0 })
  placed: number;

  @ApiProperty({ type: 'integer', example: 0 })
  confirmed: number;

  @ApiProperty({ type: 'integer', example: 1 })
  preparing: number;

  @ApiProperty({ type: 'integer', example: 0 })
  out_for_delivery: number;

  @ApiProperty({ type: 'integer', example: 4 })
  delivered: number;

  @ApiProperty({ type: 'integer', example: 1 })
  cancelled: number;
}

export class FavoriteRestaurant {
  @ApiProperty({ type: 'integer', example: 3 })
  restaurant_id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  name: string;

  @ApiProperty({ type: 'integer', example: 4, description: 'Orders of this customer there, any status' })
  order_count: number;
}

export class FavoriteCuisine {
  @ApiProperty({ example: 'Italian' })
  cuisine_type: string;

  @ApiProperty({ type: 'integer', example: 5, description: 'Orders of this customer in this cuisine, any status' })
  order_count: number;
}

export class CustomerAnalyticsResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  customer_id: number;

  @ApiProperty({ type: 'integer', example: 6, description: 'Orders in any status' })
  total_orders: number;

  @ApiProperty({ type: OrdersByStatus })
  orders_by_status: OrdersByStatus;

  @ApiProperty({
    example: 101.5,
    description: 'Sum of total_amount over delivered orders (lifetime_spend of GET /analytics/customer-insights/{id})',
  })
  total_spent: number;

  @ApiProperty({ example: 25.38, description: 'Mean total_amount of delivered orders, rounded to cents; 0 when none' })
  average_order_value: number;

  @ApiProperty({
    type: [FavoriteRestaurant],
    description: 'Top 3 by order count (any status), ties broken by restaurant_id ascending',
  })
  favorite_restaurants: FavoriteRestaurant[];

  @ApiProperty({
    type: [FavoriteCuisine],
    description: 'Top 3 cuisine types by order count (any status), ties broken by cuisine_type ascending (byte order)',
  })
  favorite_cuisines: FavoriteCuisine[];
}

export function toCustomerAnalyticsResponse(customerId: number, row: CustomerAnalyticsRow): CustomerAnalyticsResponse {
  const ordersByStatus = {} as OrdersByStatus;
  for (const status of ORDER_STATUSES) ordersByStatus[status] = row.orders_by_status[status] ?? 0;
  return {
    customer_id: customerId,
    total_orders: row.total_orders,
    orders_by_status: ordersByStatus,
    total_spent: row.lifetime_spend,
    average_order_value: row.average_delivered_order,
    favorite_restaurants: row.favorite_restaurants.map((favorite) => ({
      restaurant_id: favorite.restaurant_id,
      name: favorite.name,
      order_count: favorite.orders,
    })),
    favorite_cuisines: row.favorite_cuisines.map((favorite) => ({
      cuisine_type: favorite.cuisine_type,
      order_count: favorite.orders,
    })),
  };
}
