import { describe, expect, it } from '@jest/globals';
import { ResourceNotFoundException } from '../common/errors/domain-errors.js';
import type {
  CuisineRow,
  PriceRangesRow,
  RestaurantAnalyticsRepository,
  RestaurantAnalyticsRow,
} from './restaurant-analytics.repository.js';
import { RestaurantAnalyticsService } from './restaurant-analytics.service.js';

const ROW: RestaurantAnalyticsRow = {
  restaurant_name: 'Bella',
  total_orders: 4,
  order_counts: { cancelled: 1, delivered: 3 },
  total_revenue: 90.5,
  average_order_value: 30.17,
  total_reviews: 2,
  average_rating: 4.5,
  popular_items: [{ revenue: 20, quantity: 2, name: 'Soup', menu_item_id: 7 }],
};

function serviceWith(rows: { restaurant?: RestaurantAnalyticsRow; cuisines?: CuisineRow[]; prices?: PriceRangesRow }) {
  const repository = {
    restaurantAnalytics: async () => rows.restaurant,
    popularCuisines: async () => rows.cuisines ?? [],
    priceRanges: async () => rows.prices,
  } as unknown as RestaurantAnalyticsRepository;
  return new RestaurantAnalyticsService(repository);
}

describe('RestaurantAnalyticsService', () => {
  it('answers a missing restaurant with a 404', async () => {
    await expect(serviceWith({}).forRestaurant(5)).rejects.toThrow(new ResourceNotFoundException('Restaurant', 5));
  });

  it('reports every order status in workflow order, zero for the statuses without orders', async () => {
    const response = await serviceWith({ restaurant: ROW }).forRestaurant(5);
    expect(JSON.stringify(response.orders_by_status)).toBe(
      '{"placed":0,"confirmed":0,"preparing":0,"out_for_delivery":0,"delivered":3,"cancelled":1}',
    );
  });

  it('builds the response with a fixed key order', async () => {
    const response = await serviceWith({ restaurant: ROW }).forRestaurant(5);
    expect(Object.keys(response)).toEqual([
      'restaurant_id',
      'restaurant_name',
      'total_orders',
      'orders_by_status',
      'total_revenue',
      'average_order_value',
      'total_reviews',
      'average_rating',
      'popular_items',
    ]);
    expect(response.restaurant_id).toBe(5);
    expect(JSON.stringify(response.popular_items)).toBe('[{"menu_item_id":7,"name":"Soup","quantity":2,"revenue":20}]');
  });

  it('names the price buckets by their bounds', async () => {
    const prices: PriceRangesRow = {
      total_items: 6,
      under_10: 1,
      from_10_to_20: 2,
      from_20_to_30: 0,
      over_30: 3,
      min_price: 5,
      max_price: 50,
      average_price: 27.5,
    };
    expect(JSON.stringify(await serviceWith({ prices }).priceRanges())).toBe(
      '{"total_items":6,"price_ranges":{"under_10":1,"10_to_20":2,"20_to_30":0,"over_30":3},' +
        '"min_price":5,"max_price":50,"average_price":27.5}',
    );
  });

  it('keeps the cuisines in the order the query ranked them', async () => {
    const cuisines: CuisineRow[] = [
      { total_orders: 9, average_rating: 4.13, restaurant_count: 2, cuisine_type: 'Italian' },
      { total_orders: 0, average_rating: 2, restaurant_count: 1, cuisine_type: 'Thai' },
    ];
    expect(JSON.stringify(await serviceWith({ cuisines }).popularCuisines())).toBe(
      '[{"cuisine_type":"Italian","restaurant_count":2,"average_rating":4.13,"total_orders":9},' +
        '{"cuisine_type":"Thai","restaurant_count":1,"average_rating":2,"total_orders":0}]',
    );
  });
});
