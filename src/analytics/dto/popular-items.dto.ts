import { ApiProperty } from '@nestjs/swagger';
import { ANALYTICS_PERIODS, type AnalyticsPeriod, type PeriodWindow } from '../analytics-period.js';
import type { PopularItemRow } from '../analytics.repository.js';

/** One item of the public trending list: what was ordered and how often, never money. */
export class PopularItemFigures {
  @ApiProperty({ type: 'integer', example: 3 })
  menu_item_id: number;

  @ApiProperty({ example: 'Margherita Pizza' })
  name: string;

  @ApiProperty({ example: 'Main Course' })
  category: string;

  @ApiProperty({ type: 'integer', example: 1 })
  restaurant_id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  restaurant_name: string;

  @ApiProperty({ type: 'integer', example: 37, description: 'Units ordered in the period, over orders not cancelled' })
  quantity: number;

  @ApiProperty({ type: 'integer', example: 25, description: 'Orders (not cancelled) that contain the item' })
  orders: number;
}

/** One item with what it earned: the admin report. */
export class PopularItemRevenueFigures extends PopularItemFigures {
  @ApiProperty({ example: 480.63, description: 'Sum of quantity x price paid, over the same orders' })
  revenue: number;
}

class PopularItemsWindow {
  @ApiProperty({ enum: ANALYTICS_PERIODS, example: '7d' })
  period: AnalyticsPeriod;

  @ApiProperty({ example: '2024-01-09', format: 'date', description: 'First day of the period (UTC)' })
  from: string;

  @ApiProperty({ example: '2024-01-15', format: 'date', description: 'Last day of the period: today (UTC), inclusive' })
  to: string;
}

const ITEMS_ORDER = 'Items of the orders placed in the period, by quantity descending, then menu_item_id';

export class PopularItemsResponse extends PopularItemsWindow {
  @ApiProperty({ type: [PopularItemFigures], description: ITEMS_ORDER })
  items: PopularItemFigures[];
}

export class PopularItemsRevenueResponse extends PopularItemsWindow {
  @ApiProperty({ type: [PopularItemRevenueFigures], description: ITEMS_ORDER })
  items: PopularItemRevenueFigures[];
}

const itemFigures = (row: PopularItemRow): PopularItemFigures => ({
  menu_item_id: row.menu_item_id,
  name: row.name,
  category: row.category,
  restaurant_id: row.restaurant_id,
  restaurant_name: row.restaurant_name,
  quantity: row.quantity,
  orders: row.orders,
});

/** The public list: the rows without their revenue. */
export function toPopularItemsResponse(window: PeriodWindow, rows: PopularItemRow[]): PopularItemsResponse {
  return { period: window.period, from: window.from, to: window.to, items: rows.map(itemFigures) };
}

export function toPopularItemsRevenueResponse(window: PeriodWindow, rows: PopularItemRow[]): PopularItemsRevenueResponse {
  return {
    period: window.period,
    from: window.from,
    to: window.to,
    items: rows.map((row) => ({ ...itemFigures(row), revenue: row.revenue })),
  };
}
