import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CachePolicies } from '../cache/cache-policies.js';
import { Cached } from '../cache/cache.decorators.js';
import { ApiErrors } from '../common/http/api-errors.decorator.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';
import { CuisineStatsResponse, PriceRangesResponse, RestaurantAnalyticsResponse } from './dto/restaurant-analytics.dto.js';
import { RestaurantAnalyticsService } from './restaurant-analytics.service.js';
import { Allow, Public } from '../access/access.decorators.js';
import { PLATFORM_STALENESS_NOTE } from '../analytics/analytics-reads.js';
import { Grants } from '../access/grants.js';
import { tag } from '../common/http/api-tags.js';

/**
 * Registered before RestaurantsController, and its literal `restaurants/analytics/...` paths are
 * never read as a `restaurants/:id` id.
 */
@ApiTags(tag('Restaurant analytics'))
@Controller()
export class RestaurantAnalyticsController {
  constructor(private readonly analytics: RestaurantAnalyticsService) {}

  @Get('restaurants/analytics/popular-cuisines')
  @Public()
  @Cached(CachePolicies.popularCuisines)
  @ApiOperation({
    summary: 'Restaurants, rating and orders per cuisine type, most ordered first (then by name)',
    description: PLATFORM_STALENESS_NOTE,
  })
  @ApiOkResponse({ type: [CuisineStatsResponse] })
  popularCuisines(): Promise<CuisineStatsResponse[]> {
    return this.analytics.popularCuisines();
  }

  @Get('restaurants/analytics/price-ranges')
  @Public()
  @Cached(CachePolicies.priceRanges)
  @ApiOperation({ summary: 'How menu item prices are distributed: under 10, 10-20, 20-30, 30 and over' })
  @ApiOkResponse({ type: PriceRangesResponse })
  priceRanges(): Promise<PriceRangesResponse> {
    return this.analytics.priceRanges();
  }

  @Get('restaurants/:id/analytics')
  @Allow(Grants.restaurantOwner())
  @Cached(CachePolicies.restaurantAnalytics)
  @ApiOperation({ summary: "A restaurant's orders, revenue, reviews and most popular items" })
  @ApiOkResponse({ type: RestaurantAnalyticsResponse })
  @ApiErrors(400, 404)
  forRestaurant(@Param('id', ParseIdPipe) id: number): Promise<RestaurantAnalyticsResponse> {
    return this.analytics.forRestaurant(id);
  }
}
