import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { CustomerAnalyticsRepository } from '../customers/customer-analytics.repository.js';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import { Page } from '../common/pagination/pagination.js';
import { periodWindow } from './analytics-period.js';
import { AnalyticsRefresher } from './analytics-refresher.js';
import { AnalyticsRepository } from './analytics.repository.js';
import { type CustomerBehaviorResponse, toCustomerBehaviorResponse } from './dto/customer-behavior.dto.js';
import { type CustomerInsightsResponse, toCustomerInsightsResponse } from './dto/customer-insights.dto.js';
import type {
  DailyRevenueQuery,
  PeriodQuery,
  PopularItemsQuery,
  RefreshType,
  RestaurantPerformanceQuery,
} from './dto/analytics-query.dto.js';
import {
  type PopularItemsResponse,
  type PopularItemsRevenueResponse,
  toPopularItemsResponse,
  toPopularItemsRevenueResponse,
} from './dto/popular-items.dto.js';
import type { RefreshAcceptedResponse } from './dto/refresh.dto.js';
import { type RestaurantPerformanceResponse, toRestaurantPerformanceResponse } from './dto/restaurant-performance.dto.js';
import {
  type DailyRevenueResponse,
  type RevenueAnalyticsResponse,
  toDailyRevenueResponse,
  toRevenueAnalyticsResponse,
} from './dto/revenue.dto.js';

/** The /analytics reports: the repository computes every figure in SQL; this picks the window and shapes the answer. */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly analytics: AnalyticsRepository,
    private readonly customerAnalytics: CustomerAnalyticsRepository,
    private readonly refresher: AnalyticsRefresher,
    private readonly config: AppConfig,
  ) {}

  async dailyRevenue(query: DailyRevenueQuery): Promise<DailyRevenueResponse> {
    return toDailyRevenueResponse(query.date, await this.analytics.dailyRevenue(query.date));
  }

  async revenueAnalytics(query: PeriodQuery, now = new Date()): Promise<RevenueAnalyticsResponse> {
    const window = periodWindow(query.period, now);
    return toRevenueAnalyticsResponse(window, await this.analytics.revenueAnalytics(window));
  }

  async customerBehavior(query: PeriodQuery, now = new Date()): Promise<CustomerBehaviorResponse> {
    const window = periodWindow(query.period, now);
    return toCustomerBehaviorResponse(window, await this.analytics.customerBehavior(window));
  }

  async restaurantPerformance(query: RestaurantPerformanceQuery): Promise<Page<RestaurantPerformanceResponse>> {
    const { total, items } = await this.analytics.restaurantPerformance(query.restaurant_id, query.skip, query.limit);
    if (query.restaurant_id !== undefined && total === 0) {
      throw new ResourceNotFoundException('Restaurant', query.restaurant_id);
    }
    return new Page(items.map(toRestaurantPerformanceResponse), total);
  }

  /** The trending list anyone may read: the same ranking as {@link popularItemsRevenue}, without the money. */
  async popularItems(query: PopularItemsQuery, now = new Date()): Promise<PopularItemsResponse> {
    const window = periodWindow(query.period, now);
    return toPopularItemsResponse(window, await this.analytics.popularItems(window, query.limit));
  }

  async popularItemsRevenue(query: PopularItemsQuery, now = new Date()): Promise<PopularItemsRevenueResponse> {
    const window = periodWindow(query.period, now);
    return toPopularItemsRevenueResponse(window, await this.analytics.popularItems(window, query.limit));
  }

  async customerInsights(customerId: number): Promise<CustomerInsightsResponse> {
    const row = await this.customerAnalytics.forCustomer(customerId);
    if (!row) throw new ResourceNotFoundException('Customer', customerId);
    return toCustomerInsightsResponse(customerId, row);
  }

  requestRefresh(type: RefreshType): RefreshAcceptedResponse {
    this.refresher.start(type);
    const { recentReadMs, refreshMaxVariants } = this.config.analytics;
    return { type, status: 'accepted', recent_read_seconds: recentReadMs / 1000, max_variants: refreshMaxVariants };
  }
}
