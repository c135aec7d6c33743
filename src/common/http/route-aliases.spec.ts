import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { aliasRefusal, createAliasRewriter } from './route-aliases.js';

const rewrite = createAliasRewriter();
const request = (method: string, url: string) => ({ method, url }) as IncomingMessage;
const rewritten = (method: string, url: string) => rewrite(request(method, url));

describe('createAliasRewriter', () => {
  it('leaves a canonical URL as it is, under an aliased first segment too', () => {
    for (const url of [
      '/',
      '/health',
      '/restaurants/1/with-menu',
      '/restaurants/1?x=1',
      '/restaurants/',
      '/customers/7',
      '/realtime/delivery-slots/3',
    ]) {
      expect(rewritten('GET', url)).toBe(url);
    }
  });

  it('rewrites an alias to its canonical route, keeping the query as sent', () => {
    expect(rewritten('GET', '/restaurants/5/orders?status=pending&page=2')).toBe('/orders/restaurants/5/orders?status=pending&page=2');
    expect(rewritten('POST', '/customers/9/orders')).toBe('/orders/customers/9/orders');
    expect(rewritten('GET', '/cache/performance-report')).toBe('/cache/performance/comprehensive-report');
  });

  it('matches an alias whatever the empty segments and trailing slashes, as the router would', () => {
    expect(rewritten('GET', '/restaurants/5/orders/')).toBe('/orders/restaurants/5/orders');
    expect(rewritten('GET', '/restaurants//5/reviews//?page=1')).toBe('/reviews/restaurants/5/reviews?page=1');
  });

  it('matches only the alias of the request method and segment count', () => {
    expect(rewritten('DELETE', '/restaurants/5/orders')).toBe('/restaurants/5/orders');
    expect(rewritten('POST', '/restaurants/5/orders')).toBe('/restaurants/5/orders');
    expect(rewritten('GET', '/restaurants/5/6/orders')).toBe('/restaurants/5/6/orders');
    expect(rewritten('GET', '/restaurants/orders')).toBe('/restaurants/orders');
  });

  it('moves parameters between the path and the query where the alias and the route differ', () => {
    expect(rewritten('GET', '/analytics/restaurant-performance/12')).toBe('/analytics/restaurants/performance?restaurant_id=12');
    expect(rewritten('GET', '/real-time/delivery-slots?restaurant_id=4')).toBe('/realtime/delivery-slots/4');
    expect(rewritten('GET', '/real-time/order-tracking/8')).toBe('/realtime/order-tracking/8');
  });

  it('records why it refuses an alias whose moved parameter is missing or whose query has more', () => {
    const missing = request('GET', '/real-time/delivery-slots');
    expect(rewrite(missing)).toBe('/real-time/delivery-slots');
    expect(aliasRefusal(missing)).toEqual(expect.objectContaining({ field: 'restaurant_id', rule: 'required' }));
    const extra = request('GET', '/real-time/delivery-slots?restaurant_id=4&x=1');
    expect(rewrite(extra)).toBe('/real-time/delivery-slots?restaurant_id=4&x=1');
    expect(aliasRefusal(extra)).toEqual(expect.objectContaining({ field: 'x', rule: 'unknown_field' }));
  });
});
