import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CustomerChanged } from '../src/events/domain-events.js';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CUSTOMER_KEYS = ['id', 'name', 'email', 'phone_number', 'address', 'is_active', 'created_at', 'updated_at'];
const BAD_IDS = ['abc', '0', '-1', '1.5', '99999999999'];

let sequence = 0;
function customerBody(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    name: `Customer ${sequence}`,
    email: `customer${sequence}@example.com`,
    phone_number: '+1-555-0456',
    address: `${sequence} Oak Ave, City`,
    ...overrides,
  };
}

async function createCustomer(t: TestApp, overrides: Record<string, unknown> = {}): Promise<{ id: number } & Record<string, any>> {
  const response = await t.admin.post('/customers', customerBody(overrides));
  expect(response.status).toBe(201);
  return response.body;
}

async function insertRestaurant(t: TestApp, name: string, cuisineType: string): Promise<number> {
  const [row] = await t.db.query(
    `INSERT INTO restaurants (name, cuisine_type, address, phone_number) VALUES ($1, $2, '1 Main St', '+1-555-0100') RETURNING id`,
    [name, cuisineType],
  );
  return row.id;
}

async function insertOrder(t: TestApp, customerId: number, restaurantId: number, status: string, totalAmount: string): Promise<number> {
  const [row] = await t.db.query(
    `INSERT INTO orders (customer_id, restaurant_id, order_status, total_amount, delivery_address)
     VALUES ($1, $2, $3, $4, '1 Oak Ave') RETURNING id`,
    [customerId, restaurantId, status, totalAmount],
  );
  return row.id;
}

function fieldRules(body: { errors?: Array<{ field: string; rule: string }> }): string[] {
  return (body.errors ?? []).map(({ field, rule }) => `${field}:${rule}`);
}

