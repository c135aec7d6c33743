import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Cached, SessionCache } from '../cache/cache.decorators.js';
import { ApiErrors, ApiPage } from '../common/http/api-errors.decorator.js';
import type { Page } from '../common/pagination/pagination.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { PLATFORM_STALENESS_NOTE } from './analytics-reads.js';
import { AnalyticsCachePolicies as Policies } from './analytics.cache-policies.js';
import { AnalyticsService } from './analytics.service.js';
import { DailyRevenueQuery, PeriodQuery, PopularItemsQuery, RefreshParams, RestaurantPerformanceQuery } from './dto/analytics-query.dto.js';
import { CustomerBehaviorResponse } from './dto/customer-behavior.dto.js';
import { CustomerInsightsResponse } from './dto/customer-insights.dto.js';
import { PopularItemsResponse, PopularItemsRevenueResponse } from './dto/popular-items.dto.js';
import { RefreshAcceptedResponse } from './dto/refresh.dto.js';
import { RestaurantPerformanceResponse } from './dto/restaurant-performance.dto.js';
import { DailyRevenueResponse, RevenueAnalyticsResponse } from './dto/revenue.dto.js';
import { Allow, Public } from '../access/access.decorators.js';
import { Grants } from '../access/grants.js';
import { tag } from '../common/http/api-tags.js';

@ApiTags(tag('Analytics'))
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('revenue/daily')
  @Allow()
  @Cached(Policies.dailyRevenue)
  @ApiOperation({ summary: 'Revenue of one UTC day: orders delivered that day, by restaurant and by hour' })
  @ApiOkResponse({ type: DailyRevenueResponse })
  @ApiErrors(400)
  dailyRevenue(@Query() query: DailyRevenueQuery): Promise<DailyRevenueResponse> {
    return this.analytics.dailyRevenue(query);
  }

  @Get('revenue-analytics')
  @Allow()
  @Cached(Policies.revenueAnalytics)
  @ApiOperation({
    summary: 'Delivered revenue per day over a period, with totals and growth against the previous period',
    description: PLATFORM_STALENESS_NOTE,
  })
  @ApiOkResponse({ type: RevenueAnalyticsResponse })
  @ApiErrors(400)
  revenueAnalytics(@Query() query: PeriodQuery): Promise<RevenueAnalyticsResponse> {
    return this.analytics.revenueAnalytics(query);
  }

  @Get('customers/behavior')
  @Allow()
  @Cached(Policies.customerBehavior)
  @ApiOperation({
    summary: 'Active, new and returning customers, orders per customer, basket, top cuisines and peak hours',
    description: PLATFORM_STALENESS_NOTE,
  })
  @ApiOkResponse({ type: CustomerBehaviorResponse })
  @ApiErrors(400)
  customerBehavior(@Query() query: PeriodQuery): Promise<CustomerBehaviorResponse> {
    return this.analytics.customerBehavior(query);
  }

  @Get('restaurants/performance')
  @Allow(Grants.restaurantOwnerByQuery('restaurant_id'))
  @Cached(Policies.restaurantPerformance)
  @ApiOperation({
    summary: 'Orders, revenue, cancellation rate, rating and stage times per restaurant, by restaurant id ascending',
  })
  @ApiPage(RestaurantPerformanceResponse, 'A page of restaurants by id ascending (one row with restaurant_id)')
  @ApiErrors(400, 404)
  restaurantPerformance(@Query() query: RestaurantPerformanceQuery): Promise<Page<RestaurantPerformanceResponse>> {
    return this.analytics.restaurantPerformance(query);
  }

  @Get('popular-items')
  @Public()
  @Cached(Policies.popularItems)
  @ApiOperation({
    summary: 'Trending: the menu items ordered most across the platform in a period (orders not cancelled), with units and orders',
    description:
      'The same answer for every caller, admins included: no revenue and no figure about any one customer ' +
      '(GET /analytics/popular-items/revenue adds the revenue, for admins). ' +
      PLATFORM_STALENESS_NOTE,
  })
  @ApiOkResponse({ type: PopularItemsResponse })
  @ApiErrors(400)
  popularItems(@Query() query: PopularItemsQuery): Promise<PopularItemsResponse> {
    return this.analytics.popularItems(query);
  }

  @Get('popular-items/revenue')
  @Allow()
  @Cached(Policies.popularItemsRevenue)
  @ApiOperation({
    summary: 'The trending menu items with the revenue each brought in the period',
    description: `The ranking of GET /analytics/popular-items, each item with its revenue. ${PLATFORM_STALENESS_NOTE}`,
  })
  @ApiOkResponse({ type: PopularItemsRevenueResponse })
  @ApiErrors(400)
  popularItemsRevenue(@Query() query: PopularItemsQuery): Promise<PopularItemsRevenueResponse> {
    return this.analytics.popularItemsRevenue(query);
  }

  @Get('customer-insights/:customer_id')
  @Allow(Grants.customerSelf('customer_id'))
  @SessionCache(Policies.customerInsights)
  @ApiOperation({ summary: "A customer's orders, spend, basket, favourites, preferred hours and recency" })
  @ApiParam({ name: 'customer_id', type: 'integer', example: 1 })
  @ApiOkResponse({ type: CustomerInsightsResponse })
  @ApiErrors(400, 404)
  customerInsights(@Param('customer_id', ParseIdPipe) customerId: number): Promise<CustomerInsightsResponse> {
    return this.analytics.customerInsights(customerId);
  }

  @Post('refresh/:type')
  @Allow()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Recompute a kind of analytics in the background: its cached variants read recently are reloaded and replaced in place (readers keep the current ones meanwhile)',
  })
  @ApiAcceptedResponse({ type: RefreshAcceptedResponse })
  @ApiErrors(400)
  refresh(@Param() params: RefreshParams): RefreshAcceptedResponse {
    return this.analytics.requestRefresh(params.type);
  }
}
