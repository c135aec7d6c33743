import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CascadeHarness, capitalised, expectStatus, type Json, type Probes, TiffinBuilder } from './support/cascade.js';
import type { HttpResponse } from './support/http-client.js';
import { deleteKeysUnderPrefix } from './support/redis-keys.js';
import { servicesForMultiInstanceSuite } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { eventually } from './support/eventually.js';

/*
 * The invalidation cascade: after each kind of write, every route that shows the changed data
 * answers the new data at once, on the instance that wrote and on the other one. Each test warms
 * the routes on both instances (a second read must be HIT-L1), writes, and reads every route
 * right after the write's response: no waiting, since a write answers only once the cache is
 * invalidated. A third instance without a cache, on the same database, says what fresh is.
 */

const redisUrl = await servicesForMultiInstanceSuite('test/cache-cascade.e2e-spec.ts');
const describeWithRedis = redisUrl ? describe : describe.skip;

const STATUSES = ['placed', 'confirmed', 'preparing', 'out_for_delivery', 'delivered', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];

/** orders_by_status as the analytics report it: every status, zeros included. */
const byStatus = (counts: Partial<Record<Status, number>>) => Object.fromEntries(STATUSES.map((status) => [status, counts[status] ?? 0]));

const ids = (response: HttpResponse) => (response.body as { id: number }[]).map((row) => row.id);
const total = (response: HttpResponse) => Number(response.headers.get('x-total-count'));
const q = encodeURIComponent;

