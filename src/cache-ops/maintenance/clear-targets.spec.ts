import { describe, expect, it } from '@jest/globals';
import { CLEAR_TARGETS, resolveClearTarget } from './clear-targets.js';

describe('clear targets', () => {
  it('maps restaurant-menus to the with-menu and menu entries, named as the policies name them', () => {
    expect(resolveClearTarget('restaurant-menus')).toEqual([
      { namespace: 'restaurants', keyPrefix: 'restaurant-with-menu:' },
      { namespace: 'menu-items', keyPrefix: 'restaurant-menu:' },
    ]);
  });

  it('maps every seed target and any namespace to that namespace', () => {
    for (const target of ['restaurants', 'menu-items', 'search', 'analytics', 'customers', 'orders', 'reviews', 'sessions']) {
      expect(resolveClearTarget(target)).toEqual([{ namespace: target }]);
    }
    expect(CLEAR_TARGETS).toContain('restaurant-menus');
  });

  it('knows no other target', () => {
    expect(resolveClearTarget('everything')).toBeUndefined();
    expect(resolveClearTarget('constructor')).toBeUndefined();
    expect(resolveClearTarget('expired')).toBeUndefined();
  });
});
