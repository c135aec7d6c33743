import { describe, expect, it } from '@jest/globals';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { Page } from '../common/pagination/pagination.js';
import type { AnalyticsRefresher } from './analytics-refresher.js';
import type { AnalyticsRepository, RestaurantPerformanceRow, RevenueAnalyticsRow } from './analytics.repository.js';
import type { AppConfig } from '../config/app-config.js';
import type { CustomerAnalyticsRepository } from '../customers/customer-analytics.repository.js';
import { AnalyticsService } from './analytics.service.js';

const PERFORMANCE_ROW: RestaurantPerformanceRow = {
  out_for_delivery_to_delivered: 20,
  preparing_to_out_for_delivery: 13.33,
  confirmed_to_preparing: 3.17,
  placed_to_confirmed: 2.5,
  placed_to_delivered: 42.5,
  average_rating: null,
  review_count: 0,
  cancellation_rate: 0.125,
  average_order_value: 18.58,
  revenue: 111.5,
  cancelled_orders: 1,
  delivered_orders: 6,
  total_orders: 8,
  cuisine_type: 'Italian',
  restaurant_name: 'Alpha',
  restaurant_id: 4,
};

function serviceWith(
  repository: Partial<Record<keyof AnalyticsRepository, unknown>>,
  customerAnalytics: Partial<Record<keyof CustomerAnalyticsRepository, unknown>> = {},
) {
  const refresher = { start: () => undefined } as unknown as AnalyticsRefresher;
  const config = { analytics: { recentReadMs: 1_800_000, refreshMaxVariants: 200 } } as AppConfig;
  return new AnalyticsService(
    repository as unknown as AnalyticsRepository,
    customerAnalytics as unknown as CustomerAnalyticsRepository,
    refresher,
    config,
  );
}

describe('AnalyticsService', () => {
  it('answers a missing customer with a 404', async () => {
    const service = serviceWith({}, { forCustomer: async () => undefined });
    await expect(service.customerInsights(7)).rejects.toThrow(new ResourceNotFoundException('Customer', 7));
  });

  it('answers a missing restaurant with a 404, but an empty page of all restaurants with an empty list', async () => {
    const service = serviceWith({ restaurantPerformance: async () => ({ total: 0, items: [] }) });
    await expect(service.restaurantPerformance({ restaurant_id: 9, skip: 0, limit: 50 })).rejects.toThrow(
      new ResourceNotFoundException('Restaurant', 9),
    );
    expect(await service.restaurantPerformance({ skip: 0, limit: 50 })).toEqual(new Page([], 0));
  });

  it('nests the stage times and keeps a fixed key order', async () => {
    const service = serviceWith({ restaurantPerformance: async () => ({ total: 1, items: [PERFORMANCE_ROW] }) });
    const page = await service.restaurantPerformance({ restaurant_id: 4, skip: 0, limit: 50 });
    expect(JSON.stringify(page.items[0])).toBe(
      '{"restaurant_id":4,"restaurant_name":"Alpha","cuisine_type":"Italian","total_orders":8,"delivered_orders":6,' +
        '"cancelled_orders":1,"revenue":111.5,"average_order_value":18.58,"cancellation_rate":0.125,"review_count":0,' +
        '"average_rating":null,"average_delivery_minutes":42.5,"stage_minutes":{"placed_to_confirmed":2.5,' +
        '"confirmed_to_preparing":3.17,"preparing_to_out_for_delivery":13.33,"out_for_delivery_to_delivered":20}}',
    );
  });

  it('asks for the period ending on the given day and names it in the answer', async () => {
    let asked: unknown;
    const row: RevenueAnalyticsRow = {
      growth_percentage: null,
      previous_period_orders: 0,
      previous_period_revenue: 0,
      average_daily_revenue: 0,
      average_order_value: null,
      total_orders: 0,
      total_revenue: 0,
      by_day: [],
    };
    const service = serviceWith({
      revenueAnalytics: async (window: unknown) => {
        asked = window;
        return row;
      },
    });
    const response = await service.revenueAnalytics({ period: '7d' }, new Date('2024-01-15T08:00:00Z'));
    expect(asked).toMatchObject({ from: '2024-01-09', days: 7, previous_from: '2024-01-02' });
    expect(Object.keys(response)).toEqual([
      'period',
      'from',
      'to',
      'total_revenue',
      'total_orders',
      'average_order_value',
      'average_daily_revenue',
      'previous_period',
      'growth_percentage',
      'by_day',
    ]);
    expect(response.previous_period).toEqual({ from: '2024-01-02', to: '2024-01-08', revenue: 0, orders: 0 });
  });

  it('accepts a refresh with which variants it reloads', () => {
    expect(serviceWith({}).requestRefresh('revenue')).toEqual({
      type: 'revenue',
      status: 'accepted',
      recent_read_seconds: 1800,
      max_variants: 200,
    });
  });
});