describe('customers', () => {
  let t: TestApp;
  const events: CustomerChanged[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    t.app.get(DomainEventBus).subscribe('customer.changed', (event) => {
      events.push(event);
    });
  });
  afterAll(() => t.close());

  describe('POST /customers', () => {
    it('creates a customer with a normalised email and answers in the fixed shape', async () => {
      const response = await t.admin.post('/customers', {
        name: '  John Doe ',
        email: '  John.Doe@Example.COM ',
        phone_number: '+1-555-0456',
        address: ' 456 Oak Ave, City ',
      });
      expect(response.status).toBe(201);
      expect(Object.keys(response.body)).toEqual(CUSTOMER_KEYS);
      expect(response.body).toEqual({
        id: expect.any(Number),
        name: 'John Doe',
        email: 'john.doe@example.com',
        phone_number: '+1-555-0456',
        address: '456 Oak Ave, City',
        is_active: true,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updated_at: response.body.created_at,
      });
      const [row] = await t.db.query('SELECT email, name FROM customers WHERE id = $1', [response.body.id]);
      expect(row).toEqual({ email: 'john.doe@example.com', name: 'John Doe' });
    });

    it('publishes the created customer exactly as the response shows it', async () => {
      events.length = 0;
      const response = await t.admin.post('/customers', customerBody({ is_active: false }));
      expect(response.body.is_active).toBe(false);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'customer.changed', customer_id: response.body.id, kind: 'created' });
      expect(JSON.stringify(events[0].customer)).toBe(response.text);
    });

    it.each([
      ['a name of one character after trimming', { name: ' J ' }, 'name:isLength'],
      ['a name over 100 characters', { name: 'n'.repeat(101) }, 'name:isLength'],
      ['a missing name', { name: undefined }, 'name:isString'],
      ['an invalid email', { email: 'john.doe@' }, 'email:isEmail'],
      ['an email over 255 characters', { email: `${'a'.repeat(250)}@example.com` }, 'email:maxLength'],
      ['a missing email', { email: undefined }, 'email:isEmail'],
      ['an invalid phone number', { phone_number: 'call me maybe' }, 'phone_number:matches'],
      ['a missing phone number', { phone_number: undefined }, 'phone_number:isString'],
      ['a blank address', { address: '   ' }, 'address:isNotEmpty'],
      ['an address over 500 characters', { address: 'a'.repeat(501) }, 'address:maxLength'],
      ['a missing address', { address: undefined }, 'address:isString'],
      ['is_active as a string', { is_active: 'yes' }, 'is_active:isBoolean'],
      ['is_active as null', { is_active: null }, 'is_active:isBoolean'],
      ['an unknown field', { loyalty_points: 10 }, 'loyalty_points:unknown_field'],
    ])('answers 400 for %s', async (_case, overrides, failure) => {
      const before = await t.db.query('SELECT count(*)::int AS n FROM customers');
      const response = await t.admin.post('/customers', customerBody(overrides));
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('Validation failed');
      expect(fieldRules(response.body)).toContain(failure);
      expect(await t.db.query('SELECT count(*)::int AS n FROM customers')).toEqual(before);
    });

    it('answers 400 for malformed JSON', async () => {
      const response = await t.admin.post('/customers', undefined, {
        rawBody: '{"name": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(400);
    });

    it('answers 409 naming the email when it is taken in another case', async () => {
      await createCustomer(t, { email: 'taken@example.com' });
      const response = await t.admin.post('/customers', customerBody({ email: ' TAKEN@Example.com' }));
      expect(response.status).toBe(409);
      expect(response.body.message).toBe('A customer with email taken@example.com already exists');
    });
  });

  describe('GET /customers/{id}', () => {
    it('returns the customer in the same bytes as when it was created', async () => {
      const created = await t.admin.post('/customers', customerBody());
      const response = await t.admin.get(`/customers/${created.body.id}`);
      expect(response.status).toBe(200);
      expect(response.text).toBe(created.text);
    });

    it('answers 404 for a missing customer', async () => {
      const response = await t.admin.get('/customers/2147483647');
      expect(response.status).toBe(404);
      expect(response.body.message).toBe('Customer 2147483647 not found');
    });

    it.each(BAD_IDS)('answers 400 for the id %s', async (id) => {
      const response = await t.admin.get(`/customers/${id}`);
      expect(response.status).toBe(400);
      expect(fieldRules(response.body)).toEqual(['id:id']);
    });
  });

  describe('PUT /customers/{id}', () => {
    it('changes only the fields sent, normalises them and publishes the new representation', async () => {
      const created = await createCustomer(t);
      events.length = 0;
      const response = await t.admin.put(`/customers/${created.id}`, { email: ' Renamed@Example.COM ', name: ' Jane Roe ' });
      expect(response.status).toBe(200);
      expect(Object.keys(response.body)).toEqual(CUSTOMER_KEYS);
      expect(response.body).toEqual({
        ...created,
        name: 'Jane Roe',
        email: 'renamed@example.com',
        updated_at: expect.any(String),
      });
      expect(Date.parse(response.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.updated_at));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ customer_id: created.id, kind: 'updated' });
      expect(JSON.stringify(events[0].customer)).toBe(response.text);
      expect((await t.admin.get(`/customers/${created.id}`)).text).toBe(response.text);
    });

    it('deactivates and reactivates', async () => {
      const created = await createCustomer(t);
      expect((await t.admin.put(`/customers/${created.id}`, { is_active: false })).body.is_active).toBe(false);
      expect((await t.admin.put(`/customers/${created.id}`, { is_active: true })).body.is_active).toBe(true);
    });

    it('answers an empty body with the unchanged customer and publishes nothing', async () => {
      const created = await t.admin.post('/customers', customerBody());
      events.length = 0;
      const response = await t.admin.put(`/customers/${created.body.id}`, {});
      expect(response.status).toBe(200);
      expect(response.text).toBe(created.text);
      expect(events).toEqual([]);
    });

    it.each([
      [{ name: 'J' }, 'name:isLength'],
      [{ name: null }, 'name:isString'],
      [{ email: 'nope' }, 'email:isEmail'],
      [{ email: null }, 'email:isEmail'],
      [{ phone_number: '12' }, 'phone_number:isLength'],
      [{ address: '' }, 'address:isNotEmpty'],
      [{ address: null }, 'address:isString'],
      [{ is_active: 'false' }, 'is_active:isBoolean'],
      [{ is_active: null }, 'is_active:isBoolean'],
      [{ id: 5 }, 'id:unknown_field'],
      [{ created_at: '2020-01-01T00:00:00Z' }, 'created_at:unknown_field'],
    ])('answers 400 for %j and changes nothing', async (body, failure) => {
      const created = await t.admin.post('/customers', customerBody());
      const response = await t.admin.put(`/customers/${created.body.id}`, body);
      expect(response.status).toBe(400);
      expect(fieldRules(response.body)).toContain(failure);
      expect((await t.admin.get(`/customers/${created.body.id}`)).text).toBe(created.text);
    });

    it('answers 409 naming the email when another customer has it in another case', async () => {
      await createCustomer(t, { email: 'first.owner@example.com' });
      const other = await createCustomer(t);
      const response = await t.admin.put(`/customers/${other.id}`, { email: 'First.Owner@EXAMPLE.com' });
      expect(response.status).toBe(409);
      expect(response.body.message).toBe('A customer with email first.owner@example.com already exists');
    });

    it('lets a customer keep its own email in another case', async () => {
      const created = await createCustomer(t, { email: 'self@example.com' });
      const response = await t.admin.put(`/customers/${created.id}`, { email: 'SELF@example.com' });
      expect(response.status).toBe(200);
      expect(response.body.email).toBe('self@example.com');
    });

    it('answers 404 for a missing customer', async () => {
      expect((await t.admin.put('/customers/2147483647', { name: 'Nobody Here' })).status).toBe(404);
      expect((await t.admin.put('/customers/2147483647', {})).status).toBe(404);
    });

    it.each(BAD_IDS)('answers 400 for the id %s', async (id) => {
      const response = await t.admin.put(`/customers/${id}`, { name: 'Jane Roe' });
      expect(response.status).toBe(400);
      expect(fieldRules(response.body)).toEqual(['id:id']);
    });
  });

  describe('DELETE /customers/{id}', () => {
    it('deletes a customer without history, publishes the deletion, then answers 404', async () => {
      const created = await createCustomer(t);
      events.length = 0;
      const response = await t.admin.delete(`/customers/${created.id}`);
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(events).toEqual([new CustomerChanged(created.id, 'deleted')]);
      expect((await t.admin.get(`/customers/${created.id}`)).status).toBe(404);
      expect((await t.admin.delete(`/customers/${created.id}`)).status).toBe(404);
    });

    it('refuses with 409 while an order refers to the customer, who can still be deactivated', async () => {
      const customer = await createCustomer(t);
      const restaurantId = await insertRestaurant(t, 'Delete Guard Diner', 'American');
      await insertOrder(t, customer.id, restaurantId, 'cancelled', '12.50');
      events.length = 0;

      const response = await t.admin.delete(`/customers/${customer.id}`);
      expect(response.status).toBe(409);
      expect(response.body.message).toBe(
        `Customer ${customer.id} has orders or reviews and cannot be deleted; deactivate it with is_active=false instead`,
      );
      expect(events).toEqual([]);
      expect((await t.admin.get(`/customers/${customer.id}`)).status).toBe(200);

      const deactivated = await t.admin.put(`/customers/${customer.id}`, { is_active: false });
      expect(deactivated.status).toBe(200);
      expect(deactivated.body.is_active).toBe(false);
    });

    it('refuses with 409 while a review refers to the customer', async () => {
      const orderer = await createCustomer(t);
      const reviewer = await createCustomer(t);
      const restaurantId = await insertRestaurant(t, 'Review Guard Cafe', 'French');
      const orderId = await insertOrder(t, orderer.id, restaurantId, 'delivered', '20.00');
      await t.db.query(`INSERT INTO reviews (customer_id, restaurant_id, order_id, rating) VALUES ($1, $2, $3, 5)`, [
        reviewer.id,
        restaurantId,
        orderId,
      ]);
      const response = await t.admin.delete(`/customers/${reviewer.id}`);
      expect(response.status).toBe(409);
      expect(response.body.message).toContain('deactivate it with is_active=false');
    });

    it('answers 404 for a missing customer', async () => {
      expect((await t.admin.delete('/customers/2147483647')).status).toBe(404);
    });

    it.each(BAD_IDS)('answers 400 for the id %s', async (id) => {
      const response = await t.admin.delete(`/customers/${id}`);
      expect(response.status).toBe(400);
      expect(fieldRules(response.body)).toEqual(['id:id']);
    });
  });

  describe('GET /customers/{id}/analytics', () => {
    let alice: number;
    let carol: number;
    let dave: number;
    const restaurant: Record<string, number> = {};

    beforeAll(async () => {
      // Names and cuisines are chosen so that tie-breaking by id differs from tie-breaking by name.
      restaurant.pizza = await insertRestaurant(t, 'Pizza Palace', 'Italian');
      restaurant.pasta = await insertRestaurant(t, 'Pasta House', 'Italian');
      restaurant.thai = await insertRestaurant(t, 'Thai Orchid', 'Thai');
      restaurant.bombay = await insertRestaurant(t, 'Bombay Bites', 'Indian');
      restaurant.tacos = await insertRestaurant(t, 'Taco Town', 'Mexican');

      alice = (await createCustomer(t)).id;
      const bob = (await createCustomer(t)).id;
      carol = (await createCustomer(t)).id;
      dave = (await createCustomer(t)).id;

      await insertOrder(t, alice, restaurant.bombay, 'preparing', '30.00');
      await insertOrder(t, alice, restaurant.bombay, 'out_for_delivery', '5.50');
      await insertOrder(t, alice, restaurant.pizza, 'delivered', '20.10');
      await insertOrder(t, alice, restaurant.pizza, 'delivered', '10.05');
      await insertOrder(t, alice, restaurant.pizza, 'cancelled', '15.00');
      await insertOrder(t, alice, restaurant.thai, 'delivered', '12.34');
      await insertOrder(t, alice, restaurant.thai, 'placed', '8.00');
      await insertOrder(t, alice, restaurant.pasta, 'confirmed', '7.25');
      await insertOrder(t, alice, restaurant.tacos, 'delivered', '10.01');
      // Bob's orders must not count for anyone else.
      await insertOrder(t, bob, restaurant.pasta, 'delivered', '99.99');
      await insertOrder(t, bob, restaurant.pasta, 'delivered', '99.99');
      await insertOrder(t, carol, restaurant.pasta, 'cancelled', '5.00');
      await insertOrder(t, carol, restaurant.pizza, 'cancelled', '25.00');
    });

    it('computes counts, spending and favourites of a customer with orders in every status', async () => {
      const response = await t.admin.get(`/customers/${alice}/analytics`);
      expect(response.status).toBe(200);
      // Delivered: 20.10 + 10.05 + 12.34 + 10.01 = 52.50 over 4 orders; 13.125 rounds half up to 13.13.
      // Orders per restaurant: Pizza 3, Thai 2, Bombay 2 (tie: lower id first), Pasta 1, Tacos 1.
      // Per cuisine: Italian 3 + 1 = 4, Indian 2, Thai 2 (tie: alphabetical), Mexican 1.
      expect(response.text).toBe(
        JSON.stringify({
          customer_id: alice,
          total_orders: 9,
          orders_by_status: { placed: 1, confirmed: 1, preparing: 1, out_for_delivery: 1, delivered: 4, cancelled: 1 },
          total_spent: 52.5,
          average_order_value: 13.13,
          favorite_restaurants: [
            { restaurant_id: restaurant.pizza, name: 'Pizza Palace', order_count: 3 },
            { restaurant_id: restaurant.thai, name: 'Thai Orchid', order_count: 2 },
            { restaurant_id: restaurant.bombay, name: 'Bombay Bites', order_count: 2 },
          ],
          favorite_cuisines: [
            { cuisine_type: 'Italian', order_count: 4 },
            { cuisine_type: 'Indian', order_count: 2 },
            { cuisine_type: 'Thai', order_count: 2 },
          ],
        }),
      );
    });

    it('counts but does not charge a customer whose orders were all cancelled', async () => {
      const response = await t.admin.get(`/customers/${carol}/analytics`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        customer_id: carol,
        total_orders: 2,
        orders_by_status: { placed: 0, confirmed: 0, preparing: 0, out_for_delivery: 0, delivered: 0, cancelled: 2 },
        total_spent: 0,
        average_order_value: 0,
        favorite_restaurants: [
          { restaurant_id: restaurant.pizza, name: 'Pizza Palace', order_count: 1 },
          { restaurant_id: restaurant.pasta, name: 'Pasta House', order_count: 1 },
        ],
        favorite_cuisines: [{ cuisine_type: 'Italian', order_count: 2 }],
      });
    });

    it('answers zeros and empty lists for a customer without orders', async () => {
      const response = await t.admin.get(`/customers/${dave}/analytics`);
      expect(response.status).toBe(200);
      expect(response.text).toBe(
        JSON.stringify({
          customer_id: dave,
          total_orders: 0,
          orders_by_status: { placed: 0, confirmed: 0, preparing: 0, out_for_delivery: 0, delivered: 0, cancelled: 0 },
          total_spent: 0,
          average_order_value: 0,
          favorite_restaurants: [],
          favorite_cuisines: [],
        }),
      );
    });

    it('answers 404 for a missing customer', async () => {
      const response = await t.admin.get('/customers/2147483647/analytics');
      expect(response.status).toBe(404);
      expect(response.body.message).toBe('Customer 2147483647 not found');
    });

    it.each(BAD_IDS)('answers 400 for the id %s', async (id) => {
      const response = await t.admin.get(`/customers/${id}/analytics`);
      expect(response.status).toBe(400);
      expect(fieldRules(response.body)).toEqual(['id:id']);
    });
  });
});

