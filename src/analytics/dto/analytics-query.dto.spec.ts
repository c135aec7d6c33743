import { describe, expect, it } from '@jest/globals';
import { rulesOf, validateDto } from '../../common/testing/validate-dto.js';
import { DailyRevenueQuery, PeriodQuery, PopularItemsQuery, RefreshParams, RestaurantPerformanceQuery } from './analytics-query.dto.js';

describe('analytics query DTOs', () => {
  it('requires a real calendar date', async () => {
    expect((await validateDto(DailyRevenueQuery, { date: '2024-02-29' }, 'query')).value).toEqual({ date: '2024-02-29' });
    expect(rulesOf((await validateDto(DailyRevenueQuery, { date: '2023-02-29' }, 'query')).errors)).toEqual(['date:isCalendarDate']);
    expect(rulesOf((await validateDto(DailyRevenueQuery, {}, 'query')).errors)).toEqual(['date:isCalendarDate']);
  });

  it('defaults the period to 7d and accepts only 7d, 30d and 90d', async () => {
    expect((await validateDto(PeriodQuery, {}, 'query')).value).toEqual({ period: '7d' });
    expect((await validateDto(PeriodQuery, { period: '90d' }, 'query')).value).toEqual({ period: '90d' });
    for (const period of ['1d', '7D', '7', '']) {
      expect(rulesOf((await validateDto(PeriodQuery, { period }, 'query')).errors)).toEqual(['period:isIn']);
    }
  });

  it('takes a popular-items limit from 1 to 50, 10 by default', async () => {
    expect((await validateDto(PopularItemsQuery, {}, 'query')).value).toEqual({ period: '7d', limit: 10 });
    expect((await validateDto(PopularItemsQuery, { limit: '50' }, 'query')).value).toMatchObject({ limit: 50 });
    expect(rulesOf((await validateDto(PopularItemsQuery, { limit: '51' }, 'query')).errors)).toEqual(['limit:max']);
    expect(rulesOf((await validateDto(PopularItemsQuery, { limit: '0' }, 'query')).errors)).toEqual(['limit:min']);
    expect(rulesOf((await validateDto(PopularItemsQuery, { limit: '1.5' }, 'query')).errors)).toContain('limit:isInt');
  });

  it('takes an optional integer restaurant_id with the page parameters', async () => {
    expect((await validateDto(RestaurantPerformanceQuery, { restaurant_id: '3' }, 'query')).value).toEqual({
      skip: 0,
      limit: 50,
      restaurant_id: 3,
    });
    // Query ids follow the one id rule of paths: a canonical integer from 1 to 2147483647.
    for (const malformed of ['x', '0', '07', '+7', '7e0']) {
      expect(rulesOf((await validateDto(RestaurantPerformanceQuery, { restaurant_id: malformed }, 'query')).errors)).toEqual([
        'restaurant_id:id',
      ]);
    }
  });

  it('knows the refresh types', async () => {
    expect((await validateDto(RefreshParams, { type: 'popular-items' }, 'query')).value).toEqual({ type: 'popular-items' });
    expect(rulesOf((await validateDto(RefreshParams, { type: 'all' }, 'query')).errors)).toEqual(['type:isIn']);
  });
});
