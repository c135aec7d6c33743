import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { PREFIX_ALIASES, ROUTE_ALIASES } from '../src/common/http/route-aliases.js';
import { API_TAGS } from '../src/common/http/api-tags.js';
import { serialiseOpenApi } from '../src/common/http/openapi.js';
import type { HttpClient, HttpResponse } from './support/http-client.js';
import { insertCustomer, insertMenuItem, insertOrder, insertRestaurant } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Every path the four earlier versions' READMEs (000-003) documented, as they wrote it (trailing
 * slashes included), with the placeholders filled from data arranged here. Each must answer
 * with the success status the canonical route gives.
 */
interface World {
  restaurant: number;
  customer: number;
  menuItem: number;
  delivered: number[];
  placed: number[];
  /** Rows nothing refers to, one per documented DELETE: by version, what each version deletes. */
  spare: Record<'002' | '003', { customer: number; restaurant: number; menuItem: number }>;
}
type Call = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: (w: World) => string; body?: (w: World) => unknown; status?: number };

const get = (path: Call['path'], status = 200): Call => ({ method: 'GET', path, status });
const EARLIER_PATHS: Record<string, Call[]> = {
  '003': [
    {
      method: 'POST',
      path: () => '/customers/',
      body: () => ({ name: 'Compat Customer', email: 'compat003@example.com', phone_number: '+1-555-0300', address: '3 Old St' }),
      status: 201,
    },
    get(() => '/customers/'),
    get((w) => `/customers/${w.customer}`),
    { method: 'PUT', path: (w) => `/customers/${w.customer}`, body: () => ({ address: '4 New St' }), status: 200 },
    get((w) => `/customers/${w.customer}/orders`),
    get((w) => `/customers/${w.customer}/reviews`),
    get((w) => `/customers/${w.customer}/analytics`),
    { method: 'DELETE', path: (w) => `/customers/${w.spare['003'].customer}`, status: 204 },
    {
      method: 'POST',
      path: (w) => `/customers/${w.customer}/orders/`,
      body: (w) => ({
        restaurant_id: w.restaurant,
        delivery_address: '123 Main St',
        special_instructions: 'Leave at door',
        order_items: [{ menu_item_id: w.menuItem, quantity: 2, special_requests: 'extra spicy' }],
      }),
      status: 201,
    },
    get((w) => `/orders/${w.placed[0]}`),
    { method: 'PUT', path: (w) => `/orders/${w.placed[0]}/status`, body: () => ({ order_status: 'confirmed' }), status: 200 },
    get((w) => `/restaurants/${w.restaurant}/orders`),
    // The customer is the order's own: an admin names them with customer_id, as 002's example does.
    {
      method: 'POST',
      path: (w) => `/orders/${w.delivered[0]}/review?customer_id=${w.customer}`,
      body: () => ({ rating: 5, comment: 'Amazing food and fast delivery!' }),
      status: 201,
    },
    get((w) => `/restaurants/${w.restaurant}/reviews`),
    get(() => '/restaurants/search?cuisine=Italian'),
    get((w) => `/restaurants/${w.restaurant}/analytics`),
    get(() => '/cache/health'),
    get(() => '/cache/stats/namespaces'),
    get(() => '/cache/memory-usage'),
    { method: 'DELETE', path: () => '/cache/clear/expired', status: 200 },
    { method: 'POST', path: () => '/cache/warm/restaurants', status: 200 },
    get(() => '/analytics/cache-performance'),
  ],
  '002': [
    {
      method: 'POST',
      path: () => '/restaurants/',
      body: () => ({
        name: 'Compat Pizzeria',
        description: 'x',
        cuisine_type: 'Italian',
        address: '1 Compat Way',
        phone_number: '+1-555-0123',
        rating: 4.5,
        is_active: true,
      }),
      status: 201,
    },
    get(() => '/restaurants/'),
    get((w) => `/restaurants/${w.restaurant}`),
    { method: 'PUT', path: (w) => `/restaurants/${w.restaurant}`, body: () => ({ description: 'Updated' }), status: 200 },
    get(() => '/restaurants/search?cuisine=Italian'),
    get(() => '/restaurants/active'),
    {
      method: 'POST',
      path: (w) => `/restaurants/${w.restaurant}/menu-items/`,
      body: () => ({
        name: 'Compat Margherita',
        description: 'x',
        price: 12.99,
        category: 'Main Course',
        is_vegetarian: true,
        is_vegan: false,
        is_available: true,
        preparation_time: 15,
      }),
      status: 201,
    },
    get((w) => `/restaurants/${w.restaurant}/menu`),
    get((w) => `/restaurants/${w.restaurant}/with-menu`),
    get(() => '/menu-items/'),
    get((w) => `/menu-items/${w.menuItem}`),
    get((w) => `/menu-items/${w.menuItem}/with-restaurant`),
    { method: 'PUT', path: (w) => `/menu-items/${w.menuItem}`, body: () => ({ description: 'Updated' }), status: 200 },
    get(() => '/menu-items/search?category=Main%20Course'),
    { method: 'DELETE', path: (w) => `/menu-items/${w.spare['002'].menuItem}`, status: 204 },
    { method: 'DELETE', path: (w) => `/restaurants/${w.spare['002'].restaurant}`, status: 204 },
    {
      method: 'POST',
      path: () => '/customers/',
      body: () => ({ name: 'Compat Customer 2', email: 'compat002@example.com', phone_number: '+1-555-0200', address: '2 Old St' }),
      status: 201,
    },
    get(() => '/customers/'),
    get((w) => `/customers/${w.customer}`),
    { method: 'PUT', path: (w) => `/customers/${w.customer}`, body: () => ({ address: '5 New St' }), status: 200 },
    { method: 'DELETE', path: (w) => `/customers/${w.spare['002'].customer}`, status: 204 },
    get((w) => `/customers/${w.customer}/orders`),
    get((w) => `/customers/${w.customer}/analytics`),
    {
      method: 'POST',
      path: (w) => `/orders/customers/${w.customer}/orders/`,
      body: (w) => ({
        restaurant_id: w.restaurant,
        delivery_address: '1 Compat Way',
        order_items: [{ menu_item_id: w.menuItem, quantity: 1 }],
      }),
      status: 201,
    },
    get((w) => `/orders/${w.placed[1]}`),
    // 002's example sends a delivery time without a zone: read as UTC.
    { method: 'PUT', path: (w) => `/orders/${w.placed[1]}/status`, body: () => ({ order_status: 'cancelled' }), status: 200 },
    get((w) => `/orders/customers/${w.customer}/orders`),
    get((w) => `/orders/restaurants/${w.restaurant}/orders`),
    {
      method: 'POST',
      path: (w) => `/reviews/orders/${w.delivered[1]}/review?customer_id=${w.customer}`,
      body: () => ({ rating: 4, comment: 'Good' }),
      status: 201,
    },
    get((w) => `/reviews/restaurants/${w.restaurant}/reviews`),
    get((w) => `/reviews/customers/${w.customer}/reviews`),
    get((w) => `/reviews/restaurants/${w.restaurant}/analytics`),
    { method: 'POST', path: () => '/demo/sample-data', status: 201 },
    { method: 'DELETE', path: () => '/demo/sample-data', status: 204 },
    get(() => '/cache/stats'),
    get(() => '/demo/cache-performance-test'),
    get(() => '/cache/stats/detailed'),
    get(() => '/cache/info'),
    { method: 'DELETE', path: () => '/cache/clear', status: 200 },
    ...['restaurants', 'menu-items', 'search', 'analytics', 'restaurant-menus', 'customers', 'orders', 'reviews'].map((target): Call => ({
      method: 'DELETE',
      path: () => `/cache/clear/${target}`,
      status: 200,
    })),
    get(() => '/cache/metrics/hit-ratio'),
    get(() => '/cache/metrics/memory-usage'),
    get(() => '/cache/performance/comprehensive-report'),
    get((w) => `/cache/demo/cache-test/${w.restaurant}`),
    get(() => '/cache/demo/performance-comparison'),
    { method: 'POST', path: () => '/cache/warm', status: 200 },
    { method: 'POST', path: () => '/cache/warm/popular', status: 200 },
    get(() => '/menu-items/dietary/vegetarian'),
    get(() => '/menu-items/category/appetizers'),
    get((w) => `/restaurants/${w.restaurant}/analytics`),
    get(() => '/restaurants/analytics/popular-cuisines'),
    get(() => '/restaurants/analytics/price-ranges'),
    get((w) => `/realtime/delivery-slots/${w.restaurant}`),
    get((w) => `/realtime/restaurant-availability/${w.restaurant}`),
    get((w) => `/realtime/dynamic-pricing/${w.restaurant}`),
    get((w) => `/realtime/order-tracking/${w.delivered[0]}`),
    get((w) => `/realtime/notifications/${w.customer}`),
    get(() => '/analytics/revenue/daily?date=2024-01-01'),
    get(() => '/analytics/customers/behavior?period=7d'),
    get((w) => `/analytics/restaurants/performance?restaurant_id=${w.restaurant}`),
    get(() => '/analytics/popular-items?period=7d&limit=10'),
    { method: 'POST', path: () => '/analytics/refresh/revenue', status: 202 },
    get(() => '/cache/health'),
    get(() => '/cache/stats/namespaces'),
    get(() => '/cache/memory-usage'),
    { method: 'DELETE', path: () => '/cache/clear/expired', status: 200 },
    { method: 'POST', path: () => '/cache/warm/restaurants', status: 200 },
    get(() => '/docs'),
    get(() => '/redoc'),
  ],
  '001': [
    get(() => '/cache/health'),
    get(() => '/cache/stats/namespaces'),
    get(() => '/cache/memory-usage'),
    ...['restaurants', 'menu-items', 'orders', 'analytics'].map((target): Call => ({
      method: 'DELETE',
      path: () => `/cache/clear/${target}`,
      status: 200,
    })),
    { method: 'DELETE', path: () => '/cache/clear/expired', status: 200 },
    { method: 'POST', path: () => '/cache/warm/restaurants', status: 200 },
    { method: 'POST', path: () => '/cache/warm/menu-items', status: 200 },
    get(() => '/cache/stats/detailed'),
    get(() => '/cache/keys/restaurants'),
    get(() => '/cache/performance/namespace/restaurants'),
    get(() => '/cache/health/detailed'),
    get(() => '/enterprise/patterns/write-through'),
    get(() => '/enterprise/patterns/cache-aside'),
    {
      method: 'POST',
      path: () => '/enterprise/invalidation/cascade',
      body: (w) => ({ entity: 'restaurant', id: w.restaurant }),
      status: 200,
    },
    { method: 'POST', path: () => '/enterprise/warming/predictive', body: () => ({}), status: 200 },
    get(() => '/enterprise/analytics/patterns'),
    get(() => '/enterprise/performance/report'),
    get((w) => `/enterprise/security/validate/sessions?user_id=${w.customer}`),
    {
      method: 'POST',
      path: () => '/enterprise/security/secure-key',
      body: () => ({ namespace: 'sessions', key: 'customer:5:cart' }),
      status: 200,
    },
  ],
  '000': [
    get(() => '/analytics/popular-items'),
    get((w) => `/analytics/customer-insights/${w.customer}`),
    get((w) => `/analytics/restaurant-performance/${w.restaurant}`),
    get(() => '/analytics/revenue-analytics'),
    get(() => '/analytics/cache-performance'),
    get((w) => `/real-time/order-tracking/${w.delivered[0]}`),
    get((w) => `/real-time/restaurant-availability/${w.restaurant}`),
    get((w) => `/real-time/delivery-slots?restaurant_id=${w.restaurant}`),
    get(() => '/real-time/live-orders'),
    {
      method: 'POST',
      path: (w) => `/real-time/update-order-status/${w.placed[2]}`,
      body: () => ({ order_status: 'confirmed' }),
      status: 200,
    },
    get(() => '/cache/health'),
    get(() => '/cache/stats/namespaces'),
    get(() => '/cache/memory-usage'),
    { method: 'DELETE', path: () => '/cache/clear/expired', status: 200 },
    { method: 'POST', path: () => '/cache/warm/restaurants', status: 200 },
    get(() => '/cache/performance-report'),
    get(() => '/demo/load-test/restaurants?requests=20&concurrency=2'),
    { method: 'POST', path: () => '/demo/create-sample-enterprise-data', status: 201 },
    get(() => '/demo/enterprise-features-showcase'),
    get(() => '/docs'),
  ],
};

