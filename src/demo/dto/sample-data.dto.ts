import { ApiProperty } from '@nestjs/swagger';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/order-status.js';

export class OrdersByStatusResponse {
  @ApiProperty({ type: 'integer', example: 3 })
  placed: number;

  @ApiProperty({ type: 'integer', example: 3 })
  confirmed: number;

  @ApiProperty({ type: 'integer', example: 3 })
  preparing: number;

  @ApiProperty({ type: 'integer', example: 3 })
  out_for_delivery: number;

  @ApiProperty({ type: 'integer', example: 60 })
  delivered: number;

  @ApiProperty({ type: 'integer', example: 8 })
  cancelled: number;
}

export class SampleDataResponse {
  @ApiProperty({ type: 'integer', example: 7, description: 'Sample restaurants' })
  restaurants: number;

  @ApiProperty({ type: 'integer', example: 79, description: 'Menu items of the sample restaurants' })
  menu_items: number;

  @ApiProperty({ type: 'integer', example: 14, description: 'Sample customers' })
  customers: number;

  @ApiProperty({ type: 'integer', example: 80, description: 'Orders of sample customers at sample restaurants' })
  orders: number;

  @ApiProperty({ type: OrdersByStatusResponse, description: 'Those orders by current status' })
  orders_by_status: OrdersByStatusResponse;

  @ApiProperty({ type: 'integer', example: 36, description: 'Reviews of those orders' })
  reviews: number;

  @ApiProperty({
    example: false,
    description: 'true when sample data already existed: nothing was created and the counts are of what exists',
  })
  already_present: boolean;
}

/** How many sample rows there are (or were just created), per table. */
export interface SampleDataCounts {
  restaurants: number;
  menu_items: number;
  customers: number;
  /** Statuses without orders may be left out. */
  orders_by_status: Partial<Record<OrderStatus, number>>;
  reviews: number;
}

/** The one serialisation of the sample data counts (fixed key order, every status present). */
export function toSampleDataResponse(counts: SampleDataCounts, alreadyPresent: boolean): SampleDataResponse {
  const byStatus = Object.fromEntries(
    ORDER_STATUSES.map((status) => [status, counts.orders_by_status[status] ?? 0]),
  ) as unknown as OrdersByStatusResponse;
  return {
    restaurants: counts.restaurants,
    menu_items: counts.menu_items,
    customers: counts.customers,
    orders: ORDER_STATUSES.reduce((sum, status) => sum + byStatus[status], 0),
    orders_by_status: byStatus,
    reviews: counts.reviews,
    already_present: alreadyPresent,
  };
}
