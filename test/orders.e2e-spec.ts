import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import type { DomainEvent } from '../src/events/domain-events.js';
import { insertCustomer, insertMenuItem, insertOrder, insertRestaurant } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('orders', () => {
  let t: TestApp;
  const events: DomainEvent[] = [];
  let restaurantId: number;
  let otherRestaurantId: number;
  let inactiveRestaurantId: number;
  let pizzaId: number;
  let sodaId: number;
  let unavailableId: number;
  let otherRestaurantItemId: number;
  let customerId: number;
  let inactiveCustomerId: number;

  /** The seed's spelling, with the trailing slash. */
  const placeOrder = (customer: number, body: unknown) => t.admin.post(`/orders/customers/${customer}/orders/`, body);
  const validOrder = (values: Record<string, unknown> = {}) => ({
    restaurant_id: restaurantId,
    delivery_address: '456 Oak Ave, City',
    order_items: [{ menu_item_id: pizzaId, quantity: 1 }],
    ...values,
  });
  const orderCount = async () => (await t.db.query(`SELECT count(*)::int AS n FROM orders`))[0].n as number;
  const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((error) => error.field);

  beforeAll(async () => {
    t = await startTestApp();
    const bus = t.app.get(DomainEventBus);
    for (const type of ['order.placed', 'order.status-changed'] as const) bus.subscribe(type, (event) => void events.push(event));
    restaurantId = await insertRestaurant(t.db, { name: 'Pizza Palace' });
    otherRestaurantId = await insertRestaurant(t.db);
    inactiveRestaurantId = await insertRestaurant(t.db, { is_active: false });
    pizzaId = await insertMenuItem(t.db, restaurantId, { name: 'Margherita Pizza', price: '12.99' });
    sodaId = await insertMenuItem(t.db, restaurantId, { name: 'Soda', price: '0.10' });
    unavailableId = await insertMenuItem(t.db, restaurantId, { name: 'Garlic Bread', is_available: false });
    otherRestaurantItemId = await insertMenuItem(t.db, otherRestaurantId);
    customerId = await insertCustomer(t.db, { name: 'John Doe' });
    inactiveCustomerId = await insertCustomer(t.db, { is_active: false });
  });
  afterAll(() => t.close());

  describe('POST /orders/customers/{id}/orders', () => {
    it('places the order, pricing it on the server, and returns what GET /orders/{id} returns', async () => {
      const response = await placeOrder(customerId, {
        restaurant_id: restaurantId,
        delivery_address: '  456 Oak Ave, City  ',
        special_instructions: 'Ring doorbell twice',
        order_items: [
          { menu_item_id: pizzaId, quantity: 3, special_requests: 'Extra cheese' },
          { menu_item_id: sodaId, quantity: 3 },
        ],
      });
      expect(response.status).toBe(201);
      const id = response.body.id;
      const [first, second] = response.body.order_items.map((item: { id: number }) => item.id);
      expect(response.body).toEqual({
        id: expect.any(Number),
        customer_id: customerId,
        restaurant_id: restaurantId,
        order_status: 'placed',
        total_amount: 39.27,
        delivery_address: '456 Oak Ave, City',
        special_instructions: 'Ring doorbell twice',
        order_date: expect.stringMatching(ISO_UTC),
        delivery_time: null,
        order_items: [
          {
            id: first,
            menu_item_id: pizzaId,
            name: 'Margherita Pizza',
            quantity: 3,
            item_price: 12.99,
            line_total: 38.97,
            special_requests: 'Extra cheese',
          },
          { id: second, menu_item_id: sodaId, name: 'Soda', quantity: 3, item_price: 0.1, line_total: 0.3, special_requests: null },
        ],
        restaurant: { id: restaurantId, name: 'Pizza Palace' },
        customer: { id: customerId, name: 'John Doe' },
      });
      expect(second).toBeGreaterThan(first);
      expect(Object.keys(response.body)).toEqual([
        'id',
        'customer_id',
        'restaurant_id',
        'order_status',
        'total_amount',
        'delivery_address',
        'special_instructions',
        'order_date',
        'delivery_time',
        'order_items',
        'restaurant',
        'customer',
      ]);

      const fetched = await t.admin.get(`/orders/${id}`);
      expect(fetched.status).toBe(200);
      expect(fetched.text).toBe(response.text);
      const [row] = await t.db.query(`SELECT total_amount::text AS total FROM orders WHERE id = $1`, [id]);
      expect(row.total).toBe('39.27');
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'order.placed', order_id: id, customer_id: customerId, restaurant_id: restaurantId }),
      );
    });

    it('answers the path without the trailing slash too', async () => {
      const response = await t.admin.post(`/orders/customers/${customerId}/orders`, validOrder());
      expect(response.status).toBe(201);
      expect(response.body.order_items).toHaveLength(1);
    });

    it('snapshots the price: a later menu price change does not change the order', async () => {
      const item = await insertMenuItem(t.db, restaurantId, { price: '5.00' });
      const placed = await placeOrder(customerId, validOrder({ order_items: [{ menu_item_id: item, quantity: 2 }] }));
      expect(placed.status).toBe(201);
      await t.db.query(`UPDATE menu_items SET price = 7.50 WHERE id = $1`, [item]);
      const fetched = await t.admin.get(`/orders/${placed.body.id}`);
      expect(fetched.body.total_amount).toBe(10);
      expect(fetched.body.order_items[0]).toMatchObject({ item_price: 5, line_total: 10 });
    });

    it('accepts the same item on two lines and up to 50 lines of quantity 99', async () => {
      const lines = Array.from({ length: 50 }, () => ({ menu_item_id: pizzaId, quantity: 99 }));
      const response = await placeOrder(customerId, validOrder({ order_items: lines }));
      expect(response.status).toBe(201);
      expect(response.body.order_items).toHaveLength(50);
      expect(response.body.total_amount).toBe(64300.5); // 50 x 99 x 12.99
    });

    it('refuses a client-sent total_amount, naming it', async () => {
      const response = await placeOrder(customerId, validOrder({ total_amount: 0.01 }));
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { field: 'total_amount', rule: 'unknown_field', message: 'total_amount is not an accepted field' },
      ]);
    });

    it.each([
      ['restaurant_id missing', { restaurant_id: undefined }, 'restaurant_id'],
      ['restaurant_id not an integer', { restaurant_id: 'one' }, 'restaurant_id'],
      ['restaurant_id zero', { restaurant_id: 0 }, 'restaurant_id'],
      ['delivery_address missing', { delivery_address: undefined }, 'delivery_address'],
      ['delivery_address blank', { delivery_address: '   ' }, 'delivery_address'],
      ['delivery_address too long', { delivery_address: 'a'.repeat(501) }, 'delivery_address'],
      ['delivery_address not a string', { delivery_address: 12 }, 'delivery_address'],
      ['special_instructions too long', { special_instructions: 'a'.repeat(1001) }, 'special_instructions'],
      ['order_items missing', { order_items: undefined }, 'order_items'],
      ['order_items empty', { order_items: [] }, 'order_items'],
      ['order_items not an array', { order_items: { menu_item_id: 1, quantity: 1 } }, 'order_items'],
      ['more than 50 lines', { order_items: Array.from({ length: 51 }, () => ({ menu_item_id: 1, quantity: 1 })) }, 'order_items'],
      ['quantity zero', { order_items: [{ menu_item_id: 1, quantity: 0 }] }, 'order_items.0.quantity'],
      ['quantity 100', { order_items: [{ menu_item_id: 1, quantity: 100 }] }, 'order_items.0.quantity'],
      ['quantity fractional', { order_items: [{ menu_item_id: 1, quantity: 1.5 }] }, 'order_items.0.quantity'],
      ['quantity a string', { order_items: [{ menu_item_id: 1, quantity: '2' }] }, 'order_items.0.quantity'],
      ['quantity missing', { order_items: [{ menu_item_id: 1 }] }, 'order_items.0.quantity'],
      ['menu_item_id missing', { order_items: [{ menu_item_id: 1, quantity: 1 }, { quantity: 1 }] }, 'order_items.1.menu_item_id'],
      [
        'special_requests too long',
        { order_items: [{ menu_item_id: 1, quantity: 1, special_requests: 'a'.repeat(501) }] },
        'order_items.0.special_requests',
      ],
      ['an unknown field in a line', { order_items: [{ menu_item_id: 1, quantity: 1, item_price: 0.01 }] }, 'order_items.0.item_price'],
    ])('refuses %s with a 400 naming the field', async (_case, values, field) => {
      const before = await orderCount();
      const response = await placeOrder(customerId, validOrder(values));
      expect(response.status).toBe(400);
      expect(fieldsOf(response.body)).toContain(field);
      expect(await orderCount()).toBe(before);
    });

    it('accepts the longest delivery address, instructions and requests', async () => {
      const response = await placeOrder(
        customerId,
        validOrder({
          delivery_address: 'a'.repeat(500),
          special_instructions: 'b'.repeat(1000),
          order_items: [{ menu_item_id: pizzaId, quantity: 1, special_requests: 'c'.repeat(500) }],
        }),
      );
      expect(response.status).toBe(201);
    });

    it('refuses a bad customer id in the path with a 400', async () => {
      for (const id of ['abc', '0', '-1', '99999999999']) {
        const response = await placeOrder(id as unknown as number, validOrder());
        expect(response.status).toBe(400);
        expect(fieldsOf(response.body)).toEqual(['id']);
      }
    });

    it('answers 404 for a missing customer and 409 for an inactive one', async () => {
      const missing = await placeOrder(999999, validOrder());
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe('Customer 999999 not found');
      const inactive = await placeOrder(inactiveCustomerId, validOrder());
      expect(inactive.status).toBe(409);
      expect(inactive.body.message).toBe(`Customer ${inactiveCustomerId} is inactive`);
    });

    it('answers 404 for a missing restaurant and 409 for an inactive one', async () => {
      const missing = await placeOrder(customerId, validOrder({ restaurant_id: 999999 }));
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe('Restaurant 999999 not found');
      const inactive = await placeOrder(customerId, validOrder({ restaurant_id: inactiveRestaurantId }));
      expect(inactive.status).toBe(409);
      expect(inactive.body.message).toBe(`Restaurant ${inactiveRestaurantId} is inactive`);
    });

    it("refuses items that do not exist or are on another restaurant's menu, naming each line", async () => {
      const before = await orderCount();
      const response = await placeOrder(
        customerId,
        validOrder({
          order_items: [
            { menu_item_id: pizzaId, quantity: 1 },
            { menu_item_id: otherRestaurantItemId, quantity: 1 },
            { menu_item_id: 999999, quantity: 1 },
          ],
        }),
      );
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        {
          field: 'order_items.1.menu_item_id',
          rule: 'on_menu',
          message: `menu item ${otherRestaurantItemId} is not on the menu of restaurant ${restaurantId}`,
        },
        { field: 'order_items.2.menu_item_id', rule: 'on_menu', message: 'menu item 999999 does not exist' },
      ]);
      expect(await orderCount()).toBe(before);
    });

    it('refuses an unavailable item with a 409 naming it, and writes nothing', async () => {
      const before = await orderCount();
      const response = await placeOrder(
        customerId,
        validOrder({
          order_items: [
            { menu_item_id: pizzaId, quantity: 1 },
            { menu_item_id: unavailableId, quantity: 1 },
          ],
        }),
      );
      expect(response.status).toBe(409);
      expect(response.body.message).toBe(`Menu item ${unavailableId} (Garlic Bread) is not available`);
      expect(await orderCount()).toBe(before);
    });

    it('refuses a total larger than the column holds with a 400', async () => {
      const priceless = await insertMenuItem(t.db, restaurantId, { price: '99999999.99' });
      const response = await placeOrder(customerId, validOrder({ order_items: [{ menu_item_id: priceless, quantity: 2 }] }));
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'order_items', rule: 'max_total' })]);
    });

    it('refuses malformed JSON with a 400', async () => {
      const response = await t.admin.post(`/orders/customers/${customerId}/orders`, undefined, {
        headers: { 'content-type': 'application/json' },
        rawBody: '{"restaurant_id": 1,',
      });
      expect(response.status).toBe(400);
    });
  });

  describe('GET /orders/{id}', () => {
    it('answers 404 naming a missing order and 400 for a bad id', async () => {
      const missing = await t.admin.get('/orders/999999');
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe('Order 999999 not found');
      expect((await t.admin.get('/orders/abc')).status).toBe(400);
      expect((await t.admin.get('/orders/0')).status).toBe(400);
    });

    it('lists the lines by id and shows the current menu item name', async () => {
      const placed = await placeOrder(
        customerId,
        validOrder({
          order_items: [
            { menu_item_id: sodaId, quantity: 1 },
            { menu_item_id: pizzaId, quantity: 2 },
          ],
        }),
      );
      const fetched = await t.admin.get(`/orders/${placed.body.id}`);
      expect(fetched.body.order_items.map((item: { menu_item_id: number }) => item.menu_item_id)).toEqual([sodaId, pizzaId]);
      expect(fetched.body.total_amount).toBe(26.08);
    });
  });

  describe('PUT /orders/{id}/status', () => {
    const newOrder = async () => (await placeOrder(customerId, validOrder())).body.id as number;
    const setStatus = (id: number, body: unknown) => t.admin.put(`/orders/${id}/status`, body);

    it('records each step of the history, and a refused step records nothing', async () => {
      const id = await newOrder();
      expect((await setStatus(id, { order_status: 'confirmed' })).status).toBe(200);
      expect((await setStatus(id, { order_status: 'cancelled' })).status).toBe(200);
      expect((await setStatus(id, { order_status: 'preparing' })).status).toBe(409);
      const history = await t.db.query(`SELECT from_status, to_status FROM order_status_changes WHERE order_id = $1 ORDER BY id`, [id]);
      expect(history.map((row: { from_status: string | null; to_status: string }) => [row.from_status, row.to_status])).toEqual([
        [null, 'placed'],
        ['placed', 'confirmed'],
        ['confirmed', 'cancelled'],
      ]);
    });

    it('dates a delivery in the history at the delivery_time it was reported with', async () => {
      const id = await newOrder();
      await t.db.query(`UPDATE orders SET order_date = now() - interval '2 hours' WHERE id = $1`, [id]);
      for (const status of ['confirmed', 'preparing', 'out_for_delivery']) await setStatus(id, { order_status: status });
      const deliveredAt = new Date(Date.now() - 60_000).toISOString();
      expect((await setStatus(id, { order_status: 'delivered', delivery_time: deliveredAt })).status).toBe(200);
      const [last] = await t.db.query(
        `SELECT to_status, changed_at FROM order_status_changes WHERE order_id = $1 ORDER BY id DESC LIMIT 1`,
        [id],
      );
      expect(last.to_status).toBe('delivered');
      expect(new Date(last.changed_at).toISOString()).toBe(deliveredAt);
    });

    it('walks the whole workflow, sets delivery_time on delivery and publishes each change', async () => {
      const id = await newOrder();
      let previous = 'placed';
      for (const status of ['confirmed', 'preparing', 'out_for_delivery']) {
        const response = await setStatus(id, { order_status: status });
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ id, order_status: status, delivery_time: null });
        expect(response.text).toBe((await t.admin.get(`/orders/${id}`)).text);
        expect(events).toContainEqual(
          expect.objectContaining({ type: 'order.status-changed', order_id: id, from: previous, to: status, order: response.body }),
        );
        previous = status;
      }
      const before = Date.now();
      const delivered = await setStatus(id, { order_status: 'delivered' });
      expect(delivered.status).toBe(200);
      expect(delivered.body.order_status).toBe('delivered');
      const deliveredAt = Date.parse(delivered.body.delivery_time);
      expect(deliveredAt).toBeGreaterThanOrEqual(before - 1000);
      expect(deliveredAt).toBeLessThanOrEqual(Date.now() + 1000);
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'order.status-changed',
          order_id: id,
          customer_id: customerId,
          restaurant_id: restaurantId,
          from: 'out_for_delivery',
          to: 'delivered',
          order: delivered.body,
        }),
      );
    });

    it('stores a given delivery time, normalised to UTC', async () => {
      const id = await insertOrder(t.db, {
        customer_id: customerId,
        restaurant_id: restaurantId,
        order_status: 'out_for_delivery',
        order_date: new Date('2024-01-15T17:00:00Z'),
        items: [[pizzaId, 1, '12.99']],
      });
      const response = await setStatus(id, { order_status: 'delivered', delivery_time: '2024-01-15T19:30:00+01:00' });
      expect(response.status).toBe(200);
      expect(response.body.delivery_time).toBe('2024-01-15T18:30:00.000Z');
      const [row] = await t.db.query(`SELECT delivery_time FROM orders WHERE id = $1`, [id]);
      expect(row.delivery_time.toISOString()).toBe('2024-01-15T18:30:00.000Z');
    });

    it.each(['placed', 'confirmed', 'preparing'])('cancels a %s order', async (status) => {
      const id = await insertOrder(t.db, { customer_id: customerId, restaurant_id: restaurantId, order_status: status });
      const response = await setStatus(id, { order_status: 'cancelled' });
      expect(response.status).toBe(200);
      expect(response.body.order_status).toBe('cancelled');
    });

    it.each([
      ['placed', 'delivered', 'it can only go to confirmed or cancelled'],
      ['placed', 'placed', 'it can only go to confirmed or cancelled'],
      ['confirmed', 'out_for_delivery', 'it can only go to preparing or cancelled'],
      ['out_for_delivery', 'cancelled', 'it can only go to delivered'],
      ['delivered', 'cancelled', 'delivered is final'],
      ['cancelled', 'confirmed', 'cancelled is final'],
    ])('refuses %s -> %s with a 409 naming both', async (from, to, detail) => {
      const id = await insertOrder(t.db, { customer_id: customerId, restaurant_id: restaurantId, order_status: from });
      const response = await setStatus(id, { order_status: to });
      expect(response.status).toBe(409);
      expect(response.body.message).toBe(`Order ${id} is ${from} and cannot change to ${to}: ${detail}`);
      const [row] = await t.db.query(`SELECT order_status FROM orders WHERE id = $1`, [id]);
      expect(row.order_status).toBe(from);
    });

    it('refuses delivery_time with any status but delivered', async () => {
      const id = await newOrder();
      const response = await setStatus(id, { order_status: 'confirmed', delivery_time: new Date().toISOString() });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        {
          field: 'delivery_time',
          rule: 'only_when_delivered',
          message: 'delivery_time may only be given when order_status is delivered',
        },
      ]);
    });

    it.each([
      // Without a zone a time is read as UTC (see test/api-compat.e2e-spec.ts); one that does not exist is still refused.
      ['without a time zone, at an hour that does not exist', '2024-01-15T25:30:00', 'isIso8601'],
      ['a date only', '2024-01-15', 'matches'],
      ['not a date', 'yesterday', 'isIso8601'],
      ['an impossible date', '2024-02-30T18:30:00Z', 'isIso8601'],
    ])('refuses a delivery_time %s', async (_case, deliveryTime, rule) => {
      const id = await insertOrder(t.db, { customer_id: customerId, restaurant_id: restaurantId, order_status: 'out_for_delivery' });
      const response = await setStatus(id, { order_status: 'delivered', delivery_time: deliveryTime });
      expect(response.status).toBe(400);
      expect(response.body.errors).toContainEqual(expect.objectContaining({ field: 'delivery_time', rule }));
    });

    it('refuses a delivery_time in the future or before the order date', async () => {
      const id = await insertOrder(t.db, {
        customer_id: customerId,
        restaurant_id: restaurantId,
        order_status: 'out_for_delivery',
        order_date: new Date('2024-01-15T17:00:00Z'),
      });
      const future = await setStatus(id, { order_status: 'delivered', delivery_time: new Date(Date.now() + 3_600_000).toISOString() });
      expect(future.status).toBe(400);
      expect(future.body.errors).toEqual([
        { field: 'delivery_time', rule: 'in_future', message: 'delivery_time must not be in the future' },
      ]);
      const early = await setStatus(id, { order_status: 'delivered', delivery_time: '2024-01-15T16:59:59Z' });
      expect(early.status).toBe(400);
      expect(early.body.errors).toEqual([
        { field: 'delivery_time', rule: 'before_order_date', message: 'delivery_time must not be before the order date' },
      ]);
      const [row] = await t.db.query(`SELECT order_status, delivery_time FROM orders WHERE id = $1`, [id]);
      expect(row).toEqual({ order_status: 'out_for_delivery', delivery_time: null });
    });

    it('refuses a missing or unknown status and unknown fields with a 400', async () => {
      const id = await newOrder();
      for (const body of [{}, { order_status: 'shipped' }, { order_status: 'confirmed', note: 'x' }]) {
        const response = await setStatus(id, body);
        expect(response.status).toBe(400);
      }
      expect(fieldsOf((await setStatus(id, { order_status: 'shipped' })).body)).toEqual(['order_status']);
    });

    it('answers 404 for a missing order and 400 for a bad id', async () => {
      const missing = await setStatus(999999, { order_status: 'confirmed' });
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe('Order 999999 not found');
      expect((await t.admin.put('/orders/x/status', { order_status: 'confirmed' })).status).toBe(400);
    });
  });

  describe('order lists', () => {
    let listCustomerId: number;
    let listRestaurantId: number;
    /** Ids newest first: the two orders on 2024-03-01 tie on order_date, so the higher id comes first. */
    let customerOrders: number[];
    let restaurantOrders: number[];

    beforeAll(async () => {
      listCustomerId = await insertCustomer(t.db);
      listRestaurantId = await insertRestaurant(t.db);
      const item = await insertMenuItem(t.db, listRestaurantId, { name: 'List Dish', price: '3.50' });
      const otherCustomer = await insertCustomer(t.db);
      const at = (date: string, order_status: string, customer = listCustomerId) =>
        insertOrder(t.db, {
          customer_id: customer,
          restaurant_id: listRestaurantId,
          order_status,
          order_date: new Date(date),
          items: [[item, 2, '3.50']],
        });
      const oldest = await at('2024-01-01T10:00:00Z', 'delivered');
      const tieLow = await at('2024-03-01T10:00:00Z', 'placed');
      const tieHigh = await at('2024-03-01T10:00:00Z', 'cancelled');
      const newest = await at('2024-05-01T10:00:00Z', 'delivered');
      const otherCustomersOrder = await at('2024-04-01T10:00:00Z', 'placed', otherCustomer);
      const atOtherRestaurant = await insertOrder(t.db, {
        customer_id: listCustomerId,
        restaurant_id: restaurantId,
        order_date: new Date('2024-02-01T10:00:00Z'),
      });
      customerOrders = [newest, tieHigh, tieLow, atOtherRestaurant, oldest];
      restaurantOrders = [newest, otherCustomersOrder, tieHigh, tieLow, oldest];
    });

    const ids = (body: { id: number }[]) => body.map((order) => order.id);

    it.each(['/orders/customers/%d/orders', '/customers/%d/orders'])('%s lists newest first with X-Total-Count', async (pattern) => {
      const response = await t.admin.get(pattern.replace('%d', String(listCustomerId)));
      expect(response.status).toBe(200);
      expect(response.headers.get('x-total-count')).toBe('5');
      expect(ids(response.body)).toEqual(customerOrders);
      const detail = await t.admin.get(`/orders/${customerOrders[0]}`);
      expect(JSON.stringify(response.body[0])).toBe(detail.text);
      expect(response.body[0].order_items).toEqual([expect.objectContaining({ name: 'List Dish', quantity: 2, line_total: 7 })]);
    });

    it('serves the customer list identically under both paths', async () => {
      const query = '?status=delivered&skip=0&limit=10';
      const a = await t.admin.get(`/orders/customers/${listCustomerId}/orders${query}`);
      const b = await t.admin.get(`/customers/${listCustomerId}/orders${query}`);
      expect(a.text).toBe(b.text);
      expect(a.headers.get('x-total-count')).toBe(b.headers.get('x-total-count'));
    });

    it("lists a restaurant's orders newest first, paginated", async () => {
      const all = await t.admin.get(`/orders/restaurants/${listRestaurantId}/orders`);
      expect(all.headers.get('x-total-count')).toBe('5');
      expect(ids(all.body)).toEqual(restaurantOrders);
      const page = await t.admin.get(`/orders/restaurants/${listRestaurantId}/orders?skip=1&limit=2`);
      expect(page.status).toBe(200);
      expect(page.headers.get('x-total-count')).toBe('5');
      expect(ids(page.body)).toEqual(restaurantOrders.slice(1, 3));
      const past = await t.admin.get(`/orders/restaurants/${listRestaurantId}/orders?skip=10`);
      expect(past.body).toEqual([]);
      expect(past.headers.get('x-total-count')).toBe('5');
    });

    it('filters by status', async () => {
      const delivered = await t.admin.get(`/orders/restaurants/${listRestaurantId}/orders?status=delivered`);
      expect(delivered.headers.get('x-total-count')).toBe('2');
      expect(ids(delivered.body)).toEqual([restaurantOrders[0], restaurantOrders[4]]);
      const cancelled = await t.admin.get(`/orders/customers/${listCustomerId}/orders?status=cancelled`);
      expect(ids(cancelled.body)).toEqual([customerOrders[1]]);
      const none = await t.admin.get(`/customers/${listCustomerId}/orders?status=preparing`);
      expect(none.body).toEqual([]);
      expect(none.headers.get('x-total-count')).toBe('0');
    });

    it.each([
      ['status=shipped', 'status'],
      ['limit=1000', 'limit'],
      ['limit=0', 'limit'],
      ['skip=-1', 'skip'],
      ['skip=abc', 'skip'],
      ['sort=id', 'sort'],
    ])('refuses ?%s with a 400 naming %s', async (query, field) => {
      for (const path of [
        `/orders/customers/${listCustomerId}/orders`,
        `/customers/${listCustomerId}/orders`,
        `/orders/restaurants/${listRestaurantId}/orders`,
      ]) {
        const response = await t.admin.get(`${path}?${query}`);
        expect(response.status).toBe(400);
        expect(new Set(fieldsOf(response.body))).toEqual(new Set([field]));
      }
    });

    it('answers 404 for a missing customer or restaurant and 400 for a bad id', async () => {
      for (const path of ['/orders/customers/999999/orders', '/customers/999999/orders']) {
        const response = await t.admin.get(path);
        expect(response.status).toBe(404);
        expect(response.body.message).toBe('Customer 999999 not found');
      }
      const restaurant = await t.admin.get('/orders/restaurants/999999/orders');
      expect(restaurant.status).toBe(404);
      expect(restaurant.body.message).toBe('Restaurant 999999 not found');
      expect((await t.admin.get('/customers/abc/orders')).status).toBe(400);
      expect((await t.admin.get('/orders/restaurants/0/orders')).status).toBe(400);
    });

    it('lists an existing customer without orders as an empty page', async () => {
      const fresh = await insertCustomer(t.db);
      const response = await t.admin.get(`/customers/${fresh}/orders`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual([]);
      expect(response.headers.get('x-total-count')).toBe('0');
    });
  });
});

