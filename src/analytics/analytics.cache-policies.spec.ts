import { describe, expect, it } from '@jest/globals';
import { CachePolicies } from '../cache/cache-policies.js';
import { AnalyticsCachePolicies } from './analytics.cache-policies.js';

describe('AnalyticsCachePolicies', () => {
  it('names every policy uniquely across the app, in the analytics namespace (per-customer ones in sessions)', () => {
    const names = [...Object.values(CachePolicies), ...Object.values(AnalyticsCachePolicies)].map((policy) => policy.name);
    expect(new Set(names).size).toBe(names.length);
    for (const policy of Object.values(AnalyticsCachePolicies)) {
      expect(policy.name.startsWith('analytics-')).toBe(true);
      expect(policy.namespace).toBe('owner' in policy ? 'sessions' : 'analytics');
    }
  });

  it('keeps customer insights per customer, tagged with what they are built from', () => {
    const policy = AnalyticsCachePolicies.customerInsights;
    expect(policy.owner({ customer_id: '12' })).toBe('customer:12');
    expect(policy.tags({ customer_id: '12' })).toEqual(['customer:12', 'customer:12:analytics', 'restaurants:lists']);
    expect(policy.resultTags({ favorite_items: [{ menu_item_id: 3 }, { menu_item_id: 8 }] })).toEqual(['menu-item:3', 'menu-item:8']);
  });

  it('tags performance rows with their restaurants', () => {
    expect(AnalyticsCachePolicies.restaurantPerformance.resultTags([{ restaurant_id: 2 }])).toEqual([
      'restaurant:2',
      'restaurant:2:analytics',
    ]);
  });
});