describeWithRedis('cache cascade over two instances sharing Redis and Postgres', () => {
  const prefix = `tiffin-cascade-${randomBytes(4).toString('hex')}`;
  let a: TestApp;
  let b: TestApp;
  let oracle: TestApp;
  let cascade: CascadeHarness;
  let build: TiffinBuilder;

  /** Rows of `table` before `id` (optionally among those matching `where`): its offset in an id-ordered list. */
  const offsetOf = async (table: string, id: number, where = 'true') =>
    (await oracle.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE id < $1 AND (${where})`, [id]))[0].n as number;
  const countOf = async (table: string, where = 'true') =>
    (await oracle.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0].n as number;
  const truth = async (path: string) => expectStatus(await oracle.admin.get(path), 200, `GET ${path} (uncached)`);
  const cuisineRow = (response: HttpResponse, cuisine: string) => (response.body as Json[]).find((row) => row.cuisine_type === cuisine);

  /** Readiness, not correctness: L1 is used only once an instance's invalidation bus is up. */
  async function untilBothServeFromL1(): Promise<void> {
    for (const [name, app] of [
      ['A', a],
      ['B', b],
    ] as const) {
      await eventually(
        `${name} to serve from L1 (is its invalidation bus up?)`,
        async () => (await app.admin.get('/restaurants/analytics/price-ranges')).headers.get('x-cache') === 'HIT-L1',
      );
    }
  }

  beforeAll(async () => {
    const env = { REDIS_URL: redisUrl!, CACHE_PREFIX: prefix };
    a = await startTestApp({ env });
    b = await startTestApp({ env, database: a.database });
    oracle = await startTestApp({ env: { CACHE_ENABLED: 'false' }, database: a.database });
    cascade = new CascadeHarness({ name: 'A', app: a }, { name: 'B', app: b }, oracle);
    build = new TiffinBuilder(a.admin);
    await untilBothServeFromL1();
  });

  afterAll(async () => {
    await oracle?.close();
    await b?.close();
    await a?.close();
    await deleteKeysUnderPrefix(redisUrl!, prefix);
  });

  describe.each(['A', 'B'] as const)('written through %s', (writer) => {
    describe('restaurants', () => {
      it('created: full and active lists, searches by cuisine, location and rating, popular cuisines', async () => {
        const token = build.token();
        const cuisine = `Cuisine ${capitalised(token)}`;
        const address = `9 ${capitalised(token)} Road`;
        const [all, active] = [await countOf('restaurants'), await countOf('restaurants', 'is_active')];
        let created: Json;
        const probes: Probes = {
          [`/restaurants?skip=${all}&limit=10`]: (r) => {
            expect(r.body).toEqual([created]);
            expect(total(r)).toBe(all + 1);
          },
          [`/restaurants/active?skip=${active}&limit=10`]: (r) => {
            expect(r.body).toEqual([created]);
            expect(total(r)).toBe(active + 1);
          },
          [`/restaurants/search?cuisine=${q(cuisine.toLowerCase())}`]: (r) => expect(r.body).toEqual([created]),
          [`/restaurants/search?location=${q(token)}&min_rating=4.5`]: (r) => expect(r.body).toEqual([created]),
          '/restaurants/analytics/popular-cuisines': (r) =>
            expect(cuisineRow(r, cuisine)).toEqual({ cuisine_type: cuisine, restaurant_count: 1, average_rating: 4.5, total_orders: 0 }),
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          const body = {
            name: `Created ${capitalised(token)}`,
            cuisine_type: cuisine.toLowerCase(),
            address,
            phone_number: '+1-555-0100',
            rating: 4.5,
          };
          created = expectStatus(await http.post('/restaurants', body), 201, 'creating the restaurant');
          expect(created).toMatchObject({ cuisine_type: cuisine, rating: 4.5, is_active: true });
        });
        expect(stale).toEqual([]);
      });

      it('updated (name, cuisine_type, rating, is_active): detail, lists, searches, with-menu, analytics, orders, menu item and customer views', async () => {
        const restaurant = await build.restaurant({ rating: 3 });
        const item = await build.menuItem(restaurant.id);
        const customer = await build.customer();
        const order = await build.order(customer.id, restaurant.id, [[item.id, 2]]);
        const token = build.token();
        const name = `Renamed ${capitalised(token)}`;
        const cuisine = `Cuisine ${capitalised(token)}`;
        const offset = await offsetOf('restaurants', restaurant.id);
        const activeOffset = await offsetOf('restaurants', restaurant.id, 'is_active');
        const activeCount = await countOf('restaurants', 'is_active');
        const changed = { name, cuisine_type: cuisine, rating: 4.8, is_active: false };
        let updated: Json;
        const embedsNewName = (party: Json) => expect(party).toEqual({ id: restaurant.id, name });
        const probes: Probes = {
          [`/restaurants/${restaurant.id}`]: (r) => {
            expect(r.body).toMatchObject(changed);
            expect(r.body).toEqual(updated);
          },
          [`/restaurants?skip=${offset}&limit=1`]: (r) => expect(r.body).toEqual([updated]),
          [`/restaurants/active?skip=${activeOffset}&limit=1`]: (r) => {
            expect(ids(r)).not.toContain(restaurant.id);
            expect(total(r)).toBe(activeCount - 1);
          },
          [`/restaurants/search?cuisine=${q(restaurant.cuisine_type)}`]: (r) => expect(r.body).toEqual([]),
          [`/restaurants/search?cuisine=${q(cuisine)}`]: (r) => expect(r.body).toEqual([updated]),
          [`/restaurants/search?location=${q(restaurant.address)}&min_rating=4.8`]: (r) => expect(r.body).toEqual([updated]),
          [`/restaurants/search?location=${q(restaurant.address)}&is_active=true`]: (r) => expect(r.body).toEqual([]),
          [`/restaurants/${restaurant.id}/with-menu`]: (r) => expect(r.body).toEqual({ ...updated, menu_items: [item] }),
          '/restaurants/analytics/popular-cuisines': (r) => {
            expect(cuisineRow(r, restaurant.cuisine_type)).toBeUndefined();
            expect(cuisineRow(r, cuisine)).toEqual({ cuisine_type: cuisine, restaurant_count: 1, average_rating: 4.8, total_orders: 1 });
          },
          [`/restaurants/${restaurant.id}/analytics`]: (r) => expect(r.body.restaurant_name).toBe(name),
          [`/reviews/restaurants/${restaurant.id}/analytics`]: (r) => expect(r.body.restaurant_name).toBe(name),
          [`/menu-items/${item.id}/with-restaurant`]: (r) => expect(r.body).toEqual({ ...item, restaurant: updated }),
          [`/orders/${order.id}`]: (r) => embedsNewName(r.body.restaurant),
          [`/customers/${customer.id}/orders`]: (r) => embedsNewName(r.body[0].restaurant),
          [`/orders/customers/${customer.id}/orders`]: (r) => embedsNewName(r.body[0].restaurant),
          [`/orders/restaurants/${restaurant.id}/orders`]: (r) => embedsNewName(r.body[0].restaurant),
          [`/customers/${customer.id}/analytics`]: (r) => {
            expect(r.body.favorite_restaurants).toEqual([{ restaurant_id: restaurant.id, name, order_count: 1 }]);
            expect(r.body.favorite_cuisines).toEqual([{ cuisine_type: cuisine, order_count: 1 }]);
          },
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          updated = expectStatus(await http.put(`/restaurants/${restaurant.id}`, changed), 200, 'updating the restaurant');
        });
        expect(stale).toEqual([]);
      });

      it('renamed: the name embedded in GET /orders/{id}, menu item with-restaurant, analytics and customer favourites', async () => {
        const restaurant = await build.restaurant();
        const item = await build.menuItem(restaurant.id);
        const customer = await build.customer();
        const delivered = await build.order(customer.id, restaurant.id, [[item.id, 1]], ...TiffinBuilder.pathTo('delivered'));
        const placed = await build.order(customer.id, restaurant.id, [[item.id, 1]]);
        const name = `Renamed ${capitalised(build.token())}`;
        const party = { id: restaurant.id, name };
        const probes: Probes = {
          [`/restaurants/${restaurant.id}`]: (r) => expect(r.body.name).toBe(name),
          [`/orders/${delivered.id}`]: (r) => expect(r.body.restaurant).toEqual(party),
          [`/orders/${placed.id}`]: (r) => expect(r.body.restaurant).toEqual(party),
          [`/menu-items/${item.id}/with-restaurant`]: (r) => expect(r.body.restaurant.name).toBe(name),
          [`/customers/${customer.id}/analytics`]: (r) =>
            expect(r.body.favorite_restaurants).toEqual([{ restaurant_id: restaurant.id, name, order_count: 2 }]),
          [`/customers/${customer.id}/orders?status=delivered`]: (r) => expect(r.body[0].restaurant).toEqual(party),
          [`/orders/restaurants/${restaurant.id}/orders`]: (r) =>
            expect((r.body as Json[]).map((order) => order.restaurant)).toEqual([party, party]),
          [`/restaurants/${restaurant.id}/analytics`]: (r) => expect(r.body.restaurant_name).toBe(name),
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          expectStatus(await http.put(`/restaurants/${restaurant.id}`, { name }), 200, 'renaming the restaurant');
        });
        expect(stale).toEqual([]);
      });

      it('deleted: detail, with-menu, menu and its items 404; lists, searches, popular cuisines and price ranges drop it', async () => {
        const restaurant = await build.restaurant({ rating: 4 });
        const cheap = await build.menuItem(restaurant.id, { price: 9.5, is_vegetarian: true });
        const dear = await build.menuItem(restaurant.id, { price: 25, category: cheap.category });
        const offset = await offsetOf('restaurants', restaurant.id);
        const activeOffset = await offsetOf('restaurants', restaurant.id, 'is_active');
        const [all, active] = [await countOf('restaurants'), await countOf('restaurants', 'is_active')];
        const itemOffset = await offsetOf('menu_items', cheap.id);
        const itemCount = await countOf('menu_items');
        const vegetarianOffset = await offsetOf('menu_items', cheap.id, 'is_vegetarian');
        const vegetarianCount = await countOf('menu_items', 'is_vegetarian');
        const ranges = await truth('/restaurants/analytics/price-ranges');
        const notFound = (r: HttpResponse) => expect(r.status).toBe(404);
        const probes: Probes = {
          [`/restaurants/${restaurant.id}`]: notFound,
          [`/restaurants/${restaurant.id}/with-menu`]: notFound,
          [`/restaurants/${restaurant.id}/menu`]: notFound,
          [`/restaurants/${restaurant.id}/analytics`]: notFound,
          [`/reviews/restaurants/${restaurant.id}/reviews`]: notFound,
          [`/orders/restaurants/${restaurant.id}/orders`]: notFound,
          [`/menu-items/${cheap.id}`]: notFound,
          [`/menu-items/${dear.id}`]: notFound,
          [`/menu-items/${cheap.id}/with-restaurant`]: notFound,
          [`/restaurants?skip=${offset}&limit=1`]: (r) => {
            expect(ids(r)).not.toContain(restaurant.id);
            expect(total(r)).toBe(all - 1);
          },
          [`/restaurants/active?skip=${activeOffset}&limit=1`]: (r) => {
            expect(ids(r)).not.toContain(restaurant.id);
            expect(total(r)).toBe(active - 1);
          },
          [`/restaurants/search?cuisine=${q(restaurant.cuisine_type)}`]: (r) => expect(r.body).toEqual([]),
          [`/restaurants/search?location=${q(restaurant.address)}&min_rating=4`]: (r) => expect(r.body).toEqual([]),
          '/restaurants/analytics/popular-cuisines': (r) => expect(cuisineRow(r, restaurant.cuisine_type)).toBeUndefined(),
          '/restaurants/analytics/price-ranges': (r) => {
            expect(r.body.total_items).toBe(ranges.total_items - 2);
            expect(r.body.price_ranges).toEqual({
              ...ranges.price_ranges,
              under_10: ranges.price_ranges.under_10 - 1,
              '20_to_30': ranges.price_ranges['20_to_30'] - 1,
            });
          },
          [`/menu-items?skip=${itemOffset}&limit=2`]: (r) => {
            expect(ids(r)).toEqual([]);
            expect(total(r)).toBe(itemCount - 2);
          },
          [`/menu-items/dietary/vegetarian?skip=${vegetarianOffset}&limit=1`]: (r) => {
            expect(ids(r)).not.toContain(cheap.id);
            expect(total(r)).toBe(vegetarianCount - 1);
          },
          [`/menu-items/category/${q(cheap.category.toLowerCase())}`]: (r) => expect(r.body).toEqual([]),
          [`/menu-items/search?restaurant_id=${restaurant.id}`]: (r) => expect(r.body).toEqual([]),
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          expectStatus(await http.delete(`/restaurants/${restaurant.id}`), 204, 'deleting the restaurant');
        });
        expect(stale).toEqual([]);
      });
    });

    describe('menu items', () => {
      it('created (POST /restaurants/{id}/menu-items/): menu, with-menu, lists, search, dietary, category, price ranges', async () => {
        const restaurant = await build.restaurant();
        const existing = await build.menuItem(restaurant.id, { price: 15 });
        const token = build.token();
        const itemCount = await countOf('menu_items');
        const veganCount = await countOf('menu_items', 'is_vegan');
        const glutenFreeCount = await countOf('menu_items', 'is_gluten_free');
        const ranges = await truth('/restaurants/analytics/price-ranges');
        let created: Json;
        const probes: Probes = {
          [`/restaurants/${restaurant.id}/menu`]: (r) => {
            expect(r.body).toEqual([existing, created]);
            expect(total(r)).toBe(2);
          },
          [`/restaurants/${restaurant.id}/with-menu`]: (r) => expect(r.body.menu_items).toEqual([existing, created]),
          [`/menu-items?skip=${itemCount - 1}&limit=10`]: (r) => {
            expect(r.body).toEqual([existing, created]);
            expect(total(r)).toBe(itemCount + 1);
          },
          [`/menu-items/search?restaurant_id=${restaurant.id}`]: (r) => expect(r.body).toEqual([existing, created]),
          [`/menu-items/search?q=${token}`]: (r) => expect(r.body).toEqual([created]),
          [`/menu-items/dietary/vegan?skip=${veganCount}&limit=10`]: (r) => expect(r.body).toEqual([created]),
          [`/menu-items/dietary/gluten-free?skip=${glutenFreeCount}&limit=10`]: (r) => expect(r.body).toEqual([created]),
          [`/menu-items/category/${q(existing.category.toLowerCase())}`]: (r) => expect(r.body).toEqual([existing, created]),
          '/restaurants/analytics/price-ranges': (r) => {
            expect(r.body.total_items).toBe(ranges.total_items + 1);
            expect(r.body.price_ranges).toEqual({ ...ranges.price_ranges, over_30: ranges.price_ranges.over_30 + 1 });
          },
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          const body = {
            name: `Dish ${capitalised(token)}`,
            price: 35,
            category: existing.category.toUpperCase(),
            is_vegan: true,
            is_gluten_free: true,
          };
          created = expectStatus(await http.post(`/restaurants/${restaurant.id}/menu-items/`, body), 201, 'adding the item');
          expect(created).toMatchObject({ category: existing.category, price: 35, is_vegan: true });
        });
        expect(stale).toEqual([]);
      });

      it('updated (price, category, dietary flags, is_available, name): every menu view, analytics and the orders that embed it', async () => {
        const restaurant = await build.restaurant();
        const item = await build.menuItem(restaurant.id, { price: 12 });
        const customer = await build.customer();
        const order = await build.order(customer.id, restaurant.id, [[item.id, 3]]);
        const token = build.token();
        const name = `Dish ${capitalised(token)}`;
        const category = `Category ${capitalised(token)}`;
        const offset = await offsetOf('menu_items', item.id);
        const vegetarianOffset = await offsetOf('menu_items', item.id, 'is_vegetarian');
        const ranges = await truth('/restaurants/analytics/price-ranges');
        const changed = { name, price: 31, category, is_vegetarian: true, is_vegan: true, is_available: false };
        let updated: Json;
        const line = (order: Json) => expect(order.order_items[0]).toMatchObject({ menu_item_id: item.id, name, item_price: 12 });
        const probes: Probes = {
          [`/menu-items/${item.id}`]: (r) => {
            expect(r.body).toMatchObject(changed);
            expect(r.body).toEqual(updated);
          },
          [`/menu-items/${item.id}/with-restaurant`]: (r) => expect(r.body).toEqual({ ...updated, restaurant }),
          [`/restaurants/${restaurant.id}/menu`]: (r) => expect(r.body).toEqual([updated]),
          [`/restaurants/${restaurant.id}/with-menu`]: (r) => expect(r.body.menu_items).toEqual([updated]),
          [`/menu-items?skip=${offset}&limit=1`]: (r) => expect(r.body).toEqual([updated]),
          [`/menu-items/search?restaurant_id=${restaurant.id}&available=true`]: (r) => expect(r.body).toEqual([]),
          [`/menu-items/search?restaurant_id=${restaurant.id}&vegetarian=true&vegan=true`]: (r) => expect(r.body).toEqual([updated]),
          [`/menu-items/search?restaurant_id=${restaurant.id}&min_price=30`]: (r) => expect(r.body).toEqual([updated]),
          [`/menu-items/search?q=${token}`]: (r) => expect(r.body).toEqual([updated]),
          [`/menu-items/dietary/vegetarian?skip=${vegetarianOffset}&limit=1`]: (r) => expect(r.body).toEqual([updated]),
          [`/menu-items/category/${q(item.category)}`]: (r) => expect(r.body).toEqual([]),
          [`/menu-items/category/${q(category.toLowerCase())}`]: (r) => expect(r.body).toEqual([updated]),
          '/restaurants/analytics/price-ranges': (r) => {
            expect(r.body.total_items).toBe(ranges.total_items);
            expect(r.body.price_ranges).toEqual({
              ...ranges.price_ranges,
              '10_to_20': ranges.price_ranges['10_to_20'] - 1,
              over_30: ranges.price_ranges.over_30 + 1,
            });
          },
          [`/restaurants/${restaurant.id}/analytics`]: (r) =>
            expect(r.body.popular_items).toEqual([{ menu_item_id: item.id, name, quantity: 3, revenue: 36 }]),
          [`/orders/${order.id}`]: (r) => line(r.body),
          [`/customers/${customer.id}/orders`]: (r) => line(r.body[0]),
          [`/orders/restaurants/${restaurant.id}/orders`]: (r) => line(r.body[0]),
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          updated = expectStatus(await http.put(`/menu-items/${item.id}`, changed), 200, 'updating the item');
        });
        expect(stale).toEqual([]);
      });

      it('renamed: the name in GET /orders/{id} lines, order lists and restaurant analytics popular_items', async () => {
        const restaurant = await build.restaurant();
        const item = await build.menuItem(restaurant.id, { price: 7.25 });
        const other = await build.menuItem(restaurant.id, { price: 3 });
        const customer = await build.customer();
        const order = await build.order(
          customer.id,
          restaurant.id,
          [
            [other.id, 1],
            [item.id, 2],
          ],
          ...TiffinBuilder.pathTo('delivered'),
        );
        const name = `Renamed ${capitalised(build.token())}`;
        const lineNames = (order: Json) => (order.order_items as Json[]).map((line) => line.name);
        const probes: Probes = {
          [`/orders/${order.id}`]: (r) => expect(lineNames(r.body)).toEqual([other.name, name]),
          [`/customers/${customer.id}/orders`]: (r) => expect(lineNames(r.body[0])).toEqual([other.name, name]),
          [`/orders/customers/${customer.id}/orders?status=delivered`]: (r) => expect(lineNames(r.body[0])).toEqual([other.name, name]),
          [`/orders/restaurants/${restaurant.id}/orders`]: (r) => expect(lineNames(r.body[0])).toEqual([other.name, name]),
          [`/restaurants/${restaurant.id}/analytics`]: (r) =>
            expect(r.body.popular_items).toEqual([
              { menu_item_id: item.id, name, quantity: 2, revenue: 14.5 },
              { menu_item_id: other.id, name: other.name, quantity: 1, revenue: 3 },
            ]),
          [`/menu-items/${item.id}/with-restaurant`]: (r) => expect(r.body.name).toBe(name),
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          expectStatus(await http.put(`/menu-items/${item.id}`, { name }), 200, 'renaming the item');
        });
        expect(stale).toEqual([]);
      });

      it('deleted: detail and with-restaurant 404; menu, with-menu, lists, search, dietary, category, price ranges drop it', async () => {
        const restaurant = await build.restaurant();
        const kept = await build.menuItem(restaurant.id, { price: 14 });
        const doomed = await build.menuItem(restaurant.id, { price: 8, category: kept.category, is_vegan: true, is_gluten_free: true });
        const offset = await offsetOf('menu_items', kept.id);
        const itemCount = await countOf('menu_items');
        const veganOffset = await offsetOf('menu_items', doomed.id, 'is_vegan');
        const veganCount = await countOf('menu_items', 'is_vegan');
        const ranges = await truth('/restaurants/analytics/price-ranges');
        const probes: Probes = {
          [`/menu-items/${doomed.id}`]: (r) => expect(r.status).toBe(404),
          [`/menu-items/${doomed.id}/with-restaurant`]: (r) => expect(r.status).toBe(404),
          [`/restaurants/${restaurant.id}/menu`]: (r) => {
            expect(r.body).toEqual([kept]);
            expect(total(r)).toBe(1);
          },
          [`/restaurants/${restaurant.id}/with-menu`]: (r) => expect(r.body.menu_items).toEqual([kept]),
          [`/menu-items?skip=${offset}&limit=2`]: (r) => {
            expect(r.body).toEqual([kept]);
            expect(total(r)).toBe(itemCount - 1);
          },
          [`/menu-items/search?restaurant_id=${restaurant.id}`]: (r) => expect(r.body).toEqual([kept]),
          [`/menu-items/search?q=${q(doomed.name)}`]: (r) => expect(r.body).toEqual([]),
          [`/menu-items/dietary/vegan?skip=${veganOffset}&limit=1`]: (r) => {
            expect(ids(r)).not.toContain(doomed.id);
            expect(total(r)).toBe(veganCount - 1);
          },
          [`/menu-items/category/${q(kept.category)}`]: (r) => expect(r.body).toEqual([kept]),
          '/restaurants/analytics/price-ranges': (r) => {
            expect(r.body.total_items).toBe(ranges.total_items - 1);
            expect(r.body.price_ranges).toEqual({ ...ranges.price_ranges, under_10: ranges.price_ranges.under_10 - 1 });
          },
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          expectStatus(await http.delete(`/menu-items/${doomed.id}`), 204, 'deleting the item');
        });
        expect(stale).toEqual([]);
      });
    });

    describe('customers', () => {
      it('created: the list and the active-only list show them', async () => {
        const [all, active] = [await countOf('customers'), await countOf('customers', 'is_active')];
        let created: Json;
        const probes: Probes = {
          [`/customers?skip=${all}&limit=10`]: (r) => {
            expect(r.body).toEqual([created]);
            expect(total(r)).toBe(all + 1);
          },
          [`/customers?active_only=true&skip=${active}&limit=10`]: (r) => {
            expect(r.body).toEqual([created]);
            expect(total(r)).toBe(active + 1);
          },
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          const token = build.token();
          const body = {
            name: `Customer ${capitalised(token)}`,
            email: `${token}@example.com`,
            phone_number: '+1-555-0300',
            address: '4 New Lane',
          };
          created = expectStatus(await http.post('/customers', body), 201, 'creating the customer');
        });
        expect(stale).toEqual([]);
      });

      it('updated (name, email, is_active): detail, lists, and the customer name embedded in orders', async () => {
        const restaurant = await build.restaurant();
        const item = await build.menuItem(restaurant.id);
        const customer = await build.customer();
        const order = await build.order(customer.id, restaurant.id, [[item.id, 1]]);
        const token = build.token();
        const changed = { name: `Renamed ${capitalised(token)}`, email: `${token}@example.org`, is_active: false };
        const offset = await offsetOf('customers', customer.id);
        const activeOffset = await offsetOf('customers', customer.id, 'is_active');
        const activeCount = await countOf('customers', 'is_active');
        const party = { id: customer.id, name: changed.name };
        let updated: Json;
        const probes: Probes = {
          [`/customers/${customer.id}`]: (r) => {
            expect(r.body).toMatchObject(changed);
            expect(r.body).toEqual(updated);
          },
          [`/customers?skip=${offset}&limit=1`]: (r) => expect(r.body).toEqual([updated]),
          [`/customers?active_only=true&skip=${activeOffset}&limit=1`]: (r) => {
            expect(ids(r)).not.toContain(customer.id);
            expect(total(r)).toBe(activeCount - 1);
          },
          [`/orders/${order.id}`]: (r) => expect(r.body.customer).toEqual(party),
          [`/customers/${customer.id}/orders`]: (r) => expect(r.body[0].customer).toEqual(party),
          [`/orders/customers/${customer.id}/orders`]: (r) => expect(r.body[0].customer).toEqual(party),
          [`/orders/restaurants/${restaurant.id}/orders`]: (r) => expect(r.body[0].customer).toEqual(party),
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          updated = expectStatus(await http.put(`/customers/${customer.id}`, changed), 200, 'updating the customer');
        });
        expect(stale).toEqual([]);
      });

      it('deleted: detail, analytics, orders and reviews 404; lists drop them', async () => {
        const customer = await build.customer();
        const offset = await offsetOf('customers', customer.id);
        const activeOffset = await offsetOf('customers', customer.id, 'is_active');
        const [all, active] = [await countOf('customers'), await countOf('customers', 'is_active')];
        const notFound = (r: HttpResponse) => expect(r.status).toBe(404);
        const probes: Probes = {
          [`/customers/${customer.id}`]: notFound,
          [`/customers/${customer.id}/analytics`]: notFound,
          [`/customers/${customer.id}/orders`]: notFound,
          [`/orders/customers/${customer.id}/orders`]: notFound,
          [`/customers/${customer.id}/reviews`]: notFound,
          [`/reviews/customers/${customer.id}/reviews`]: notFound,
          [`/customers?skip=${offset}&limit=1`]: (r) => {
            expect(ids(r)).not.toContain(customer.id);
            expect(total(r)).toBe(all - 1);
          },
          [`/customers?active_only=true&skip=${activeOffset}&limit=1`]: (r) => {
            expect(ids(r)).not.toContain(customer.id);
            expect(total(r)).toBe(active - 1);
          },
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          expectStatus(await http.delete(`/customers/${customer.id}`), 204, 'deleting the customer');
        });
        expect(stale).toEqual([]);
      });
    });

    describe('orders', () => {
      // Popular cuisines, a platform-wide figure, is refreshed in the background within
      // ANALYTICS_MAX_STALENESS_SECONDS rather than dropped (analytics-refresh.e2e-spec.ts).
      it('placed: customer orders under both paths, restaurant orders, customer and restaurant analytics', async () => {
        const restaurant = await build.restaurant();
        const main = await build.menuItem(restaurant.id, { price: 10 });
        const side = await build.menuItem(restaurant.id, { price: 4.5 });
        const customer = await build.customer();
        const earlier = await build.order(customer.id, restaurant.id, [[main.id, 1]]);
        let placed: Json;
        const newestFirst = (r: HttpResponse) => {
          expect(r.body).toEqual([placed, earlier]);
          expect(total(r)).toBe(2);
        };
        const probes: Probes = {
          [`/customers/${customer.id}/orders`]: newestFirst,
          [`/orders/customers/${customer.id}/orders`]: newestFirst,
          [`/customers/${customer.id}/orders?status=placed`]: newestFirst,
          [`/orders/restaurants/${restaurant.id}/orders`]: newestFirst,
          [`/orders/restaurants/${restaurant.id}/orders?status=placed&limit=1`]: (r) => {
            expect(r.body).toEqual([placed]);
            expect(total(r)).toBe(2);
          },
          [`/customers/${customer.id}/analytics`]: (r) =>
            expect(r.body).toEqual({
              customer_id: customer.id,
              total_orders: 2,
              orders_by_status: byStatus({ placed: 2 }),
              total_spent: 0,
              average_order_value: 0,
              favorite_restaurants: [{ restaurant_id: restaurant.id, name: restaurant.name, order_count: 2 }],
              favorite_cuisines: [{ cuisine_type: restaurant.cuisine_type, order_count: 2 }],
            }),
          [`/restaurants/${restaurant.id}/analytics`]: (r) =>
            expect(r.body).toEqual({
              restaurant_id: restaurant.id,
              restaurant_name: restaurant.name,
              total_orders: 2,
              orders_by_status: byStatus({ placed: 2 }),
              total_revenue: 0,
              average_order_value: 0,
              total_reviews: 0,
              average_rating: 0,
              popular_items: [
                { menu_item_id: main.id, name: main.name, quantity: 3, revenue: 30 },
                { menu_item_id: side.id, name: side.name, quantity: 1, revenue: 4.5 },
              ],
            }),
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          const body = {
            restaurant_id: restaurant.id,
            delivery_address: '5 Order Street',
            order_items: [
              { menu_item_id: main.id, quantity: 2 },
              { menu_item_id: side.id, quantity: 1 },
            ],
          };
          placed = expectStatus(await http.post(`/orders/customers/${customer.id}/orders`, body), 201, 'placing the order');
          expect(placed.total_amount).toBe(24.5);
        });
        expect(stale).toEqual([]);
      });

      it('confirmed: the order, lists by status, customer and restaurant orders_by_status', async () => {
        const restaurant = await build.restaurant();
        const item = await build.menuItem(restaurant.id, { price: 10 });
        const customer = await build.customer();
        const order = await build.order(customer.id, restaurant.id, [[item.id, 1]]);
        const status = (r: HttpResponse) => expect(r.body.order_status).toBe('confirmed');
        const probes: Probes = {
          [`/orders/${order.id}`]: status,
          [`/customers/${customer.id}/orders`]: (r) => status({ ...r, body: r.body[0] }),
          [`/customers/${customer.id}/orders?status=placed`]: (r) => expect(r.body).toEqual([]),
          [`/orders/customers/${customer.id}/orders?status=confirmed`]: (r) => expect(ids(r)).toEqual([order.id]),
          [`/orders/restaurants/${restaurant.id}/orders`]: (r) => status({ ...r, body: r.body[0] }),
          [`/orders/restaurants/${restaurant.id}/orders?status=placed`]: (r) => expect(r.body).toEqual([]),
          [`/customers/${customer.id}/analytics`]: (r) => expect(r.body.orders_by_status).toEqual(byStatus({ confirmed: 1 })),
          [`/restaurants/${restaurant.id}/analytics`]: (r) => expect(r.body.orders_by_status).toEqual(byStatus({ confirmed: 1 })),
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          await build.setStatus(order.id, 'confirmed', http);
        });
        expect(stale).toEqual([]);
      });

      it('delivered: the order, lists, customer spending and restaurant revenue', async () => {
        const restaurant = await build.restaurant();
        const item = await build.menuItem(restaurant.id, { price: 10 });
        const customer = await build.customer();
        const earlier = await build.order(customer.id, restaurant.id, [[item.id, 1]], ...TiffinBuilder.pathTo('delivered'));
        const order = await build.order(customer.id, restaurant.id, [[item.id, 2]], ...TiffinBuilder.pathTo('out_for_delivery'));
        let delivered: Json;
        const probes: Probes = {
          [`/orders/${order.id}`]: (r) => {
            expect(r.body).toMatchObject({ order_status: 'delivered', delivery_time: expect.any(String) });
            expect(r.body).toEqual(delivered);
          },
          [`/customers/${customer.id}/orders`]: (r) => expect(r.body).toEqual([delivered, earlier]),
          [`/customers/${customer.id}/orders?status=delivered`]: (r) => expect(ids(r)).toEqual([order.id, earlier.id]),
          [`/orders/restaurants/${restaurant.id}/orders?status=out_for_delivery`]: (r) => expect(r.body).toEqual([]),
          [`/orders/restaurants/${restaurant.id}/orders?status=delivered`]: (r) => expect(r.body).toEqual([delivered, earlier]),
          [`/customers/${customer.id}/analytics`]: (r) =>
            expect(r.body).toMatchObject({
              total_orders: 2,
              orders_by_status: byStatus({ delivered: 2 }),
              total_spent: 30,
              average_order_value: 15,
            }),
          [`/restaurants/${restaurant.id}/analytics`]: (r) =>
            expect(r.body).toMatchObject({
              total_orders: 2,
              orders_by_status: byStatus({ delivered: 2 }),
              total_revenue: 30,
              average_order_value: 15,
            }),
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          delivered = await build.setStatus(order.id, 'delivered', http);
        });
        expect(stale).toEqual([]);
      });

      it('cancelled: the order, lists, orders_by_status and popular_items without the cancelled lines', async () => {
        const restaurant = await build.restaurant();
        const main = await build.menuItem(restaurant.id, { price: 10 });
        const side = await build.menuItem(restaurant.id, { price: 4 });
        const customer = await build.customer();
        const order = await build.order(customer.id, restaurant.id, [[main.id, 2]], ...TiffinBuilder.pathTo('preparing'));
        const other = await build.order(customer.id, restaurant.id, [[side.id, 1]]);
        let cancelled: Json;
        const probes: Probes = {
          [`/orders/${order.id}`]: (r) => expect(r.body).toEqual({ ...cancelled, order_status: 'cancelled' }),
          [`/customers/${customer.id}/orders`]: (r) => expect(r.body).toEqual([other, cancelled]),
          [`/customers/${customer.id}/orders?status=cancelled`]: (r) => expect(ids(r)).toEqual([order.id]),
          [`/orders/restaurants/${restaurant.id}/orders?status=preparing`]: (r) => expect(r.body).toEqual([]),
          [`/orders/restaurants/${restaurant.id}/orders`]: (r) => expect(r.body).toEqual([other, cancelled]),
          [`/customers/${customer.id}/analytics`]: (r) => expect(r.body.orders_by_status).toEqual(byStatus({ placed: 1, cancelled: 1 })),
          [`/restaurants/${restaurant.id}/analytics`]: (r) =>
            expect(r.body).toMatchObject({
              total_orders: 2,
              orders_by_status: byStatus({ placed: 1, cancelled: 1 }),
              total_revenue: 0,
              popular_items: [{ menu_item_id: side.id, name: side.name, quantity: 1, revenue: 4 }],
            }),
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          cancelled = await build.setStatus(order.id, 'cancelled', http);
        });
        expect(stale).toEqual([]);
      });
    });

    describe('reviews', () => {
      it('added: the restaurant rating everywhere it shows, review lists under both paths, analytics, popular cuisines', async () => {
        const restaurant = await build.restaurant();
        const item = await build.menuItem(restaurant.id);
        const [customer, earlierReviewer] = [await build.customer(), await build.customer()];
        const order = await build.order(customer.id, restaurant.id, [[item.id, 1]], ...TiffinBuilder.pathTo('delivered'));
        const earlierOrder = await build.order(earlierReviewer.id, restaurant.id, [[item.id, 1]], ...TiffinBuilder.pathTo('delivered'));
        const earlierReview = await build.review(earlierOrder.id, earlierReviewer.id, 3);
        const offset = await offsetOf('restaurants', restaurant.id);
        const activeOffset = await offsetOf('restaurants', restaurant.id, 'is_active');
        const rated = (row: Json) => expect(row).toMatchObject({ id: restaurant.id, rating: 4 });
        let review: Json;
        const probes: Probes = {
          [`/restaurants/${restaurant.id}`]: (r) => rated(r.body),
          [`/restaurants?skip=${offset}&limit=1`]: (r) => rated(r.body[0]),
          [`/restaurants/active?skip=${activeOffset}&limit=1`]: (r) => rated(r.body[0]),
          [`/restaurants/search?cuisine=${q(restaurant.cuisine_type)}`]: (r) => rated(r.body[0]),
          [`/restaurants/search?location=${q(restaurant.address)}&min_rating=3.5`]: (r) => expect(ids(r)).toEqual([restaurant.id]),
          // Its cuisine's searches, however the cuisine is spelled, see it enter the rating filter.
          [`/restaurants/search?cuisine=${q(` ${restaurant.cuisine_type.toUpperCase()}`)}&min_rating=3.5`]: (r) =>
            expect(ids(r)).toEqual([restaurant.id]),
          [`/restaurants/${restaurant.id}/with-menu`]: (r) => rated(r.body),
          [`/menu-items/${item.id}/with-restaurant`]: (r) => rated(r.body.restaurant),
          [`/reviews/restaurants/${restaurant.id}/reviews`]: (r) => {
            // The public list names authors by display name, without customer_id and order_id.
            const asPublic = ({ customer_id: _customer, order_id: _order, ...rest }: Record<string, unknown>) => ({
              ...rest,
              author: expect.any(String),
            });
            expect(r.body).toEqual([review, earlierReview].map(asPublic));
            expect(total(r)).toBe(2);
          },
          [`/customers/${customer.id}/reviews`]: (r) => expect(r.body).toEqual([review]),
          [`/reviews/customers/${customer.id}/reviews`]: (r) => expect(r.body).toEqual([review]),
          [`/restaurants/${restaurant.id}/analytics`]: (r) => expect(r.body).toMatchObject({ total_reviews: 2, average_rating: 4 }),
          '/restaurants/analytics/popular-cuisines': (r) =>
            expect(cuisineRow(r, restaurant.cuisine_type)).toEqual({
              cuisine_type: restaurant.cuisine_type,
              restaurant_count: 1,
              average_rating: 4,
              total_orders: 2,
            }),
        };
        const stale = await cascade.afterWrite(writer, probes, async (http) => {
          review = await build.review(order.id, customer.id, 5, http);
        });
        expect(stale).toEqual([]);
      });

      it("added: the restaurant's menu stays cached on both instances, as it shows none of the restaurant's fields", async () => {
        const restaurant = await build.restaurant();
        const item = await build.menuItem(restaurant.id);
        const customer = await build.customer();
        const order = await build.order(customer.id, restaurant.id, [[item.id, 1]], ...TiffinBuilder.pathTo('delivered'));
        const menu = `/restaurants/${restaurant.id}/menu`;
        for (const app of [a, b]) {
          await app.admin.get(menu);
          expect((await app.admin.get(menu)).headers.get('x-cache')).toBe('HIT-L1');
        }
        await build.review(order.id, customer.id, 5, (writer === 'A' ? a : b).admin);
        for (const app of [a, b]) {
          const after = await app.admin.get(menu);
          expect({ cache: after.headers.get('x-cache'), body: after.body }).toEqual({ cache: 'HIT-L1', body: [item] });
        }
      });

      it('added without moving the rating: what shows the restaurant stays cached on both instances, its reviews and analytics see it', async () => {
        const restaurant = await build.restaurant();
        const item = await build.menuItem(restaurant.id);
        const [customer, earlierReviewer] = [await build.customer(), await build.customer()];
        const order = await build.order(customer.id, restaurant.id, [[item.id, 1]], ...TiffinBuilder.pathTo('delivered'));
        const earlierOrder = await build.order(earlierReviewer.id, restaurant.id, [[item.id, 1]], ...TiffinBuilder.pathTo('delivered'));
        await build.review(earlierOrder.id, earlierReviewer.id, 4);
        const kept = [
          `/restaurants/${restaurant.id}`,
          `/restaurants/${restaurant.id}/with-menu`,
          `/restaurants/search?cuisine=${q(restaurant.cuisine_type)}&min_rating=3.5`,
          '/restaurants/analytics/popular-cuisines',
        ];
        const seen = [`/reviews/restaurants/${restaurant.id}/reviews`, `/restaurants/${restaurant.id}/analytics`];
        for (const app of [a, b]) {
          for (const path of [...kept, ...seen]) {
            await app.admin.get(path);
            expect([path, (await app.admin.get(path)).headers.get('x-cache')]).toEqual([path, 'HIT-L1']);
          }
        }
        const before = await truth(`/restaurants/${restaurant.id}`);
        // 4 and 4 average to 4.00: the restaurant's row, updated_at included, is left alone.
        await build.review(order.id, customer.id, 4, (writer === 'A' ? a : b).admin);
        expect(await truth(`/restaurants/${restaurant.id}`)).toEqual(before);
        for (const app of [a, b]) {
          for (const path of kept) {
            const after = await app.admin.get(path);
            expect([path, after.headers.get('x-cache'), after.body]).toEqual([path, 'HIT-L1', await truth(path)]);
          }
          for (const path of seen) expect([path, (await app.admin.get(path)).body]).toEqual([path, await truth(path)]);
        }
        expect(await truth(`/restaurants/${restaurant.id}/analytics`)).toMatchObject({ total_reviews: 2, average_rating: 4 });
      });

      it('added: searches filtering above both its old and its new rating stay cached on both instances; the others see it', async () => {
        const restaurant = await build.restaurant();
        const item = await build.menuItem(restaurant.id);
        const customer = await build.customer();
        const order = await build.order(customer.id, restaurant.id, [[item.id, 1]], ...TiffinBuilder.pathTo('delivered'));
        const search = (minRating: string) => `/restaurants/search?cuisine=${q(restaurant.cuisine_type)}&min_rating=${minRating}`;
        const everyCuisine = `/restaurants/search?location=${q(restaurant.address)}&min_rating=3.5`;
        const above = [search('3.5'), search('4.9'), everyCuisine];
        const reached = [search('0'), search('3')];
        for (const app of [a, b]) {
          for (const path of [...above, ...reached]) {
            await app.admin.get(path);
            expect([path, (await app.admin.get(path)).headers.get('x-cache')]).toEqual([path, 'HIT-L1']);
          }
        }
        expect(restaurant.rating).toBe(0);
        // Its first review: the rating goes from 0 to 3.
        await build.review(order.id, customer.id, 3, (writer === 'A' ? a : b).admin);
        for (const app of [a, b]) {
          for (const path of above) {
            const after = await app.admin.get(path);
            expect([path, after.headers.get('x-cache'), after.body]).toEqual([path, 'HIT-L1', []]);
          }
          for (const path of reached) {
            const after = await app.admin.get(path);
            const rows = (after.body as Json[]).map((row) => [row.id, row.rating]);
            expect([path, rows]).toEqual([path, [[restaurant.id, 3]]]);
          }
        }
      });
    });
  });

  describe('session routes', () => {
    it("after one customer's entries are warmed, another customer's same routes answer that customer's data", async () => {
      const restaurant = await build.restaurant();
      const item = await build.menuItem(restaurant.id, { price: 10 });
      const [first, second] = [await build.customer(), await build.customer()];
      const profiles: Json[] = [];
      for (const [customer, quantity, rating] of [
        [first, 1, 5],
        [second, 3, 2],
      ] as const) {
        const order = await build.order(customer.id, restaurant.id, [[item.id, quantity]], ...TiffinBuilder.pathTo('delivered'));
        const review = await build.review(order.id, customer.id, rating);
        profiles.push({ customer, order, review, spent: quantity * 10 });
      }
      const routes = (id: number) => [
        `/customers/${id}`,
        `/customers/${id}/orders`,
        `/orders/customers/${id}/orders`,
        `/customers/${id}/analytics`,
        `/customers/${id}/reviews`,
        `/reviews/customers/${id}/reviews`,
      ];
      const expectOwnData = (profile: Json, path: string, response: HttpResponse) => {
        expect(response.status).toBe(200);
        if (path.endsWith('/orders')) expect(response.body).toEqual([profile.order]);
        else if (path.endsWith('/reviews')) expect(response.body).toEqual([profile.review]);
        else if (path.endsWith('/analytics'))
          expect(response.body).toMatchObject({ customer_id: profile.customer.id, total_spent: profile.spent });
        else expect(response.body).toEqual(profile.customer);
      };

      for (const [warmedProfile, readProfile] of [
        [profiles[0], profiles[1]],
        [profiles[1], profiles[0]],
      ]) {
        await cascade.warm(routes(warmedProfile.customer.id));
        for (const app of [a, b]) {
          for (const path of routes(readProfile.customer.id)) {
            const response = await app.admin.get(path);
            expectOwnData(readProfile, path, response);
            expect(response.text).toBe((await oracle.admin.get(path)).text);
          }
        }
      }
    });
  });
});
