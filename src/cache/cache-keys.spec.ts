import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CachePolicies } from './cache-policies.js';
import { cacheKeyFor, encodeKeyPart, isSessionKey, normalisedQuery, urlFor } from './cache-keys.js';

const category = CachePolicies.menuItemsByCategory;
const keyOf = (value: string, query?: Record<string, unknown>) => cacheKeyFor(category, { category: value }, query);

describe('cache keys', () => {
  it('never lets a path value produce the key of a query', () => {
    const legitimate = keyOf('Desserts', { limit: '20', skip: '0' });
    expect(keyOf('Desserts?limit=20&skip=0')).not.toBe(legitimate);
    expect(keyOf('Desserts?limit=20&skip=0', {})).toBe('menu-items-category:Desserts%3Flimit%3D20%26skip%3D0');
    expect(legitimate).toBe('menu-items-category:Desserts?limit=20&skip=0');
  });

  it('never lets a query value produce the key of another query', () => {
    expect(keyOf('Desserts', { limit: '20&skip=0' })).not.toBe(keyOf('Desserts', { limit: '20', skip: '0' }));
    expect(keyOf('Desserts', { 'limit=20&skip': '0' })).not.toBe(keyOf('Desserts', { limit: '20', skip: '0' }));
  });

  it('keeps separators out of every encoded value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        expect(encodeKeyPart(value)).not.toMatch(/[:?&=]/);
      }),
    );
  });

  it('gives two different argument sets two different keys', () => {
    const args = fc.record({ category: fc.string({ unit: 'binary' }), query: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }) });
    fc.assert(
      fc.property(args, args, (a, b) => {
        fc.pre(
          a.category !== b.category || JSON.stringify(Object.entries(a.query).sort()) !== JSON.stringify(Object.entries(b.query).sort()),
        );
        expect(keyOf(a.category, a.query)).not.toBe(keyOf(b.category, b.query));
      }),
      { numRuns: 500 },
    );
  });

  it('encodes lone surrogates one-to-one instead of failing', () => {
    expect(encodeKeyPart('\uD800')).toBe('%ud800');
    expect(encodeKeyPart('\uD800')).not.toBe(encodeKeyPart('\uD801'));
    expect(encodeKeyPart('%ud800')).toBe('%25ud800');
  });

  it('keeps every value as sent: "05" and "5" are two keys, for an id (refused before it could store) and a category', () => {
    const restaurant = (id: string) => cacheKeyFor(CachePolicies.restaurant, { id }, {});
    expect(restaurant('05')).not.toBe(restaurant('5'));
    expect(restaurant('5')).toBe('restaurant:5');
    expect(keyOf('05')).not.toBe(keyOf('5'));
  });

  it('sorts query names and keeps repeated values in order', () => {
    expect(keyOf('Soups', { skip: '0', limit: '5' })).toBe(keyOf('Soups', { limit: '5', skip: '0' }));
    expect(keyOf('Soups', { a: ['1', '2'] })).not.toBe(keyOf('Soups', { a: ['2', '1'] }));
  });

  it('names the session owner the entry belongs to', () => {
    expect(cacheKeyFor(CachePolicies.customer, { id: '3' }, {}, 'customer:3')).toBe('owner=customer:3:customer:3');
  });

  it("keys a session entry by the signed-in principal when there is one, else by the route's owner (write-through)", () => {
    expect(cacheKeyFor(CachePolicies.customer, { id: '3' }, {}, 'operations')).toBe('owner=operations:customer:3');
    expect(cacheKeyFor(CachePolicies.customer, { id: '3' }, {})).toBe('owner=customer:3:customer:3');
  });

  it('puts path values in the order of their names, whatever order the router gives them in', () => {
    const policy = { ...CachePolicies.restaurant, name: 'pair' };
    expect(cacheKeyFor(policy, { b: '2', a: '1' }, {})).toBe('pair:1:2');
    expect(cacheKeyFor(policy, { a: '1', b: '2' }, {})).toBe('pair:1:2');
  });

  it('writes no query part for an absent or empty query, and an empty value for a missing one', () => {
    expect(normalisedQuery(undefined)).toBe('');
    expect(normalisedQuery({})).toBe('');
    expect(normalisedQuery({ a: undefined, b: null, c: '' })).toBe('?a=&b=&c=');
    expect(normalisedQuery({ 'a b': 'x&y' })).toBe('?a%20b=x%26y');
  });

  it('tells session entries from public ones by the key, whatever the namespace', () => {
    expect(isSessionKey('sessions:owner=customer:3:customer:3')).toBe(true);
    expect(isSessionKey('restaurants:restaurant:3')).toBe(false);
    // A public key whose value merely contains the text is not a session key.
    expect(isSessionKey(`menu-items:${cacheKeyFor(CachePolicies.menuItemsByCategory, { category: 'owner=x' }, {})}`)).toBe(false);
  });

  it('builds the URL that reaches a route with exactly the given arguments', () => {
    expect(urlFor('/menu-items/category/:category', { category: 'Desserts?limit=20&skip=0' }, { limit: '5' })).toBe(
      '/menu-items/category/Desserts%3Flimit%3D20%26skip%3D0?limit=5',
    );
    expect(urlFor('/restaurants', {}, {})).toBe('/restaurants');
    expect(() => urlFor('/restaurants/:id', {}, {})).toThrow(':id');
  });
});