/** Fields that differ between two calls of one route whatever path reached it (clocks, timings, ids made per call). */
const VOLATILE =
  /(^request_id$|_at|_ms|_since|since|_until|^id$|^order_date$|^order_id$|^timestamp$|^checked_at$|duration|latency|elapsed|uptime|^ping)/;
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !VOLATILE.test(key))
        .map(([key, inner]) => [key, stable(inner)]),
    );
  }
  return value;
}

/** The fields of a body and the types of their values, arrays by their first element. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, shape(inner)]));
  }
  return value === null ? 'null' : typeof value;
}

const summary = (response: HttpResponse) => ({ status: response.status, xCache: response.headers.get('x-cache'), body: response.body });

describe('Earlier versions of the API (000-003)', () => {
  let t: TestApp;
  let world: World;

  beforeAll(async () => {
    // A secret for POST /enterprise/security/secure-key, which 001 documents.
    t = await startTestApp({ env: { CACHE_KEY_SECRET: 'api-compat-cache-key-secret-0123456789' } });
    const restaurant = await insertRestaurant(t.db, { cuisine_type: 'Italian', rating: 4.5, capacity: 20 });
    const menuItem = await insertMenuItem(t.db, restaurant, { is_vegetarian: true, category: 'Main Course', price: '12.50' });
    const customer = await insertCustomer(t.db);
    const item: [number, number, string] = [menuItem, 1, '12.50'];
    const delivered = [];
    for (let i = 0; i < 4; i += 1) {
      delivered.push(
        await insertOrder(t.db, {
          customer_id: customer,
          restaurant_id: restaurant,
          order_status: 'delivered',
          delivery_time: new Date(),
          items: [item],
        }),
      );
    }
    const placed = [];
    for (let i = 0; i < 6; i += 1)
      placed.push(await insertOrder(t.db, { customer_id: customer, restaurant_id: restaurant, items: [item] }));
    const spareRows = async () => {
      const spareRestaurant = await insertRestaurant(t.db);
      return { customer: await insertCustomer(t.db), restaurant: spareRestaurant, menuItem: await insertMenuItem(t.db, restaurant) };
    };
    world = { restaurant, customer, menuItem, delivered, placed, spare: { '002': await spareRows(), '003': await spareRows() } };
  });

  afterAll(async () => {
    await t?.close();
  }, 180_000);

  for (const [version, calls] of Object.entries(EARLIER_PATHS)) {
    it(`answers every path ${version}'s README documents, as documented`, async () => {
      const answers: string[] = [];
      const expected: string[] = [];
      for (const call of calls) {
        const path = call.path(world);
        const response = await t.admin.request(call.method, path, call.body?.(world));
        answers.push(`${call.method} ${path} -> ${response.status}${response.status >= 400 ? ` ${response.text.slice(0, 200)}` : ''}`);
        expected.push(`${call.method} ${path} -> ${call.status}`);
      }
      expect(answers).toEqual(expected);
    });
  }

  describe('aliases', () => {
    it('a GET alias is answered from the cache entry its canonical route stored, and the reverse', async () => {
      // Fresh rows for each direction, so each first request finds no entry and stores one.
      const fresh = async () => {
        const restaurant = await insertRestaurant(t.db, { capacity: 10 });
        const menuItem = await insertMenuItem(t.db, restaurant);
        const customer = await insertCustomer(t.db);
        const order = await insertOrder(t.db, { customer_id: customer, restaurant_id: restaurant, items: [[menuItem, 1, '10.00']] });
        await t.admin.post(
          `/reviews/orders/${await insertOrder(t.db, { customer_id: customer, restaurant_id: restaurant, order_status: 'delivered', delivery_time: new Date(), items: [[menuItem, 1, '10.00']] })}/review?customer_id=${customer}`,
          { rating: 4 },
        );
        return { restaurant, customer, order };
      };
      const pairs = (w: { restaurant: number; customer: number; order: number }): Array<[string, string]> => [
        [`/restaurants/${w.restaurant}/orders?limit=5`, `/orders/restaurants/${w.restaurant}/orders?limit=5`],
        [`/restaurants/${w.restaurant}/reviews`, `/reviews/restaurants/${w.restaurant}/reviews`],
        [`/real-time/delivery-slots?restaurant_id=${w.restaurant}`, `/realtime/delivery-slots/${w.restaurant}`],
        [`/real-time/restaurant-availability/${w.restaurant}`, `/realtime/restaurant-availability/${w.restaurant}`],
        [`/real-time/dynamic-pricing/${w.restaurant}`, `/realtime/dynamic-pricing/${w.restaurant}`],
        [`/real-time/order-tracking/${w.order}`, `/realtime/order-tracking/${w.order}`],
        [`/real-time/notifications/${w.customer}`, `/realtime/notifications/${w.customer}`],
        [`/analytics/restaurant-performance/${w.restaurant}`, `/analytics/restaurants/performance?restaurant_id=${w.restaurant}`],
        // Session entries (the caller's own): one entry per caller for both paths.
        [`/customers/${w.customer}/orders?limit=5`, `/orders/customers/${w.customer}/orders?limit=5`],
        [`/customers/${w.customer}/reviews`, `/reviews/customers/${w.customer}/reviews`],
        [`/reviews/restaurants/${w.restaurant}/analytics`, `/restaurants/${w.restaurant}/analytics`],
      ];
      const [forward, reverse] = [await fresh(), await fresh()];
      const checks: Array<[string, string]> = [
        ...pairs(forward),
        ...pairs(reverse).map(([alias, canonical]): [string, string] => [canonical, alias]),
      ];
      for (const [first, second] of checks) {
        const filled = await t.admin.get(first);
        const fromCache = await t.admin.get(second);
        const again = await t.admin.get(first);
        expect({ first, status: filled.status, xCache: filled.headers.get('x-cache') }).toEqual({ first, status: 200, xCache: 'MISS' });
        // The second path found the entry the first stored: one entry for both.
        expect({ second, ...summary(fromCache) }).toEqual({ second, ...summary(again) });
        expect({ second, xCache: fromCache.headers.get('x-cache') }).toEqual({ second, xCache: 'HIT-L1' });
        expect({ second, body: fromCache.body }).toEqual({ second, body: filled.body });
      }
      // The alias's other spelling (the id in the path) finds that entry too.
      const spelling = await t.admin.get(`/real-time/delivery-slots/${reverse.restaurant}`);
      expect(spelling.headers.get('x-cache')).toBe('HIT-L1');
    });

    it('uncached and operations aliases answer as their canonical routes do', async () => {
      const pairs: Array<[string, string]> = [
        ['/cache/performance-report', '/cache/performance/comprehensive-report'],
        ['/cache/metrics/memory-usage', '/cache/memory-usage'],
        ['/real-time/live-orders', '/realtime/live-orders'],
      ];
      for (const [alias, canonical] of pairs) {
        await t.admin.get(canonical); // a cached route (live orders) then answers both from its one entry
        const [a, c] = [await t.admin.get(alias), await t.admin.get(canonical)];
        // Live measurements (Redis memory, timings) change between two calls: the same fields, with values of the same types.
        expect({ alias, status: a.status, xCache: a.headers.get('x-cache'), body: shape(a.body) }).toEqual({
          alias,
          status: c.status,
          xCache: c.headers.get('x-cache'),
          body: shape(c.body),
        });
      }
    });

    it('POST aliases run the canonical handler: the same status and the same answer', async () => {
      const w = world;
      const order = (client: HttpClient, path: string) =>
        client.post(path, {
          restaurant_id: w.restaurant,
          delivery_address: '9 Alias Rd',
          order_items: [{ menu_item_id: w.menuItem, quantity: 1 }],
        });
      const [a, c] = [
        await order(t.admin, `/customers/${w.customer}/orders`),
        await order(t.admin, `/orders/customers/${w.customer}/orders`),
      ];
      expect([a.status, c.status]).toEqual([201, 201]);
      expect(stable(a.body)).toEqual(stable(c.body));

      const review = (path: string) => t.admin.post(path, { rating: 3, comment: 'Fine' });
      const [ra, rc] = [
        await review(`/orders/${w.delivered[2]}/review?customer_id=${w.customer}`),
        await review(`/reviews/orders/${w.delivered[3]}/review?customer_id=${w.customer}`),
      ];
      expect([ra.status, rc.status]).toEqual([201, 201]);
      expect(stable(ra.body)).toEqual(stable(rc.body));
      // Reviewing the same order again: the same refusal by both paths.
      const [again, againCanonical] = [
        await review(`/orders/${w.delivered[2]}/review?customer_id=${w.customer}`),
        await review(`/reviews/orders/${w.delivered[2]}/review?customer_id=${w.customer}`),
      ];
      expect(againCanonical.status).toBe(409);
      expect(stable({ ...again.body, path: null })).toEqual(stable({ ...againCanonical.body, path: null }));

      const status = (path: string) => t.admin.post(path, { order_status: 'confirmed' });
      const [sa, sc] = [
        await status(`/real-time/update-order-status/${w.placed[3]}`),
        await status(`/realtime/update-order-status/${w.placed[4]}`),
      ];
      expect([sa.status, sc.status]).toEqual([200, 200]);
    });

    it('keeps the access rules and validation of the canonical route', async () => {
      const w = world;
      const same = async (alias: string, canonical: string, method: 'GET' | 'POST' = 'GET', body?: unknown) => {
        const [a, c] = [await t.http.request(method, alias, body), await t.http.request(method, canonical, body)];
        expect({ alias, status: a.status, errors: a.body?.errors, message: a.body?.message }).toEqual({
          alias,
          status: c.status,
          errors: c.body?.errors,
          message: c.body?.message,
        });
        return a.status;
      };
      expect(await same(`/restaurants/${w.restaurant}/orders`, `/orders/restaurants/${w.restaurant}/orders`)).toBe(401);
      expect(await same(`/customers/${w.customer}/orders`, `/orders/customers/${w.customer}/orders`, 'POST', {})).toBe(401);
      expect(await same('/cache/performance-report', '/cache/performance/comprehensive-report')).toBe(401);
      expect(await same('/demo/create-sample-enterprise-data', '/demo/sample-data', 'POST')).toBe(401);
      expect(await same(`/customers/${w.customer}/orders`, `/orders/customers/${w.customer}/orders`)).toBe(401);
      expect(await same(`/customers/${w.customer}/reviews`, `/reviews/customers/${w.customer}/reviews`)).toBe(401);
      expect(await same(`/reviews/restaurants/${w.restaurant}/analytics`, `/restaurants/${w.restaurant}/analytics`)).toBe(401);
      expect(await same('/cache/metrics/memory-usage', '/cache/memory-usage')).toBe(401);
      expect(await same('/real-time/delivery-slots?restaurant_id=07', '/realtime/delivery-slots/07')).toBe(400);
      expect(await same('/analytics/restaurant-performance/x', '/analytics/restaurants/performance?restaurant_id=x')).toBe(401);
      const adminSame = async (alias: string, canonical: string) => {
        const [a, c] = [await t.admin.get(alias), await t.admin.get(canonical)];
        expect({ alias, status: a.status, errors: a.body?.errors }).toEqual({ alias, status: c.status, errors: c.body?.errors });
        return a.status;
      };
      expect(await adminSame('/analytics/restaurant-performance/x', '/analytics/restaurants/performance?restaurant_id=x')).toBe(400);
      expect(await adminSame('/restaurants/0/reviews', '/reviews/restaurants/0/reviews')).toBe(400);
      expect(
        await adminSame('/customers/0/orders?from=2024-01-02&to=2024-01-01', '/orders/customers/0/orders?from=2024-01-02&to=2024-01-01'),
      ).toBe(400);
      expect(await adminSame(`/customers/${w.customer}/reviews?limit=0`, `/reviews/customers/${w.customer}/reviews?limit=0`)).toBe(400);
      expect(await adminSame('/reviews/restaurants/2147483000/analytics', '/restaurants/2147483000/analytics')).toBe(404);
      expect(await adminSame('/restaurants/2147483000/reviews', '/reviews/restaurants/2147483000/reviews')).toBe(404);

      const missing = await t.http.get('/real-time/delivery-slots');
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([
        { field: 'restaurant_id', rule: 'required', message: 'restaurant_id is required (in the query)' },
      ]);
    });
  });

  describe('the API document', () => {
    let document: any;
    beforeAll(async () => {
      document = (await t.admin.get('/docs-json')).body;
    });

    it('is the committed openapi.json (regenerate with npm run openapi)', () => {
      const committed = readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');
      expect(serialiseOpenApi(document)).toBe(committed);
    });

    it('documents every alias as deprecated, naming its canonical route', () => {
      const aliases = ROUTE_ALIASES.map((alias) => [alias.method.toLowerCase(), alias.alias, alias.canonical]);
      for (const [path, item] of Object.entries<any>(document.paths)) {
        for (const prefix of PREFIX_ALIASES) {
          if (!path.startsWith(prefix.canonical)) continue;
          for (const method of Object.keys(item)) aliases.push([method, prefix.alias + path.slice(prefix.canonical.length), path]);
        }
      }
      expect(aliases.length).toBeGreaterThan(ROUTE_ALIASES.length + 8);
      for (const [method, alias, canonical] of aliases) {
        const toOpenApi = (p: string) => p.replace(/:(\w+)/g, '{$1}');
        const operation = document.paths[toOpenApi(alias)]?.[method];
        expect({ alias, deprecated: operation?.deprecated }).toEqual({ alias, deprecated: true });
        expect(operation.description).toContain(`\`${method.toUpperCase()} ${toOpenApi(canonical)}\``);
        expect(document.paths[toOpenApi(canonical)][method].deprecated).toBeUndefined();
      }
    });

    it('lists 429 and 503 on every operation, 400 wherever it takes input, and names every tag once with a description', () => {
      const declared = document.tags.map((tag: any) => tag.name);
      expect(declared).toEqual(API_TAGS.map((tag) => tag.name));
      expect(document.tags.every((tag: any) => tag.description.length > 0)).toBe(true);
      const gaps: string[] = [];
      for (const [path, item] of Object.entries<any>(document.paths)) {
        for (const [method, operation] of Object.entries<any>(item)) {
          const statuses = Object.keys(operation.responses);
          const needs = ['429', '503'];
          if ((operation.parameters ?? []).some((p: any) => p.in === 'path' || p.in === 'query') || operation.requestBody)
            needs.push('400');
          for (const status of needs) if (!statuses.includes(status)) gaps.push(`${method} ${path}: ${status}`);
          for (const tag of operation.tags ?? []) if (!declared.includes(tag)) gaps.push(`${method} ${path}: tag ${tag}`);
        }
      }
      expect(gaps).toEqual([]);
    });

    it('serves ReDoc at /redoc on the same document', async () => {
      const page = await t.http.get('/redoc');
      expect(page.status).toBe(200);
      expect(page.text).toContain('spec-url="/docs-json"');
      const bundle = await t.http.get('/redoc/redoc.standalone.js');
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toContain('javascript');
    });
  });

  describe('behaviour earlier versions documented', () => {
    it('reads a delivery time without a zone as UTC, and still refuses times that do not exist', async () => {
      const hourAgo = new Date(Date.now() - 3_600_000);
      const order = await insertOrder(t.db, {
        customer_id: world.customer,
        restaurant_id: world.restaurant,
        order_status: 'out_for_delivery',
        order_date: hourAgo,
        items: [[world.menuItem, 1, '12.50']],
      });
      const bad = await t.admin.put(`/orders/${order}/status`, { order_status: 'delivered', delivery_time: '2024-01-15T25:30:00' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: any) => e.field)).toContain('delivery_time');
      const zoneless = new Date(Date.now() - 1_800_000).toISOString().slice(0, 19);
      const good = await t.admin.put(`/orders/${order}/status`, { order_status: 'delivered', delivery_time: zoneless });
      expect(good.status).toBe(200);
      expect(good.body.delivery_time).toBe(`${zoneless}.000Z`);
    });

    it('filters order histories by from and to, and refuses a range that ends before it starts', async () => {
      const customer = await insertCustomer(t.db);
      const at = (iso: string) =>
        insertOrder(t.db, {
          customer_id: customer,
          restaurant_id: world.restaurant,
          order_date: new Date(iso),
          items: [[world.menuItem, 1, '12.50']],
        });
      const [first, second, third] = [await at('2024-01-01T10:00:00Z'), await at('2024-01-02T00:00:00Z'), await at('2024-01-03T12:00:00Z')];
      const ids = async (query: string) => {
        const response = await t.admin.get(`/customers/${customer}/orders?${query}`);
        expect(response.status).toBe(200);
        return response.body.map((order: { id: number }) => order.id);
      };
      expect(await ids('from=2024-01-01&to=2024-01-01')).toEqual([first]);
      expect(await ids('from=2024-01-02')).toEqual([third, second]);
      expect(await ids('to=2024-01-02T00:00:00')).toEqual([first]);
      expect(await ids('from=2024-01-01T10:00:00Z&to=2024-01-03T12:00:00Z')).toEqual([second, first]);
      const backwards = await t.admin.get(`/orders/restaurants/${world.restaurant}/orders?from=2024-01-02&to=2024-01-01`);
      expect(backwards.status).toBe(400);
      expect(backwards.body.errors).toEqual([
        { field: 'to', rule: 'notBeforeFrom', message: 'to must not be before from: the range would end before it starts' },
      ]);
      expect((await t.admin.get(`/customers/${customer}/orders?from=2024-02-30`)).status).toBe(400);
      expect(await ids('from=2024-01-02&to=2024-01-02T00:00:00Z')).toEqual([]);
    });

    it('answers popular items to anonymous callers, as trending information without revenue', async () => {
      const trending = await t.http.get('/analytics/popular-items');
      expect(trending.status).toBe(200);
      expect(trending.body.items.length).toBeGreaterThan(0);
      expect(Object.keys(trending.body.items[0]).sort()).toEqual(
        ['category', 'menu_item_id', 'name', 'orders', 'quantity', 'restaurant_id', 'restaurant_name'].sort(),
      );
      expect((await t.http.get('/analytics/popular-items/revenue')).status).toBe(401);
      expect((await t.admin.get('/analytics/popular-items/revenue')).body.items[0]).toHaveProperty('revenue');
    });

    it("GET /cache/stats samples each namespace's keys by SCAN and links to the rest", async () => {
      await t.http.get(`/restaurants/${world.restaurant}`);
      const stats = await t.admin.get('/cache/stats');
      expect(stats.status).toBe(200);
      const restaurants = stats.body.key_samples.find((sample: any) => sample.namespace === 'restaurants');
      expect(restaurants.more).toMatch(/^\/cache\/keys\/restaurants/);
      expect(restaurants.error).toBeNull();
      // The sample is one bounded SCAN page: Redis is shared with other suites, so the page may
      // have examined only their keys. The entry is then reached by following the link.
      const wanted = new RegExp(`(^|:)restaurant:${world.restaurant}$`);
      const seen: string[] = [...restaurants.keys];
      let link: string | null = restaurants.complete ? null : restaurants.more;
      for (let pages = 0; link && !seen.some((key) => wanted.test(key)) && pages < 1000; pages++) {
        const page = await t.admin.get(link);
        expect(page.status).toBe(200);
        seen.push(...page.body.keys.map((key: { key: string }) => key.key));
        link = page.body.cursor === '0' ? null : `/cache/keys/restaurants?cursor=${page.body.cursor}`;
      }
      expect(seen).toEqual(expect.arrayContaining([expect.stringMatching(wanted)]));
    });
  });

  it('the guided tour shows live figures of this instance', async () => {
    const before = (await t.admin.get('/demo/enterprise-features-showcase')).body;
    const reads = (tour: any) => tour.stops[0].figures.find((f: any) => f.name === 'reads').value as number;
    for (let i = 0; i < 3; i += 1) await t.http.get('/restaurants/analytics/popular-cuisines');
    const after = (await t.admin.get('/demo/enterprise-features-showcase')).body;
    expect(reads(after)).toBeGreaterThanOrEqual(reads(before) + 1);
    const paths = Object.keys((await t.admin.get('/docs-json')).body.paths);
    for (const stop of after.stops) {
      expect(stop.figures.length).toBeGreaterThan(0);
      expect(paths).toContain(stop.see.path);
    }
  });
});
