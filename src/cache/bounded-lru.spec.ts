import { describe, expect, it } from '@jest/globals';
import { BoundedLru } from './bounded-lru.js';
import { buildEntry, entryBytes } from './cache-entry.js';

const entry = (body: string, tags: string[] = [], ttlMs = 1000, now = 0) => buildEntry({ body, tags, ttlMs }, 5, now);

describe('BoundedLru', () => {
  it('evicts the least recently used entry when over the entry limit', () => {
    const evicted: string[] = [];
    const lru = new BoundedLru({ maxEntries: 2, maxBytes: 1e9 }, (key) => evicted.push(key));
    lru.set('a', entry('1'));
    lru.set('b', entry('2'));
    lru.get('a', 0);
    lru.set('c', entry('3'));
    expect(evicted).toEqual(['b']);
    expect([...lru.entries()].map(([key]) => key)).toEqual(['a', 'c']);
  });

  it('moves a hit entry to the recent end only once it has left the newest eighth of the order', () => {
    const evicted: string[] = [];
    const lru = new BoundedLru({ maxEntries: 16, maxBytes: 1e9 }, (key) => evicted.push(key));
    const keys = Array.from({ length: 16 }, (_, i) => `k${i}`);
    for (const key of keys) lru.set(key, entry(key));
    const order = () => [...lru.entries()].map(([key]) => key);
    lru.get('k15', 0);
    lru.get('k14', 0);
    expect(order()).toEqual(keys);
    lru.get('k13', 0);
    lru.get('k0', 0);
    lru.get('k13', 0);
    expect(order()).toEqual([...keys.slice(1, 13), 'k14', 'k15', 'k13', 'k0']);
    lru.set('k16', entry('k16'));
    lru.set('k17', entry('k17'));
    expect(evicted).toEqual(['k1', 'k2']);
  });

  it('keeps the UTF-8 bytes of each body with it, counted in its size', () => {
    const lru = new BoundedLru({ maxEntries: 10, maxBytes: 1e9 });
    const stored = entry('{"name":"Café Ñandú"}');
    lru.set('k', stored);
    const kept = lru.peek('k')!;
    expect(kept.encoded).toEqual(Buffer.from('{"name":"Café Ñandú"}', 'utf8'));
    expect(kept.body).toBe(stored.body);
    expect(lru.bytes).toBe(entryBytes('k', stored) + Buffer.byteLength(stored.body));
  });

  it('evicts by bytes and keeps the byte count exact', () => {
    const big = { ...entry('x'.repeat(1000)), encoded: Buffer.from('x'.repeat(1000)) };
    const limit = entryBytes('k1', big) * 2 + 10;
    const lru = new BoundedLru({ maxEntries: 100, maxBytes: limit });
    lru.set('k1', big);
    lru.set('k2', big);
    expect(lru.size).toBe(2);
    lru.set('k3', big);
    expect(lru.size).toBe(2);
    expect(lru.peek('k1')).toBeUndefined();
    expect(lru.bytes).toBe(entryBytes('k2', big) + entryBytes('k3', big));
    lru.delete('k2');
    lru.delete('k3');
    expect(lru.bytes).toBe(0);
  });

  it('refuses an entry larger than the whole budget instead of emptying the cache', () => {
    const lru = new BoundedLru({ maxEntries: 10, maxBytes: 500 });
    lru.set('small', entry('s'));
    lru.set('huge', entry('x'.repeat(10_000)));
    expect(lru.peek('huge')).toBeUndefined();
    expect(lru.peek('small')).toBeDefined();
  });

  it('drops exactly the entries carrying an invalidated tag', () => {
    const lru = new BoundedLru({ maxEntries: 10, maxBytes: 1e9 });
    lru.set('r1', entry('1', ['restaurant:1']));
    lru.set('r1-menu', entry('2', ['restaurant:1', 'restaurant:1:menu']));
    lru.set('r2', entry('3', ['restaurant:2']));
    expect(lru.deleteTagged(['restaurant:1']).sort()).toEqual(['r1', 'r1-menu']);
    expect(lru.peek('r2')).toBeDefined();
    expect(lru.deleteTagged(['restaurant:1:menu'])).toEqual([]);
  });

  it('forgets a replaced entry under its old tags', () => {
    const lru = new BoundedLru({ maxEntries: 10, maxBytes: 1e9 });
    lru.set('k', entry('old', ['old-tag']));
    lru.set('k', entry('new', ['new-tag']));
    expect(lru.deleteTagged(['old-tag'])).toEqual([]);
    expect(lru.deleteTagged(['new-tag'])).toEqual(['k']);
  });

  it('keeps an entry through its stale window and drops it after', () => {
    const lru = new BoundedLru({ maxEntries: 10, maxBytes: 1e9 });
    lru.set('k', entry('v', [], 1000, 0));
    expect(lru.get('k', 4999)?.body).toBe('v');
    expect(lru.get('k', 5000)).toBeUndefined();
    expect(lru.size).toBe(0);
  });

  it('purges physically expired entries and clears by prefix', () => {
    const lru = new BoundedLru({ maxEntries: 10, maxBytes: 1e9 });
    lru.set('restaurants:a', entry('1', [], 1000, 0));
    lru.set('restaurants:b', entry('2', [], 10_000, 0));
    lru.set('orders:c', entry('3', [], 10_000, 0));
    expect(lru.purgeExpired(6000)).toBe(1);
    expect(lru.deletePrefixed('restaurants:')).toBe(1);
    expect([...lru.entries()].map(([key]) => key)).toEqual(['orders:c']);
  });
});
