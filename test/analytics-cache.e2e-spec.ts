import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AnalyticsRefresher } from '../src/analytics/analytics-refresher.js';
import { CacheService } from '../src/cache/cache.service.js';
import { forgetCachedAnalytics, todayUtc } from './support/analytics-data.js';
import { insertCustomer, insertMenuItem, insertRestaurant } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ADMIN_TOKEN = 'analytics-admin-token-0123456789';
const ADMIN = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

/*
 * Orders are placed and moved through their workflow with the API, so the domain events drop the
 * cached figures exactly as in production; rows changed directly in SQL fire no event, which is
 * how the refresh suite shows that a refresh (and only it) brings the cache up to date.
 */
describe('analytics caching', () => {
  let t: TestApp;
  let restaurantId: number;
  let pizzaId: number;
  let customerId: number;
  const today = todayUtc();

  const routes = () => ({
    daily: `/analytics/revenue/daily?date=${today}`,
    revenue: '/analytics/revenue-analytics?period=7d',
    behavior: '/analytics/customers/behavior?period=7d',
    popular: '/analytics/popular-items?period=7d',
    popularRevenue: '/analytics/popular-items/revenue?period=7d',
    performance: `/analytics/restaurants/performance?restaurant_id=${restaurantId}`,
    insights: `/analytics/customer-insights/${customerId}`,
  });

  async function placeOrder(quantity: number): Promise<number> {
    const response = await t.admin.post(`/orders/customers/${customerId}/orders/`, {
      restaurant_id: restaurantId,
      delivery_address: '1 Test Street',
      order_items: [{ menu_item_id: pizzaId, quantity }],
    });
    expect(response.status).toBe(201);
    return response.body.id;
  }

  async function advance(orderId: number, ...statuses: string[]) {
    for (const status of statuses) {
      expect((await t.admin.put(`/orders/${orderId}/status`, { order_status: status })).status).toBe(200);
    }
  }

  /** Reads every route twice; the second read must come from L1 and equal the first. */
  async function readAllCached(): Promise<Record<string, any>> {
    const bodies: Record<string, any> = {};
    for (const [name, path] of Object.entries(routes())) {
      const first = await t.admin.get(path);
      expect([name, first.status]).toEqual([name, 200]);
      const second = await t.admin.get(path);
      expect([name, second.headers.get('x-cache')]).toEqual([name, 'HIT-L1']);
      expect(second.text).toBe(first.text);
      bodies[name] = first.body;
    }
    return bodies;
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_TOKEN } });
    restaurantId = await insertRestaurant(t.db, { name: 'Cache Pizza', cuisine_type: 'Italian' });
    pizzaId = await insertMenuItem(t.db, restaurantId, { name: 'Pizza', price: '12.50' });
    customerId = await insertCustomer(t.db, { name: 'Cached Customer' });
  });
  afterAll(() => t.close());

  describe('invalidation', () => {
    it('serves new figures after an order is placed', async () => {
      await placeOrder(1);
      const before = await readAllCached();
      await placeOrder(2);
      const after = await readAllCached();
      // The restaurant's and the customer's figures are dropped by the order...
      expect(after.performance[0].total_orders).toBe(before.performance[0].total_orders + 1);
      expect(after.insights.total_orders).toBe(before.insights.total_orders + 1);
      expect(after.insights.average_basket).toBe(18.75);
      // ...the platform-wide ones are served from the cache until the background refresh
      // (analytics-refresh.e2e-spec.ts times it against the bound).
      expect(after.behavior.total_orders).toBe(before.behavior.total_orders);
      await t.app.get(AnalyticsRefresher).refreshPlatform();
      const refreshed = await readAllCached();
      expect(refreshed.behavior.total_orders).toBe(before.behavior.total_orders + 1);
      expect(refreshed.popular.items[0].quantity).toBe(before.popular.items[0].quantity + 2);
      expect(refreshed.popularRevenue.items[0]).toMatchObject({
        quantity: before.popular.items[0].quantity + 2,
        revenue: before.popularRevenue.items[0].revenue + 25,
      });
    });

    it('serves new revenue and stage times after an order is delivered', async () => {
      const orderId = await placeOrder(3);
      const before = await readAllCached();
      await advance(orderId, 'confirmed', 'preparing', 'out_for_delivery', 'delivered');
      const after = await readAllCached();
      expect(after.daily.total_revenue).toBe(before.daily.total_revenue + 37.5);
      expect(after.daily.total_orders).toBe(before.daily.total_orders + 1);
      expect(after.performance[0].revenue).toBe(37.5);
      expect(after.insights.lifetime_spend).toBe(37.5);
      await t.app.get(AnalyticsRefresher).refreshPlatform();
      expect((await readAllCached()).revenue.total_revenue).toBe(before.revenue.total_revenue + 37.5);

      // The stage times come from the history the orders module recorded for these transitions.
      const [recorded] = await t.db.query(
        `SELECT round(extract(epoch FROM max(changed_at) - min(changed_at))::numeric / 60, 2)::float8 AS minutes
           FROM order_status_changes WHERE order_id = $1`,
        [orderId],
      );
      expect(after.performance[0].average_delivery_minutes).toBe(recorded.minutes);
    });

    it('computes stage times from back-dated history rows', async () => {
      const orderId = await placeOrder(1);
      await advance(orderId, 'confirmed', 'preparing', 'out_for_delivery', 'delivered');
      // Move this order's steps to known times: 3, 12 and 20 minutes apart, then 25 to the door.
      await t.db.query(
        `UPDATE order_status_changes c SET changed_at = date_trunc('second', now()) - make_interval(mins => steps.minutes)
           FROM (VALUES ('placed', 60), ('confirmed', 57), ('preparing', 45), ('out_for_delivery', 25), ('delivered', 0))
                AS steps(status, minutes)
          WHERE c.order_id = $1 AND c.to_status::text = steps.status`,
        [orderId],
      );
      // And the other delivered order's steps all at one instant, so the averages are exact.
      await t.db.query(`UPDATE order_status_changes SET changed_at = date_trunc('second', now()) WHERE order_id <> $1`, [orderId]);
      await forgetCachedAnalytics(t);
      const [performance] = (await t.admin.get(routes().performance)).body;
      // Two delivered orders: this one (60 minutes) and the other (0); stages over every order that reached both ends.
      expect(performance.average_delivery_minutes).toBe(30);
      const [{ confirmed_orders }] = await t.db.query(
        `SELECT count(*)::int AS confirmed_orders FROM order_status_changes WHERE to_status = 'confirmed'`,
      );
      expect(confirmed_orders).toBe(2);
      expect(performance.stage_minutes).toEqual({
        placed_to_confirmed: 1.5,
        confirmed_to_preparing: 6,
        preparing_to_out_for_delivery: 10,
        out_for_delivery_to_delivered: 12.5,
      });
    });
  });

  describe('popular items: a public trending list, and the revenue for admins', () => {
    const stored = (name: string, query: string) => t.app.get(CacheService).tiers.entry(`analytics:${name}?${query}`);

    it('keeps the public list and the revenue report in two entries: an anonymous read never meets revenue', async () => {
      await forgetCachedAnalytics(t);
      const query = 'limit=7&period=30d';
      // An admin fills the revenue report first...
      const report = await t.admin.get(`/analytics/popular-items/revenue?${query}`);
      expect(report.status).toBe(200);
      expect(report.headers.get('x-cache')).toBe('MISS');
      expect(report.body.items[0]).toHaveProperty('revenue');
      // ...an anonymous caller of the same query is not answered from it: its own entry, loaded now.
      const trending = await t.http.get(`/analytics/popular-items?${query}`);
      expect(trending.status).toBe(200);
      expect(trending.headers.get('x-cache')).toBe('MISS');
      expect(trending.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      expect(trending.text).not.toContain('revenue');
      expect(trending.body.items).toEqual(report.body.items.map(({ revenue: _revenue, ...item }: { revenue: number }) => item));
      // Admins calling the public path get that same public entry.
      const adminTrending = await t.admin.get(`/analytics/popular-items?${query}`);
      expect(adminTrending.headers.get('x-cache')).toBe('HIT-L1');
      expect(adminTrending.text).toBe(trending.text);
      // And the report stays for admins only, whatever the cache holds.
      expect((await t.http.get(`/analytics/popular-items/revenue?${query}`)).status).toBe(401);
      // Two entries, under two keys: only the admin report's holds revenue.
      expect((await stored('analytics-trending-items', query))?.body).toBe(trending.text);
      expect((await stored('analytics-popular-items-revenue', query))?.body).toBe(report.text);
    });

    it('drops both entries on the events that change them: a menu item renamed, a restaurant renamed', async () => {
      const paths = ['/analytics/popular-items?period=7d', '/analytics/popular-items/revenue?period=7d'];
      const readBoth = async () => Promise.all(paths.map((path) => t.admin.get(path)));
      for (const [change, rename, field] of [
        ['menu item', () => t.admin.put(`/menu-items/${pizzaId}`, { name: 'Pizza Renamed' }), 'name'],
        ['restaurant', () => t.admin.put(`/restaurants/${restaurantId}`, { name: 'Cache Pizza Renamed' }), 'restaurant_name'],
      ] as const) {
        await readBoth();
        expect((await readBoth()).map((r) => r.headers.get('x-cache'))).toEqual(['HIT-L1', 'HIT-L1']);
        expect((await rename()).status).toBe(200);
        const after = await readBoth();
        expect({ change, outcomes: after.map((r) => r.headers.get('x-cache')) }).toEqual({ change, outcomes: ['MISS', 'MISS'] });
        const item = (r: (typeof after)[number]) => r.body.items.find((i: { menu_item_id: number }) => i.menu_item_id === pizzaId);
        expect(after.map((r) => item(r)[field])).toEqual(
          change === 'menu item' ? ['Pizza Renamed', 'Pizza Renamed'] : ['Cache Pizza Renamed', 'Cache Pizza Renamed'],
        );
      }
    });
  });

  describe('POST /analytics/refresh/{type}', () => {
    it('needs the admin token', async () => {
      const response = await t.http.post('/analytics/refresh/revenue');
      expect(response.status).toBe(401);
      expect((await t.http.post('/analytics/refresh/revenue', undefined, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    });

    it('refuses an unknown type with a 400', async () => {
      const response = await t.admin.post('/analytics/refresh/everything', undefined, ADMIN);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { field: 'type', rule: 'isIn', message: 'type must be one of: revenue, customers, restaurants, popular-items' },
      ]);
    });

    it.each(['revenue', 'customers', 'restaurants', 'popular-items'])('answers 202 for %s with which variants it reloads', async (type) => {
      const response = await t.admin.post(`/analytics/refresh/${type}`, undefined, ADMIN);
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ type, status: 'accepted', recent_read_seconds: 1800, max_variants: 200 });
      await t.app.get(AnalyticsRefresher).settled();
    });

    it('replaces figures the cache still held from before a change', async () => {
      const path = '/analytics/popular-items?period=7d';
      const revenuePath = '/analytics/popular-items/revenue?period=7d';
      const cached = (await t.admin.get(path)).body.items[0].quantity;
      const cachedRevenue = (await t.admin.get(revenuePath)).body.items[0];
      // A change that fires no event: the cached figure stays as it was...
      await t.db.query('UPDATE order_items SET quantity = quantity + 10 WHERE id = (SELECT min(id) FROM order_items)');
      const stale = await t.admin.get(path);
      expect(stale.headers.get('x-cache')).toBe('HIT-L1');
      expect(stale.body.items[0].quantity).toBe(cached);

      // ...until a refresh recomputes it, in the background.
      expect((await t.admin.post('/analytics/refresh/popular-items', undefined, ADMIN)).status).toBe(202);
      await t.app.get(AnalyticsRefresher).settled();
      const refreshed = await t.admin.get(path);
      expect(refreshed.headers.get('x-cache')).toBe('HIT-L1');
      const [{ quantity }] = await t.db.query(
        `SELECT sum(oi.quantity)::int AS quantity FROM order_items oi JOIN orders o ON o.id = oi.order_id
          WHERE o.order_status <> 'cancelled' AND oi.menu_item_id = $1`,
        [pizzaId],
      );
      expect(refreshed.body.items[0].quantity).toBe(quantity);
      expect(quantity).toBe(cached + 10);
      // The admin report with revenue is reloaded by the same refresh.
      const refreshedRevenue = await t.admin.get(revenuePath);
      expect(refreshedRevenue.headers.get('x-cache')).toBe('HIT-L1');
      expect(refreshedRevenue.body.items[0].quantity).toBe(quantity);
      expect(refreshedRevenue.body.items[0].revenue).toBeGreaterThan(cachedRevenue.revenue);
    });
  });
});
