import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SAMPLE_EMAIL_DOMAIN, SAMPLE_RESTAURANT_SUFFIX } from '../src/demo/sample-markers.js';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import type { DomainEvent, DomainEventType, OrderHistoryDated, OrderStatusChanged } from '../src/events/domain-events.js';
import { CacheAuditService } from '../src/cache-ops/maintenance/cache-audit.service.js';
import type { HttpClient } from './support/http-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ADMIN_TOKEN = 'demo-admin-token-for-tests-0123456789';

const STATUSES = ['placed', 'confirmed', 'preparing', 'out_for_delivery', 'delivered', 'cancelled'];
const WORKFLOW = STATUSES.slice(0, 5);
const DAY_MS = 24 * 60 * 60 * 1000;

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Sample rows, recognised by their markers, in SQL fragments shared by the checks below. */
const SAMPLE_RESTAURANTS = `SELECT id FROM restaurants WHERE name LIKE '%' || ${literal(SAMPLE_RESTAURANT_SUFFIX)}`;
const SAMPLE_CUSTOMERS = `SELECT id FROM customers WHERE email LIKE '%' || ${literal(SAMPLE_EMAIL_DOMAIN)}`;
const SAMPLE_ORDERS = `SELECT * FROM orders
  WHERE restaurant_id IN (${SAMPLE_RESTAURANTS}) AND customer_id IN (${SAMPLE_CUSTOMERS})`;

