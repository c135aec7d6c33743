import { describe, expect, it } from '@jest/globals';
import { cacheControlFor } from './cache-control.js';

describe('cacheControlFor', () => {
  const now = 1_000_000;

  it('keeps tokens and accounts out of every cache, and private answers out of shared ones', () => {
    expect(cacheControlFor('no-store', 200, now + 60_000, now)).toBe('no-store');
    expect(cacheControlFor('private', 200, now + 60_000, now)).toBe('private, no-cache');
  });

  it('lets a public cached answer be kept for the whole seconds its entry has left, never longer', () => {
    expect(cacheControlFor('public-cached', 200, now + 59_999, now)).toBe('public, max-age=59');
    expect(cacheControlFor('public-cached', 304, now + 60_000, now)).toBe('public, max-age=60');
    expect(cacheControlFor('public-cached', 200, now + 500, now)).toBe('public, max-age=0');
  });

  it('makes public answers without a fresh entry behind them revalidate', () => {
    expect(cacheControlFor('public-cached', 200, undefined, now)).toBe('public, no-cache');
    expect(cacheControlFor('public-cached', 200, now, now)).toBe('public, no-cache');
    expect(cacheControlFor('public-cached', 404, now + 60_000, now)).toBe('public, no-cache');
    expect(cacheControlFor('public', 200, undefined, now)).toBe('public, no-cache');
  });
});
