import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { secureCacheKey } from './secure-key.js';

describe('secure cache keys', () => {
  it('is {prefix}:{namespace}:{HMAC-SHA256 of namespace:key}', () => {
    const expected = createHmac('sha256', 'secret').update('sessions:customer:5').digest('hex');
    expect(secureCacheKey('secret', 'tiffin', 'sessions', 'customer:5')).toBe(`tiffin:sessions:${expected}`);
  });

  it('differs per namespace and per secret, and never contains the raw key', () => {
    const key = secureCacheKey('secret', 'tiffin', 'sessions', 'customer:5');
    expect(key).not.toContain('customer:5');
    expect(secureCacheKey('secret', 'tiffin', 'customers', 'customer:5').split(':')[2]).not.toBe(key.split(':')[2]);
    expect(secureCacheKey('other', 'tiffin', 'sessions', 'customer:5')).not.toBe(key);
  });
});
