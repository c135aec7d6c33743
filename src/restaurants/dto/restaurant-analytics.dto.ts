import { ApiProperty } from '@nestjs/swagger';
import { ORDER_STATUSES, OrderStatus } from '../../domain/order-status.js';
import type { CuisineRow, PriceRangesRow, RestaurantAnalyticsRow } from '../restaurant-analytics.repository.js';

export class OrdersByStatus implements Record<OrderStatus, number> {
  @ApiProperty({ example: 1 })
  placed: number;

  @ApiProperty({ example: 0 })
  confirmed: number;

  @ApiProperty({ example: 2 })
  preparing: number;

  @ApiProperty({ example: 0 })
  out_for_delivery: number;

  @ApiProperty({ example: 12 })
  delivered: number;

  @ApiProperty({ example: 1 })
  cancelled: number;
}

export class PopularItem {
  @ApiProperty({ example: 3 })
  menu_item_id: number;

  @ApiProperty({ example: 'Margherita Pizza' })
  name: string;

  @ApiProperty({ example: 14, description: 'Units ordered, over orders that were not cancelled' })
  quantity: number;

  @ApiProperty({ example: 181.86, description: 'Sum of quantity × price paid, over orders that were not cancelled' })
  revenue: number;
}

export class RestaurantAnalyticsResponse {
  @ApiProperty({ example: 1 })
  restaurant_id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  restaurant_name: string;

  @ApiProperty({ example: 16, description: 'Orders in every status' })
  total_orders: number;

  @ApiProperty({ type: OrdersByStatus, description: 'Every status, zeros included' })
  orders_by_status: OrdersByStatus;

  @ApiProperty({ example: 412.5, description: 'Sum of total_amount over delivered orders' })
  total_revenue: number;

  @ApiProperty({ example: 34.38, description: 'Mean total_amount of delivered orders, 2 decimals; 0 when none' })
  average_order_value: number;

  @ApiProperty({ example: 9 })
  total_reviews: number;

  @ApiProperty({ example: 4.33, description: 'Mean review rating, 2 decimals; 0 when no reviews' })
  average_rating: number;

  @ApiProperty({
    type: [PopularItem],
    description: 'Top 5 items by quantity (ties: lower menu_item_id first), over orders that were not cancelled',
  })
  popular_items: PopularItem[];
}

export function toRestaurantAnalyticsResponse(restaurantId: number, row: RestaurantAnalyticsRow): RestaurantAnalyticsResponse {
  return {
    restaurant_id: restaurantId,
    restaurant_name: row.restaurant_name,
    total_orders: row.total_orders,
    orders_by_status: Object.fromEntries(ORDER_STATUSES.map((status) => [status, row.order_counts[status] ?? 0])) as Record<
      OrderStatus,
      number
    >,
    total_revenue: row.total_revenue,
    average_order_value: row.average_order_value,
    total_reviews: row.total_reviews,
    average_rating: row.average_rating,
    popular_items: row.popular_items.map((item) => ({
      menu_item_id: item.menu_item_id,
      name: item.name,
      quantity: item.quantity,
      revenue: item.revenue,
    })),
  };
}

export class CuisineStatsResponse {
  @ApiProperty({ example: 'Italian' })
  cuisine_type: string;

  @ApiProperty({ example: 4 })
  restaurant_count: number;

  @ApiProperty({ example: 4.13, description: "Mean of the restaurants' ratings, 2 decimals" })
  average_rating: number;

  @ApiProperty({ example: 120, description: "Orders in every status at the cuisine's restaurants" })
  total_orders: number;
}

export function toCuisineStatsResponse(row: CuisineRow): CuisineStatsResponse {
  return {
    cuisine_type: row.cuisine_type,
    restaurant_count: row.restaurant_count,
    average_rating: row.average_rating,
    total_orders: row.total_orders,
  };
}

export class PriceRangeCounts {
  @ApiProperty({ example: 12, description: 'price < 10' })
  under_10: number;

  @ApiProperty({ example: 30, description: '10 <= price < 20' })
  '10_to_20': number;

  @ApiProperty({ example: 9, description: '20 <= price < 30' })
  '20_to_30': number;

  @ApiProperty({ example: 2, description: 'price >= 30' })
  over_30: number;
}

export class PriceRangesResponse {
  @ApiProperty({ example: 53, description: 'Every menu item, available or not' })
  total_items: number;

  @ApiProperty({ type: PriceRangeCounts })
  price_ranges: PriceRangeCounts;

  @ApiProperty({ example: 2.5, nullable: true, type: Number, description: 'null when there are no items' })
  min_price: number | null;

  @ApiProperty({ example: 42, nullable: true, type: Number, description: 'null when there are no items' })
  max_price: number | null;

  @ApiProperty({ example: 14.87, nullable: true, type: Number, description: '2 decimals; null when there are no items' })
  average_price: number | null;
}

export function toPriceRangesResponse(row: PriceRangesRow): PriceRangesResponse {
  return {
    total_items: row.total_items,
    price_ranges: {
      under_10: row.under_10,
      '10_to_20': row.from_10_to_20,
      '20_to_30': row.from_20_to_30,
      over_30: row.over_30,
    },
    min_price: row.min_price,
    max_price: row.max_price,
    average_price: row.average_price,
  };
}
