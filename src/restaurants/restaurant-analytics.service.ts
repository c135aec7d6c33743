import { Injectable } from '@nestjs/common';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import {
  type CuisineStatsResponse,
  type PriceRangesResponse,
  type RestaurantAnalyticsResponse,
  toCuisineStatsResponse,
  toPriceRangesResponse,
  toRestaurantAnalyticsResponse,
} from './dto/restaurant-analytics.dto.js';
import { RestaurantAnalyticsRepository } from './restaurant-analytics.repository.js';

/** Restaurant reports; every figure is computed in SQL by the repository. */
@Injectable()
export class RestaurantAnalyticsService {
  constructor(private readonly analytics: RestaurantAnalyticsRepository) {}

  async forRestaurant(restaurantId: number): Promise<RestaurantAnalyticsResponse> {
    const row = await this.analytics.restaurantAnalytics(restaurantId);
    if (!row) throw new ResourceNotFoundException('Restaurant', restaurantId);
    return toRestaurantAnalyticsResponse(restaurantId, row);
  }

  async popularCuisines(): Promise<CuisineStatsResponse[]> {
    return (await this.analytics.popularCuisines()).map(toCuisineStatsResponse);
  }

  async priceRanges(): Promise<PriceRangesResponse> {
    return toPriceRangesResponse(await this.analytics.priceRanges());
  }
}