describe('demo sample data', () => {
  let t: TestApp;
  let admin: HttpClient;
  const events: DomainEvent[] = [];
  let created: any;
  /** Rows created through the API that are not sample data: they must survive every delete. */
  const own = { restaurantId: 0, menuItemId: 0, customerId: 0, orderId: 0 };

  const query = <T = any>(sql: string, parameters: unknown[] = []): Promise<T[]> => t.db.query(sql, parameters);
  const count = async (sql: string) => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS counted`))[0].n;

  /** The sample rows per table, counted in SQL independently of the demo's own repository. */
  const sampleCounts = async () => {
    const byStatus = await query<{ order_status: string; n: number }>(
      `SELECT order_status, count(*)::int AS n FROM (${SAMPLE_ORDERS}) AS o GROUP BY order_status`,
    );
    return {
      restaurants: await count(SAMPLE_RESTAURANTS),
      menu_items: await count(`SELECT id FROM menu_items WHERE restaurant_id IN (${SAMPLE_RESTAURANTS})`),
      customers: await count(SAMPLE_CUSTOMERS),
      orders: await count(SAMPLE_ORDERS),
      orders_by_status: Object.fromEntries(STATUSES.map((status) => [status, byStatus.find((row) => row.order_status === status)?.n ?? 0])),
      reviews: await count(`SELECT id FROM reviews WHERE order_id IN (SELECT id FROM (${SAMPLE_ORDERS}) AS o)`),
    };
  };

  /** Everything about the sample data except ids and absolute dates (order dates relative to the oldest). */
  const fingerprint = () =>
    query(
      `WITH o AS (SELECT *, order_date - min(order_date) OVER () AS age FROM (${SAMPLE_ORDERS}) AS sample_orders)
       SELECT json_build_object(
         'restaurants', (SELECT json_agg(json_build_object('name', name, 'cuisine', cuisine_type, 'address', address,
                           'phone', phone_number, 'opening', opening_time, 'closing', closing_time, 'rating', rating,
                           'capacity', capacity, 'active', is_active) ORDER BY name)
                           FROM restaurants WHERE id IN (${SAMPLE_RESTAURANTS})),
         'menu_items', (SELECT json_agg(json_build_object('restaurant', r.name, 'name', m.name, 'price', m.price,
                          'category', m.category, 'vegetarian', m.is_vegetarian, 'vegan', m.is_vegan,
                          'gluten_free', m.is_gluten_free, 'available', m.is_available, 'minutes', m.preparation_time,
                          'description', m.description) ORDER BY r.name, m.name)
                          FROM menu_items m JOIN restaurants r ON r.id = m.restaurant_id
                         WHERE r.id IN (${SAMPLE_RESTAURANTS})),
         'customers', (SELECT json_agg(json_build_object('email', email, 'name', name, 'phone', phone_number,
                         'address', address, 'active', is_active) ORDER BY email)
                         FROM customers WHERE id IN (${SAMPLE_CUSTOMERS})),
         'orders', (SELECT json_agg(json_build_object(
                      'customer', c.email, 'restaurant', r.name, 'status', o.order_status, 'total', o.total_amount,
                      'address', o.delivery_address, 'instructions', o.special_instructions,
                      'age_ms', extract(epoch FROM o.age) * 1000,
                      'delivered_after_ms', extract(epoch FROM (o.delivery_time - o.order_date)) * 1000,
                      'lines', (SELECT json_agg(json_build_object('item', m.name, 'quantity', i.quantity,
                                  'price', i.item_price, 'requests', i.special_requests) ORDER BY i.id)
                                  FROM order_items i JOIN menu_items m ON m.id = i.menu_item_id WHERE i.order_id = o.id),
                      'review', (SELECT json_build_object('rating', v.rating, 'comment', v.comment)
                                   FROM reviews v WHERE v.order_id = o.id)) ORDER BY o.order_date, o.id)
                      FROM o JOIN customers c ON c.id = o.customer_id JOIN restaurants r ON r.id = o.restaurant_id)
       ) AS data`,
    ).then((rows) => rows[0].data);

  const eventsOf = (type: DomainEventType, kind?: string) =>
    events.filter((event) => event.type === type && (kind === undefined || (event as { kind?: string }).kind === kind));

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_TOKEN } });
    admin = t.admin.with({ authorization: `Bearer ${ADMIN_TOKEN}` });
    const bus = t.app.get(DomainEventBus);
    for (const type of [
      'restaurant.changed',
      'menu-item.changed',
      'customer.changed',
      'order.placed',
      'order.status-changed',
      'review.added',
      'order.history-dated',
    ] as DomainEventType[]) {
      bus.subscribe(type, (event) => void events.push(event));
    }

    const restaurant = await t.admin.post('/restaurants', {
      name: 'Corner Deli',
      cuisine_type: 'American',
      address: '12 Elm Street, Springfield',
      phone_number: '+1-555-0199',
    });
    expect(restaurant.status).toBe(201);
    own.restaurantId = restaurant.body.id;
    const item = await t.admin.post(`/restaurants/${own.restaurantId}/menu-items`, {
      name: 'Reuben Sandwich',
      price: 11.5,
      category: 'Main Course',
    });
    expect(item.status).toBe(201);
    own.menuItemId = item.body.id;
    const customer = await t.admin.post('/customers', {
      name: 'Real Person',
      email: 'real.person@example.com',
      phone_number: '+1-555-0198',
      address: '34 Oak Avenue, Springfield',
    });
    expect(customer.status).toBe(201);
    own.customerId = customer.body.id;
    const order = await t.admin.post(`/orders/customers/${own.customerId}/orders`, {
      restaurant_id: own.restaurantId,
      delivery_address: '34 Oak Avenue, Springfield',
      order_items: [{ menu_item_id: own.menuItemId, quantity: 2 }],
    });
    expect(order.status).toBe(201);
    own.orderId = order.body.id;
    for (const order_status of ['confirmed', 'preparing', 'out_for_delivery', 'delivered']) {
      expect((await t.admin.put(`/orders/${own.orderId}/status`, { order_status })).status).toBe(200);
    }
    const review = await t.admin.post(`/reviews/orders/${own.orderId}/review?customer_id=${own.customerId}`, { rating: 2 });
    expect(review.status).toBe(201);
    events.length = 0;
  });

  afterAll(() => t.close());

  describe('POST /demo/sample-data', () => {
    it('creates the data set and answers 201 with the counts it created, which SQL confirms', async () => {
      const response = await admin.post('/demo/sample-data');
      expect(response.status).toBe(201);
      created = response.body;
      expect(Object.keys(created)).toEqual([
        'restaurants',
        'menu_items',
        'customers',
        'orders',
        'orders_by_status',
        'reviews',
        'already_present',
      ]);
      expect(Object.keys(created.orders_by_status)).toEqual(STATUSES);
      expect(created.already_present).toBe(false);
      expect(created.restaurants).toBeGreaterThanOrEqual(6);
      expect(created.customers).toBeGreaterThanOrEqual(12);
      for (const status of STATUSES) expect(created.orders_by_status[status]).toBeGreaterThan(0);
      expect(created.orders).toBe(Object.values<number>(created.orders_by_status).reduce((sum, n) => sum + n, 0));
      expect(created.reviews).toBeGreaterThan(0);

      const { already_present: _alreadyPresent, ...counts } = created;
      expect(await sampleCounts()).toEqual(counts);
    });

    it('went through the services: one event per row created and per status change', async () => {
      expect(eventsOf('restaurant.changed', 'created')).toHaveLength(created.restaurants);
      expect(eventsOf('menu-item.changed', 'created')).toHaveLength(created.menu_items);
      expect(eventsOf('customer.changed', 'created')).toHaveLength(created.customers);
      expect(eventsOf('order.placed')).toHaveLength(created.orders);
      expect(eventsOf('review.added')).toHaveLength(created.reviews);
      // Each order went step by step through the workflow to its status.
      const steps = new Map<number, string[]>();
      for (const event of eventsOf('order.status-changed') as OrderStatusChanged[]) {
        steps.set(event.order_id, [...(steps.get(event.order_id) ?? []), event.to]);
      }
      const orders = await query<{ id: number; order_status: string }>(`SELECT id, order_status FROM (${SAMPLE_ORDERS}) AS o`);
      for (const order of orders) {
        const path = steps.get(order.id) ?? [];
        const forward = order.order_status === 'cancelled' ? path.slice(0, -1) : path;
        expect(forward).toEqual(WORKFLOW.slice(1, forward.length + 1));
        expect(path.at(-1) ?? 'placed').toBe(order.order_status);
      }
      expect(steps.size).toBe(created.orders - created.orders_by_status.placed);
      // The representation an event carries has the order's final dates (it was dated back before any change).
      const lastChange = eventsOf('order.status-changed').at(-1) as { order_id: number; order: { order_date: string } };
      const [{ order_date }] = await query(`SELECT order_date FROM orders WHERE id = $1`, [lastChange.order_id]);
      expect(lastChange.order.order_date).toBe((order_date as Date).toISOString());
    });

    it('dates the history in one write with its outbox row: one event naming every sample order, audited, the row gone', async () => {
      const [dated, ...others] = eventsOf('order.history-dated') as OrderHistoryDated[];
      expect(others).toEqual([]);
      const orders = await query<{ id: number }>(`SELECT id FROM (${SAMPLE_ORDERS}) AS o ORDER BY id`);
      expect([...dated.order_ids].sort((x, y) => x - y)).toEqual(orders.map((order) => order.id));
      await t.app.get(CacheAuditService).settled();
      const [audit] = await query<{ tags: string[] }>(
        `SELECT tags FROM cache_audit_log WHERE reason = 'order.history-dated' AND action = 'invalidate' ORDER BY id DESC LIMIT 1`,
      );
      expect(audit.tags).toEqual(
        expect.arrayContaining([`order:${orders[0].id}`, 'analytics:restaurant-performance', 'realtime:live-orders']),
      );
      expect(await query(`SELECT id FROM cache_invalidation_outbox WHERE event ->> 'type' = 'order.history-dated'`)).toEqual([]);
    });

    it('creates restaurants of several cuisines with full menus, realistic hours and one open past midnight', async () => {
      const restaurants = await query(
        `SELECT r.name, r.cuisine_type, r.phone_number, r.opening_time, r.closing_time,
                count(m.id)::int AS items, count(DISTINCT m.category)::int AS categories,
                bool_or(m.is_vegetarian) AS vegetarian, bool_or(m.is_vegan) AS vegan, bool_or(m.is_gluten_free) AS gluten_free
           FROM restaurants r JOIN menu_items m ON m.restaurant_id = r.id
          WHERE r.id IN (${SAMPLE_RESTAURANTS}) GROUP BY r.id ORDER BY r.id`,
      );
      expect(restaurants).toHaveLength(created.restaurants);
      expect(new Set(restaurants.map((restaurant) => restaurant.cuisine_type)).size).toBeGreaterThanOrEqual(5);
      for (const restaurant of restaurants) {
        expect(restaurant.items).toBeGreaterThanOrEqual(8);
        expect(restaurant.items).toBeLessThanOrEqual(15);
        expect(restaurant.categories).toBeGreaterThanOrEqual(3);
        expect(restaurant).toMatchObject({ vegetarian: true, vegan: true, gluten_free: true });
        expect(restaurant.opening_time).toMatch(/^\d{2}:\d{2}:00$/);
      }
      expect(restaurants.some((restaurant) => restaurant.closing_time < restaurant.opening_time)).toBe(true);
      const categories = (await query(`SELECT DISTINCT category FROM menu_items`)).map((row) => row.category);
      expect(categories).toEqual(expect.arrayContaining(['Starters', 'Main Course', 'Desserts', 'Drinks']));
      // Vegan dishes are vegetarian too.
      expect(await count(`SELECT id FROM menu_items WHERE is_vegan AND NOT is_vegetarian`)).toBe(0);
    });

    it('creates orders in every status, spread over the last 30 days, delivered ones after they were placed', async () => {
      const [dates] = await query(
        `SELECT min(order_date) AS oldest, max(order_date) AS newest, now() AS now,
                count(DISTINCT date_trunc('day', order_date))::int AS days,
                count(*) FILTER (WHERE order_status = 'delivered' AND delivery_time IS NULL)::int AS delivered_undated,
                count(*) FILTER (WHERE order_status <> 'delivered' AND delivery_time IS NOT NULL)::int AS others_dated,
                count(*) FILTER (WHERE delivery_time < order_date OR delivery_time > now())::int AS misdated
           FROM (${SAMPLE_ORDERS}) AS o`,
      );
      expect(dates.oldest.getTime()).toBeGreaterThanOrEqual(dates.now.getTime() - 30 * DAY_MS);
      expect(dates.oldest.getTime()).toBeLessThan(dates.now.getTime() - 25 * DAY_MS);
      expect(dates.newest.getTime()).toBeLessThanOrEqual(dates.now.getTime());
      expect(dates.days).toBeGreaterThanOrEqual(25);
      expect(dates).toMatchObject({ delivered_undated: 0, others_dated: 0, misdated: 0 });
      // In-progress orders are recent; the history is what is finished.
      expect(
        await count(
          `SELECT id FROM (${SAMPLE_ORDERS}) AS o
            WHERE order_status NOT IN ('delivered', 'cancelled') AND order_date < now() - interval '1 hour'`,
        ),
      ).toBe(0);
    });

    it('dates the status history of each order from its order_date, in order, ending at its delivery_time', async () => {
      const [check] = await t.db.query(
        `WITH ordered AS (
           SELECT c.order_id, c.to_status, c.changed_at,
                  lag(c.changed_at) OVER (PARTITION BY c.order_id ORDER BY c.id) AS previous_at,
                  row_number() OVER (PARTITION BY c.order_id ORDER BY c.id) AS step
             FROM order_status_changes c)
         SELECT count(*) FILTER (WHERE step = 1 AND changed_at <> o.order_date)::int AS first_not_at_order_date,
                count(*) FILTER (WHERE previous_at > changed_at)::int AS out_of_order,
                count(*) FILTER (WHERE to_status = 'delivered' AND changed_at <> o.delivery_time)::int AS delivered_elsewhere,
                count(*) FILTER (WHERE changed_at > now())::int AS in_the_future,
                count(DISTINCT o.id)::int AS orders
           FROM ordered JOIN orders o ON o.id = ordered.order_id
          WHERE o.customer_id IN (SELECT id FROM customers WHERE email LIKE '%@sample.tiffin.invalid')`,
      );
      expect(check).toEqual({ first_not_at_order_date: 0, out_of_order: 0, delivered_elsewhere: 0, in_the_future: 0, orders: 80 });
    });

    it('prices every order as the sum of its lines at the menu prices', async () => {
      const orders = await query(
        `SELECT o.id, o.total_amount::text AS total, sum(i.quantity * i.item_price)::text AS lines_total,
                count(*) FILTER (WHERE i.item_price <> m.price OR m.restaurant_id <> o.restaurant_id)::int AS foreign_or_mispriced
           FROM (${SAMPLE_ORDERS}) AS o JOIN order_items i ON i.order_id = o.id JOIN menu_items m ON m.id = i.menu_item_id
          GROUP BY o.id, o.total_amount`,
      );
      expect(orders).toHaveLength(created.orders);
      for (const order of orders) {
        expect(order.total).toBe(order.lines_total);
        expect(order.foreign_or_mispriced).toBe(0);
      }
    });

    it('reviews only delivered orders, by their customers, and rates each restaurant with the average of its reviews', async () => {
      const [reviews] = await query(
        `SELECT count(*)::int AS total,
                count(*) FILTER (WHERE o.order_status <> 'delivered')::int AS undelivered,
                count(*) FILTER (WHERE v.customer_id <> o.customer_id OR v.restaurant_id <> o.restaurant_id)::int AS foreign
           FROM reviews v JOIN (${SAMPLE_ORDERS}) AS o ON o.id = v.order_id`,
      );
      expect(reviews).toEqual({ total: created.reviews, undelivered: 0, foreign: 0 });
      expect(created.reviews).toBeGreaterThanOrEqual(created.orders_by_status.delivered / 3);

      const ratings = await query(
        `SELECT r.id, r.rating::text AS rating, round(avg(v.rating), 2)::text AS average, count(v.id)::int AS reviews
           FROM restaurants r LEFT JOIN reviews v ON v.restaurant_id = r.id
          WHERE r.id IN (${SAMPLE_RESTAURANTS}) GROUP BY r.id`,
      );
      expect(ratings).toHaveLength(created.restaurants);
      for (const rating of ratings) {
        expect(rating.reviews).toBeGreaterThan(0);
        expect(rating.rating).toBe(rating.average);
      }
      expect(new Set(ratings.map((rating) => rating.rating)).size).toBeGreaterThan(1);
    });

    it('does not duplicate when called again: 200 with the existing counts and already_present', async () => {
      const before = await sampleCounts();
      const eventCount = events.length;
      const response = await admin.post('/demo/sample-data');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ...created, already_present: true });
      expect(Object.keys(response.body)).toEqual(Object.keys(created));
      expect(await sampleCounts()).toEqual(before);
      expect(events).toHaveLength(eventCount);
    });

    it('documents both routes in Swagger under the demo tag', async () => {
      const document = (await t.admin.get('/docs-json')).body;
      const path = document.paths['/demo/sample-data'];
      expect(path.post.tags).toEqual(['Demo']);
      expect(Object.keys(path.post.responses)).toEqual(expect.arrayContaining(['200', '201', '409']));
      expect(path.post.responses['201'].content['application/json'].schema.$ref).toContain('SampleDataResponse');
      expect(path.post.description).toContain(SAMPLE_EMAIL_DOMAIN);
      expect(path.delete.tags).toEqual(['Demo']);
      expect(Object.keys(path.delete.responses)).toEqual(expect.arrayContaining(['204', '409']));
      expect(document.components.schemas.SampleDataResponse.required).toContain('orders_by_status');
    });
  });

  describe('DELETE /demo/sample-data', () => {
    let fingerprintBefore: unknown;

    it('removes exactly the sample rows, keeps the others, and the cache no longer serves them', async () => {
      fingerprintBefore = await fingerprint();
      const [sample] = await query(
        `SELECT (SELECT min(id) FROM (${SAMPLE_RESTAURANTS}) AS r) AS restaurant_id,
                (SELECT min(id) FROM (${SAMPLE_CUSTOMERS}) AS c) AS customer_id,
                (SELECT min(id) FROM (${SAMPLE_ORDERS}) AS o WHERE order_status = 'delivered') AS order_id,
                (SELECT min(id) FROM menu_items WHERE restaurant_id IN (${SAMPLE_RESTAURANTS})) AS menu_item_id`,
      );
      const cachedPaths = [
        `/restaurants/${sample.restaurant_id}`,
        `/restaurants/${sample.restaurant_id}/with-menu`,
        `/customers/${sample.customer_id}`,
        `/orders/${sample.order_id}`,
        `/menu-items/${sample.menu_item_id}`,
      ];
      for (const path of cachedPaths) {
        expect((await t.admin.get(path)).status).toBe(200);
        const again = await t.admin.get(path);
        expect(again.status).toBe(200);
        expect(again.headers.get('x-cache')).toMatch(/^HIT/);
      }
      const ownBefore = await query(
        `SELECT (SELECT row_to_json(r) FROM restaurants r WHERE id = $1) AS restaurant,
                (SELECT row_to_json(c) FROM customers c WHERE id = $2) AS customer,
                (SELECT row_to_json(o) FROM orders o WHERE id = $3) AS "order",
                (SELECT json_agg(i) FROM order_items i WHERE order_id = $3) AS lines,
                (SELECT row_to_json(v) FROM reviews v WHERE order_id = $3) AS review,
                (SELECT row_to_json(m) FROM menu_items m WHERE id = $4) AS menu_item`,
        [own.restaurantId, own.customerId, own.orderId, own.menuItemId],
      );
      const totalsBefore = await query(
        `SELECT (SELECT count(*)::int FROM restaurants) AS restaurants, (SELECT count(*)::int FROM menu_items) AS menu_items,
                (SELECT count(*)::int FROM customers) AS customers, (SELECT count(*)::int FROM orders) AS orders,
                (SELECT count(*)::int FROM order_items) AS order_items, (SELECT count(*)::int FROM reviews) AS reviews`,
      );
      const sampleLines = await count(`SELECT i.id FROM order_items i JOIN (${SAMPLE_ORDERS}) AS o ON o.id = i.order_id`);
      events.length = 0;

      const response = await admin.delete('/demo/sample-data');
      expect(response.status).toBe(204);
      expect(response.text).toBe('');

      expect(await sampleCounts()).toEqual({
        restaurants: 0,
        menu_items: 0,
        customers: 0,
        orders: 0,
        orders_by_status: Object.fromEntries(STATUSES.map((status) => [status, 0])),
        reviews: 0,
      });
      const [totalsAfter] = await query(
        `SELECT (SELECT count(*)::int FROM restaurants) AS restaurants, (SELECT count(*)::int FROM menu_items) AS menu_items,
                (SELECT count(*)::int FROM customers) AS customers, (SELECT count(*)::int FROM orders) AS orders,
                (SELECT count(*)::int FROM order_items) AS order_items, (SELECT count(*)::int FROM reviews) AS reviews`,
      );
      expect(totalsAfter).toEqual({
        restaurants: totalsBefore[0].restaurants - created.restaurants,
        menu_items: totalsBefore[0].menu_items - created.menu_items,
        customers: totalsBefore[0].customers - created.customers,
        orders: totalsBefore[0].orders - created.orders,
        order_items: totalsBefore[0].order_items - sampleLines,
        reviews: totalsBefore[0].reviews - created.reviews,
      });
      expect(totalsAfter).toEqual({ restaurants: 1, menu_items: 1, customers: 1, orders: 1, order_items: 1, reviews: 1 });
      expect(
        await query(
          `SELECT (SELECT row_to_json(r) FROM restaurants r WHERE id = $1) AS restaurant,
                  (SELECT row_to_json(c) FROM customers c WHERE id = $2) AS customer,
                  (SELECT row_to_json(o) FROM orders o WHERE id = $3) AS "order",
                  (SELECT json_agg(i) FROM order_items i WHERE order_id = $3) AS lines,
                  (SELECT row_to_json(v) FROM reviews v WHERE order_id = $3) AS review,
                  (SELECT row_to_json(m) FROM menu_items m WHERE id = $4) AS menu_item`,
          [own.restaurantId, own.customerId, own.orderId, own.menuItemId],
        ),
      ).toEqual(ownBefore);

      expect(eventsOf('restaurant.changed', 'deleted')).toHaveLength(created.restaurants);
      expect(eventsOf('menu-item.changed', 'deleted')).toHaveLength(created.menu_items);
      expect(eventsOf('customer.changed', 'deleted')).toHaveLength(created.customers);
      for (const path of cachedPaths) expect((await t.admin.get(path)).status).toBe(404);
    });

    it('needs the admin token for both routes', async () => {
      expect((await t.http.post('/demo/sample-data')).status).toBe(401);
      expect((await t.http.delete('/demo/sample-data')).status).toBe(401);
    });

    it('answers 204 when there is no sample data', async () => {
      events.length = 0;
      const response = await admin.delete('/demo/sample-data');
      expect(response.status).toBe(204);
      expect(events).toHaveLength(0);
    });

    it('lets POST build the same data set again', async () => {
      const response = await admin.post('/demo/sample-data');
      expect(response.status).toBe(201);
      expect(response.body).toEqual(created);
      expect(await fingerprint()).toEqual(fingerprintBefore);
    });
  });

  describe('DELETE /demo/sample-data while orders mix sample and other data', () => {
    const sampleIds = async () =>
      (
        await query(
          `SELECT (SELECT min(id) FROM (${SAMPLE_RESTAURANTS}) AS r) AS restaurant_id,
                  (SELECT min(m.id) FROM menu_items m WHERE m.restaurant_id = (SELECT min(id) FROM (${SAMPLE_RESTAURANTS}) AS r)
                      AND m.is_available) AS menu_item_id,
                  (SELECT min(id) FROM customers WHERE id IN (${SAMPLE_CUSTOMERS}) AND is_active) AS customer_id`,
        )
      )[0];
    const placeOrder = (customerId: number, restaurantId: number, menuItemId: number) =>
      t.admin.post(`/orders/customers/${customerId}/orders`, {
        restaurant_id: restaurantId,
        delivery_address: '1 Mixed Road',
        order_items: [{ menu_item_id: menuItemId, quantity: 1 }],
      });
    const expectRefusedAndUntouched = async (orderId: number, named: string[]) => {
      const before = await sampleCounts();
      events.length = 0;
      const response = await admin.delete('/demo/sample-data');
      expect(response.status).toBe(409);
      expect(response.body.message).toContain(`order ${orderId} by`);
      for (const text of named) expect(response.body.message).toContain(text);
      expect(await sampleCounts()).toEqual(before);
      expect(before.restaurants).toBe(created.restaurants);
      expect(events).toHaveLength(0);
    };

    it('refuses with 409, deleting nothing, while a customer who is not sample data has ordered from a sample restaurant', async () => {
      const sample = await sampleIds();
      const order = await placeOrder(own.customerId, sample.restaurant_id, sample.menu_item_id);
      expect(order.status).toBe(201);
      await expectRefusedAndUntouched(order.body.id, [
        `customer ${own.customerId} (real.person@example.com, not sample data)`,
        `sample restaurant ${sample.restaurant_id}`,
      ]);
      // Arrange the next case: this order is history the API cannot delete.
      await t.db.query(`DELETE FROM orders WHERE id = $1`, [order.body.id]);
    });

    it('refuses with 409, deleting nothing, while a sample customer has ordered from another restaurant', async () => {
      const sample = await sampleIds();
      const order = await placeOrder(sample.customer_id, own.restaurantId, own.menuItemId);
      expect(order.status).toBe(201);
      await expectRefusedAndUntouched(order.body.id, [
        `sample customer ${sample.customer_id}`,
        `restaurant ${own.restaurantId} (Corner Deli, not sample data)`,
      ]);
      await t.db.query(`DELETE FROM orders WHERE id = $1`, [order.body.id]);
      expect((await admin.delete('/demo/sample-data')).status).toBe(204);
      expect((await sampleCounts()).restaurants).toBe(0);
    });
  });
});