describe('orders: the cap on open orders per customer', () => {
  let t: TestApp;
  let restaurantId: number;
  let pizzaId: number;
  const placeOrder = (customer: number, body: unknown) => t.admin.post(`/orders/customers/${customer}/orders`, body);
  const validOrder = () => ({
    restaurant_id: restaurantId,
    delivery_address: '456 Oak Ave, City',
    order_items: [{ menu_item_id: pizzaId, quantity: 1 }],
  });

  beforeAll(async () => {
    // The default of MAX_OPEN_ORDERS_PER_CUSTOMER (the other suites raise it).
    t = await startTestApp({ env: { MAX_OPEN_ORDERS_PER_CUSTOMER: '10' } });
    restaurantId = await insertRestaurant(t.db, { name: 'Pizza Palace' });
    pizzaId = await insertMenuItem(t.db, restaurantId, { name: 'Margherita Pizza', price: '12.99' });
  });
  afterAll(() => t.close());

  it('refuses an eleventh open order of one customer with a 409, also when the orders race, and takes one again after a cancellation', async () => {
    const busy = await insertCustomer(t.db, { name: 'Busy Customer' });
    for (let order = 0; order < 8; order++) expect((await placeOrder(busy, validOrder())).status).toBe(201);
    // Three at once for the last two places: exactly two are placed.
    const racing = await Promise.all([0, 1, 2].map(() => placeOrder(busy, validOrder())));
    expect(racing.map((response) => response.status).sort()).toEqual([201, 201, 409]);
    const refused = racing.find((response) => response.status === 409)!;
    expect(refused.body.message).toBe(
      `Customer ${busy} has 10 open orders, the most allowed at once (10): place more when one is delivered or cancelled`,
    );
    const [{ open }] = await t.db.query(`SELECT count(*)::int AS open FROM orders WHERE customer_id = $1`, [busy]);
    expect(open).toBe(10);
    const placed = racing.find((response) => response.status === 201)!.body as { id: number };
    expect((await t.admin.put(`/orders/${placed.id}/status`, { order_status: 'cancelled' })).status).toBe(200);
    expect((await placeOrder(busy, validOrder())).status).toBe(201);
    expect((await placeOrder(busy, validOrder())).status).toBe(409);
  });
});