describe('GET /customers', () => {
  let t: TestApp;
  const ids: number[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    for (const isActive of [true, false, true, true, false]) ids.push((await createCustomer(t, { is_active: isActive })).id);
  });
  afterAll(() => t.close());

  it('lists every customer by id ascending with the total in X-Total-Count', async () => {
    const response = await t.admin.get('/customers');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-total-count')).toBe('5');
    expect(response.body.map((customer: { id: number }) => customer.id)).toEqual(ids);
    expect(Object.keys(response.body[0])).toEqual(CUSTOMER_KEYS);
    expect(JSON.stringify(response.body[0])).toBe((await t.admin.get(`/customers/${ids[0]}`)).text);
  });

  it('pages with skip and limit; the total stays the full count', async () => {
    const response = await t.admin.get('/customers?skip=1&limit=2');
    expect(response.headers.get('x-total-count')).toBe('5');
    expect(response.body.map((customer: { id: number }) => customer.id)).toEqual(ids.slice(1, 3));
    const beyond = await t.admin.get('/customers?skip=10');
    expect(beyond.body).toEqual([]);
    expect(beyond.headers.get('x-total-count')).toBe('5');
  });

  it('filters to active customers with active_only=true', async () => {
    const response = await t.admin.get('/customers?active_only=true&limit=2');
    expect(response.headers.get('x-total-count')).toBe('3');
    expect(response.body.map((customer: { id: number }) => customer.id)).toEqual([ids[0], ids[2]]);
    expect(response.body.every((customer: { is_active: boolean }) => customer.is_active)).toBe(true);
  });

  it('lists everyone with active_only=false', async () => {
    const response = await t.admin.get('/customers?active_only=false');
    expect(response.headers.get('x-total-count')).toBe('5');
  });

  it.each([
    ['active_only=maybe', 'active_only:isBoolean'],
    ['active_only=', 'active_only:isBoolean'],
    ['limit=1000', 'limit:max'],
    ['limit=0', 'limit:min'],
    ['skip=-1', 'skip:min'],
    ['skip=abc', 'skip:isInt'],
    ['status=active', 'status:unknown_field'],
  ])('answers 400 for ?%s', async (query, failure) => {
    const response = await t.admin.get(`/customers?${query}`);
    expect(response.status).toBe(400);
    expect(fieldRules(response.body)).toContain(failure);
  });
});
