import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type DomainEvent, MenuItemChanged, RestaurantChanged } from '../src/events/domain-events.js';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const RESTAURANT_KEYS = [
  'id',
  'name',
  'description',
  'cuisine_type',
  'address',
  'phone_number',
  'rating',
  'is_active',
  'opening_time',
  'closing_time',
  'capacity',
  'created_at',
  'updated_at',
];

let sequence = 0;
const uniqueName = (prefix = 'Restaurant') => `${prefix} ${++sequence}`;

const validBody = (overrides: Record<string, unknown> = {}) => ({
  name: uniqueName(),
  cuisine_type: 'Italian',
  address: '123 Main St, City',
  phone_number: '+1-555-0123',
  ...overrides,
});

describe('restaurants', () => {
  let t: TestApp;
  let events: DomainEvent[];

  beforeAll(async () => {
    t = await startTestApp();
    const bus = t.app.get(DomainEventBus);
    bus.subscribe('restaurant.changed', (event) => void events.push(event));
    bus.subscribe('menu-item.changed', (event) => void events.push(event));
  });
  afterAll(() => t.close());
  beforeEach(() => {
    events = [];
  });

  async function createRestaurant(overrides: Record<string, unknown> = {}) {
    const response = await t.admin.post('/restaurants', validBody(overrides));
    expect(response.status).toBe(201);
    return response.body;
  }

  async function addMenuItem(restaurantId: number, overrides: Record<string, unknown> = {}) {
    const response = await t.admin.post(`/restaurants/${restaurantId}/menu-items`, {
      name: uniqueName('Dish'),
      price: 10,
      category: 'Main Course',
      ...overrides,
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  /** An order for the restaurant, arranged in SQL (the orders API belongs to another module). */
  async function insertOrder(restaurantId: number, menuItemId?: number): Promise<number> {
    const [customer] = await t.db.query(
      `INSERT INTO customers (name, email, phone_number, address) VALUES ($1, $2, '+1-555-0200', '1 Oak Ave') RETURNING id`,
      [uniqueName('Customer'), `${uniqueName('customer').replace(' ', '')}@example.com`],
    );
    const [order] = await t.db.query(
      `INSERT INTO orders (customer_id, restaurant_id, order_status, total_amount, delivery_address)
       VALUES ($1, $2, 'delivered', 10, '1 Oak Ave') RETURNING id`,
      [customer.id, restaurantId],
    );
    if (menuItemId) {
      await t.db.query(`INSERT INTO order_items (order_id, menu_item_id, quantity, item_price) VALUES ($1, $2, 1, 10)`, [
        order.id,
        menuItemId,
      ]);
    }
    return order.id;
  }

  describe('POST /restaurants', () => {
    it('creates a restaurant with defaults, trimmed name and capitalised cuisine, in a fixed key order', async () => {
      const name = uniqueName('Pizza Palace');
      const response = await t.admin.post('/restaurants', {
        name: `  ${name}  `,
        cuisine_type: '  north   indian ',
        address: '123 Main St, City',
        phone_number: '+1-555-0123',
      });
      expect(response.status).toBe(201);
      expect(Object.keys(response.body)).toEqual(RESTAURANT_KEYS);
      expect(response.body).toEqual({
        id: expect.any(Number),
        name,
        description: null,
        cuisine_type: 'North Indian',
        address: '123 Main St, City',
        phone_number: '+1-555-0123',
        rating: 0,
        is_active: true,
        opening_time: null,
        closing_time: null,
        capacity: 20,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      expect((await t.admin.get(`/restaurants/${response.body.id}`)).text).toBe(response.text);
    });

    it('stores every optional field: rating rounded to 2 decimals, times as HH:MM:SS', async () => {
      const body = await createRestaurant({
        description: 'Authentic Italian pizza',
        rating: 4.567,
        is_active: false,
        opening_time: '10:00',
        closing_time: '22:30:15',
        capacity: 1000,
      });
      expect(body).toMatchObject({
        description: 'Authentic Italian pizza',
        rating: 4.57,
        is_active: false,
        opening_time: '10:00:00',
        closing_time: '22:30:15',
        capacity: 1000,
      });
      const [row] = await t.db.query('SELECT rating::text, opening_time::text FROM restaurants WHERE id = $1', [body.id]);
      expect(row).toEqual({ rating: '4.57', opening_time: '10:00:00' });
    });

    it('accepts the boundary values', async () => {
      const body = await createRestaurant({
        name: 'Abc',
        cuisine_type: 'x',
        rating: 5,
        capacity: 1,
        description: 'd'.repeat(2000),
        address: 'a'.repeat(500),
      });
      expect(body).toMatchObject({ cuisine_type: 'X', rating: 5, capacity: 1 });
      const longest = await createRestaurant({ name: `${++sequence}`.padEnd(100, 'n'), cuisine_type: 'c'.repeat(50), rating: 0 });
      expect(longest.name).toHaveLength(100);
    });

    it('publishes RestaurantChanged(created) with the representation it returns', async () => {
      const body = await createRestaurant();
      expect(events).toEqual([new RestaurantChanged(body.id, 'created', body)]);
    });

    it.each([
      ['name missing', { name: undefined }, 'name', 'isString'],
      ['name of 2 characters after trimming', { name: '  ab  ' }, 'name', 'isLength'],
      ['name of 101 characters', { name: 'n'.repeat(101) }, 'name', 'isLength'],
      ['name not a string', { name: 12345 }, 'name', 'isString'],
      ['description over 2000 characters', { description: 'd'.repeat(2001) }, 'description', 'maxLength'],
      ['cuisine_type missing', { cuisine_type: undefined }, 'cuisine_type', 'isString'],
      ['cuisine_type blank', { cuisine_type: '   ' }, 'cuisine_type', 'isLength'],
      ['cuisine_type of 51 characters', { cuisine_type: 'c'.repeat(51) }, 'cuisine_type', 'isLength'],
      ['address missing', { address: undefined }, 'address', 'isString'],
      ['address blank', { address: '  ' }, 'address', 'isLength'],
      ['address over 500 characters', { address: 'a'.repeat(501) }, 'address', 'isLength'],
      ['phone_number missing', { phone_number: undefined }, 'phone_number', 'isString'],
      ['phone_number with letters', { phone_number: 'call-me-now' }, 'phone_number', 'matches'],
      ['phone_number too short', { phone_number: '12345' }, 'phone_number', 'isLength'],
      ['rating above 5', { rating: 5.01 }, 'rating', 'max'],
      ['rating below 0', { rating: -0.5 }, 'rating', 'min'],
      ['rating as a string', { rating: '4' }, 'rating', 'isNumber'],
      ['rating null', { rating: null }, 'rating', 'isNumber'],
      ['is_active as a string', { is_active: 'true' }, 'is_active', 'isBoolean'],
      ['is_active null', { is_active: null }, 'is_active', 'isBoolean'],
      ['opening_time not a time', { opening_time: '25:00' }, 'opening_time', 'matches'],
      ['closing_time not a time', { closing_time: '10pm' }, 'closing_time', 'matches'],
      ['capacity 0', { capacity: 0 }, 'capacity', 'min'],
      ['capacity 1001', { capacity: 1001 }, 'capacity', 'max'],
      ['capacity not an integer', { capacity: 2.5 }, 'capacity', 'isInt'],
      ['capacity null', { capacity: null }, 'capacity', 'isInt'],
      ['an unknown field', { stars: 5 }, 'stars', 'unknown_field'],
      ['id (not writable)', { id: 99 }, 'id', 'unknown_field'],
    ])('refuses %s with a 400 naming the field and rule', async (_case, overrides, field, rule) => {
      const response = await t.admin.post('/restaurants', validBody(overrides));
      expect(response.status).toBe(400);
      expect(response.body.errors).toContainEqual({ field, rule, message: expect.any(String) });
      expect(events).toEqual([]);
    });

    it('refuses malformed JSON with a 400', async () => {
      const response = await t.admin.post('/restaurants', undefined, {
        rawBody: '{"name":',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(400);
    });

    it('refuses a name already taken, ignoring case and surrounding spaces, with a 409', async () => {
      const existing = await createRestaurant();
      events = [];
      const response = await t.admin.post('/restaurants', validBody({ name: `  ${existing.name.toUpperCase()} ` }));
      expect(response.status).toBe(409);
      expect(response.body.message).toContain('already exists');
      expect(events).toEqual([]);
    });
  });

  describe('GET /restaurants/{id}', () => {
    it('returns the restaurant', async () => {
      const created = await createRestaurant();
      const response = await t.admin.get(`/restaurants/${created.id}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual(created);
    });

    it('answers a missing restaurant with a 404', async () => {
      const response = await t.admin.get('/restaurants/999999');
      expect(response.status).toBe(404);
      expect(response.body.message).toBe('Restaurant 999999 not found');
    });

    it.each(['abc', '0', '-1', '1.5', '99999999999'])('answers the id %s with a 400', async (id) => {
      const response = await t.admin.get(`/restaurants/${id}`);
      expect(response.status).toBe(400);
      expect(response.body.errors[0]).toMatchObject({ field: 'id', rule: 'id' });
    });
  });

  describe('PUT /restaurants/{id}', () => {
    it('changes only the fields sent and moves updated_at', async () => {
      const created = await createRestaurant({ description: 'Old', rating: 3, opening_time: '09:00' });
      events = [];
      const response = await t.admin.put(`/restaurants/${created.id}`, {
        cuisine_type: 'south indian',
        rating: 4.256,
        closing_time: '23:00',
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ...created,
        cuisine_type: 'South Indian',
        rating: 4.26,
        closing_time: '23:00:00',
        updated_at: expect.any(String),
      });
      expect(Object.keys(response.body)).toEqual(RESTAURANT_KEYS);
      const [row] = await t.db.query('SELECT updated_at > created_at AS moved FROM restaurants WHERE id = $1', [created.id]);
      expect(row.moved).toBe(true);
      expect((await t.admin.get(`/restaurants/${created.id}`)).body).toEqual(response.body);
      expect(events).toEqual([new RestaurantChanged(created.id, 'updated', response.body)]);
    });

    it('clears a nullable field sent as null', async () => {
      const created = await createRestaurant({ description: 'Soon gone', opening_time: '08:00', closing_time: '20:00' });
      const response = await t.admin.put(`/restaurants/${created.id}`, { description: null, opening_time: null });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ description: null, opening_time: null, closing_time: '20:00:00' });
    });

    it('deactivates a restaurant', async () => {
      const created = await createRestaurant();
      const response = await t.admin.put(`/restaurants/${created.id}`, { is_active: false });
      expect(response.body.is_active).toBe(false);
    });

    it('returns the restaurant unchanged for an empty body, publishing nothing', async () => {
      const created = await createRestaurant();
      events = [];
      const response = await t.admin.put(`/restaurants/${created.id}`, {});
      expect(response.status).toBe(200);
      expect(response.body).toEqual(created);
      expect(events).toEqual([]);
    });

    it('lets a restaurant keep its own name in a different case', async () => {
      const created = await createRestaurant();
      const response = await t.admin.put(`/restaurants/${created.id}`, { name: created.name.toUpperCase() });
      expect(response.status).toBe(200);
      expect(response.body.name).toBe(created.name.toUpperCase());
    });

    it("refuses another restaurant's name, ignoring case, with a 409 and changes nothing", async () => {
      const first = await createRestaurant();
      const second = await createRestaurant();
      events = [];
      const response = await t.admin.put(`/restaurants/${second.id}`, { name: first.name.toLowerCase(), capacity: 50 });
      expect(response.status).toBe(409);
      expect((await t.admin.get(`/restaurants/${second.id}`)).body).toEqual(second);
      expect(events).toEqual([]);
    });

    it.each([
      ['name null', { name: null }, 'name', 'isString'],
      ['name too short', { name: ' x ' }, 'name', 'isLength'],
      ['cuisine_type null', { cuisine_type: null }, 'cuisine_type', 'isString'],
      ['cuisine_type blank', { cuisine_type: '' }, 'cuisine_type', 'isLength'],
      ['address null', { address: null }, 'address', 'isString'],
      ['phone_number invalid', { phone_number: 'abc' }, 'phone_number', 'matches'],
      ['phone_number null', { phone_number: null }, 'phone_number', 'isString'],
      ['rating above 5', { rating: 7 }, 'rating', 'max'],
      ['rating null', { rating: null }, 'rating', 'isNumber'],
      ['is_active null', { is_active: null }, 'is_active', 'isBoolean'],
      ['capacity 0', { capacity: 0 }, 'capacity', 'min'],
      ['opening_time invalid', { opening_time: '7am' }, 'opening_time', 'matches'],
      ['an unknown field', { menu_items: [] }, 'menu_items', 'unknown_field'],
      ['created_at (not writable)', { created_at: '2020-01-01T00:00:00Z' }, 'created_at', 'unknown_field'],
    ])('refuses %s with a 400', async (_case, body, field, rule) => {
      const created = await createRestaurant();
      const response = await t.admin.put(`/restaurants/${created.id}`, body);
      expect(response.status).toBe(400);
      expect(response.body.errors).toContainEqual({ field, rule, message: expect.any(String) });
    });

    it('answers a missing restaurant with a 404 and a bad id with a 400', async () => {
      expect((await t.admin.put('/restaurants/999999', { capacity: 5 })).status).toBe(404);
      expect((await t.admin.put('/restaurants/999999', {})).status).toBe(404);
      expect((await t.admin.put('/restaurants/abc', { capacity: 5 })).status).toBe(400);
    });
  });

  describe('DELETE /restaurants/{id}', () => {
    it('deletes a restaurant without orders together with its menu items, and publishes each deletion', async () => {
      const restaurant = await createRestaurant();
      const first = await addMenuItem(restaurant.id);
      const second = await addMenuItem(restaurant.id);
      const other = await createRestaurant();
      const othersItem = await addMenuItem(other.id);
      events = [];

      const response = await t.admin.delete(`/restaurants/${restaurant.id}`);
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect((await t.admin.get(`/restaurants/${restaurant.id}`)).status).toBe(404);
      expect((await t.admin.get(`/menu-items/${first.id}`)).status).toBe(404);
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM menu_items WHERE restaurant_id = $1', [restaurant.id]);
      expect(count).toBe(0);
      expect((await t.admin.get(`/menu-items/${othersItem.id}`)).status).toBe(200);
      expect(events).toEqual([
        new MenuItemChanged(first.id, restaurant.id, 'deleted'),
        new MenuItemChanged(second.id, restaurant.id, 'deleted'),
        new RestaurantChanged(restaurant.id, 'deleted'),
      ]);
    });

    it('refuses with a 409 pointing to deactivation when orders refer to the restaurant, deleting nothing', async () => {
      const restaurant = await createRestaurant();
      const item = await addMenuItem(restaurant.id);
      await insertOrder(restaurant.id, item.id);
      events = [];

      const response = await t.admin.delete(`/restaurants/${restaurant.id}`);
      expect(response.status).toBe(409);
      expect(response.body.message).toContain('is_active=false');
      expect((await t.admin.get(`/restaurants/${restaurant.id}`)).status).toBe(200);
      expect((await t.admin.get(`/menu-items/${item.id}`)).status).toBe(200);
      expect(events).toEqual([]);
    });

    it('refuses with a 409 even when the orders have no items, keeping the menu', async () => {
      const restaurant = await createRestaurant();
      const item = await addMenuItem(restaurant.id);
      await insertOrder(restaurant.id);
      const response = await t.admin.delete(`/restaurants/${restaurant.id}`);
      expect(response.status).toBe(409);
      expect((await t.admin.get(`/menu-items/${item.id}`)).status).toBe(200);
    });

    it('answers a missing restaurant with a 404 and a bad id with a 400', async () => {
      expect((await t.admin.delete('/restaurants/999999')).status).toBe(404);
      expect((await t.admin.delete('/restaurants/x')).status).toBe(400);
      expect(events).toEqual([]);
    });
  });

  describe('menus', () => {
    it('POST /restaurants/{id}/menu-items adds an item to the restaurant', async () => {
      const restaurant = await createRestaurant();
      events = [];
      const response = await t.admin.post(`/restaurants/${restaurant.id}/menu-items`, {
        name: 'Margherita Pizza',
        price: 12.99,
        category: 'main course',
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ restaurant_id: restaurant.id, category: 'Main Course', price: 12.99 });
      expect(events).toEqual([new MenuItemChanged(response.body.id, restaurant.id, 'created', response.body)]);
    });

    it('POST /restaurants/{id}/menu-items answers a missing restaurant with a 404 and a bad body with a 400', async () => {
      const missing = await t.admin.post('/restaurants/999999/menu-items', { name: 'Soup', price: 5, category: 'Starter' });
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe('Restaurant 999999 not found');
      const restaurant = await createRestaurant();
      events = [];
      const invalid = await t.admin.post(`/restaurants/${restaurant.id}/menu-items`, { name: 'Soup', price: 0, category: 'Starter' });
      expect(invalid.status).toBe(400);
      expect((await t.admin.post('/restaurants/abc/menu-items', { name: 'Soup', price: 5, category: 'Starter' })).status).toBe(400);
      expect(events).toEqual([]);
    });

    it('GET /restaurants/{id}/menu lists only that restaurant’s items by id, paginated', async () => {
      const restaurant = await createRestaurant();
      const items = [await addMenuItem(restaurant.id), await addMenuItem(restaurant.id), await addMenuItem(restaurant.id)];
      await addMenuItem((await createRestaurant()).id);

      const response = await t.admin.get(`/restaurants/${restaurant.id}/menu`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual(items);
      expect(response.headers.get('x-total-count')).toBe('3');
      const page = await t.admin.get(`/restaurants/${restaurant.id}/menu?skip=1&limit=1`);
      expect(page.body).toEqual([items[1]]);
      expect(page.headers.get('x-total-count')).toBe('3');
    });

    it('GET /restaurants/{id}/menu answers an empty menu with [], a missing restaurant with a 404', async () => {
      const restaurant = await createRestaurant();
      const empty = await t.admin.get(`/restaurants/${restaurant.id}/menu`);
      expect(empty.body).toEqual([]);
      expect(empty.headers.get('x-total-count')).toBe('0');
      expect((await t.admin.get('/restaurants/999999/menu')).status).toBe(404);
      expect((await t.admin.get(`/restaurants/${restaurant.id}/menu?limit=0`)).status).toBe(400);
    });

    it('GET /restaurants/{id}/with-menu returns the restaurant exactly as GET /restaurants/{id} does, plus menu_items', async () => {
      const restaurant = await createRestaurant();
      const second = await addMenuItem(restaurant.id, { name: 'Zucchini Fries' });
      const first = await addMenuItem(restaurant.id, { name: 'Antipasti' });

      const response = await t.admin.get(`/restaurants/${restaurant.id}/with-menu`);
      expect(response.status).toBe(200);
      expect(Object.keys(response.body)).toEqual([...RESTAURANT_KEYS, 'menu_items']);
      const { menu_items: menuItems, ...rest } = response.body;
      expect(JSON.stringify(rest)).toBe((await t.admin.get(`/restaurants/${restaurant.id}`)).text);
      expect(menuItems).toEqual([second, first]);
      expect(JSON.stringify(menuItems[0])).toBe((await t.admin.get(`/menu-items/${second.id}`)).text);
    });

    it('GET /restaurants/{id}/with-menu gives an empty menu_items array, and a 404 for a missing restaurant', async () => {
      const restaurant = await createRestaurant();
      expect((await t.admin.get(`/restaurants/${restaurant.id}/with-menu`)).body).toEqual({ ...restaurant, menu_items: [] });
      expect((await t.admin.get('/restaurants/999999/with-menu')).status).toBe(404);
      expect((await t.admin.get('/restaurants/0/with-menu')).status).toBe(400);
    });
  });

  describe('routes that look like an id', () => {
    it.each([
      '/restaurants/search',
      '/restaurants/active',
      '/restaurants/analytics/popular-cuisines',
      '/restaurants/analytics/price-ranges',
    ])('%s is its own route, not /restaurants/{id}', async (path) => {
      const response = await t.admin.get(path);
      expect(response.status).toBe(200);
    });
  });

  it('documents every route in Swagger', async () => {
    const document = (await t.admin.get('/docs-json')).body;
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/restaurants',
        '/restaurants/search',
        '/restaurants/active',
        '/restaurants/{id}',
        '/restaurants/{id}/menu-items',
        '/restaurants/{id}/menu',
        '/restaurants/{id}/with-menu',
      ]),
    );
    expect(Object.keys(document.paths['/restaurants/{id}'])).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
    expect(document.paths['/restaurants/{id}'].delete.responses).toHaveProperty('409');
  });
});

describe('restaurant lists (own database, so totals are exact)', () => {
  let app: TestApp;
  const ids: number[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    for (const [index, body] of [
      { cuisine_type: 'italian', rating: 4.5, address: '1 Main Street, Springfield' },
      { cuisine_type: 'Italian Fusion', rating: 3.9, address: '2 Elm Road, Shelbyville' },
      { cuisine_type: 'Indian', rating: 4.0, address: '3 MAIN ST, Capital City', is_active: false },
      { cuisine_type: 'ITALIAN', rating: 2, address: '4 Oak Lane, Springfield' },
      { cuisine_type: 'Mexican', rating: 5, address: '5 Pine Ave, Ogdenville' },
    ].entries()) {
      const response = await app.admin.post('/restaurants', validBody({ name: `Listed ${index}`, ...body }));
      ids.push(response.body.id);
    }
  });
  afterAll(() => app.close());

  const idsOf = (body: { id: number }[]) => body.map((restaurant) => restaurant.id);

  it('GET /restaurants lists all by id ascending with X-Total-Count', async () => {
    const response = await app.admin.get('/restaurants');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-total-count')).toBe('5');
    expect(idsOf(response.body)).toEqual(ids);
    expect(Object.keys(response.body[0])).toEqual(RESTAURANT_KEYS);
  });

  it('GET /restaurants pages with skip and limit; the total counts every row', async () => {
    const response = await app.admin.get('/restaurants?skip=1&limit=2');
    expect(idsOf(response.body)).toEqual(ids.slice(1, 3));
    expect(response.headers.get('x-total-count')).toBe('5');
    const beyond = await app.admin.get('/restaurants?skip=10');
    expect(beyond.body).toEqual([]);
    expect(beyond.headers.get('x-total-count')).toBe('5');
  });

  it.each([
    ['limit=1000', 'limit'],
    ['limit=0', 'limit'],
    ['skip=-1', 'skip'],
    ['skip=abc', 'skip'],
    ['page=2', 'page'],
  ])('GET /restaurants?%s is a 400', async (query, field) => {
    const response = await app.admin.get(`/restaurants?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe(field);
  });

  it('GET /restaurants/active lists only the active ones, paginated', async () => {
    const response = await app.admin.get('/restaurants/active');
    expect(response.status).toBe(200);
    expect(idsOf(response.body)).toEqual([ids[0], ids[1], ids[3], ids[4]]);
    expect(response.headers.get('x-total-count')).toBe('4');
    const page = await app.admin.get('/restaurants/active?skip=2&limit=1');
    expect(idsOf(page.body)).toEqual([ids[3]]);
    expect(page.headers.get('x-total-count')).toBe('4');
    expect((await app.admin.get('/restaurants/active?limit=101')).status).toBe(400);
  });

  it.each([
    ['cuisine=ITALIAN', [0, 3]],
    ['cuisine=%20italian%20', [0, 3]],
    ['cuisine=italian%20fusion', [1]],
    ['cuisine=Ital', []],
    ['min_rating=4', [0, 2, 4]],
    ['min_rating=4.5', [0, 4]],
    ['min_rating=0', [0, 1, 2, 3, 4]],
    ['location=main%20st', [0, 2]],
    ['location=SPRINGFIELD', [0, 3]],
    ['location=100%25', []],
    ['is_active=false', [2]],
    ['is_active=true', [0, 1, 3, 4]],
    ['cuisine=italian&location=springfield&min_rating=3', [0]],
    ['', [0, 1, 2, 3, 4]],
  ])('GET /restaurants/search?%s', async (query, expected) => {
    const response = await app.admin.get(`/restaurants/search?${query}`);
    expect(response.status).toBe(200);
    expect(idsOf(response.body)).toEqual(expected.map((index) => ids[index]));
    expect(response.headers.get('x-total-count')).toBe(String(expected.length));
  });

  it('GET /restaurants/search pages the matches', async () => {
    const response = await app.admin.get('/restaurants/search?min_rating=2&skip=1&limit=2');
    expect(idsOf(response.body)).toEqual([ids[1], ids[2]]);
    expect(response.headers.get('x-total-count')).toBe('5');
  });

  it.each([
    ['min_rating=6', 'min_rating', 'max'],
    ['min_rating=-1', 'min_rating', 'min'],
    ['min_rating=abc', 'min_rating', 'isNumber'],
    ['is_active=maybe', 'is_active', 'isBoolean'],
    ['is_active=1', 'is_active', 'isBoolean'],
    ['cuisine=', 'cuisine', 'isLength'],
    [`cuisine=${'c'.repeat(51)}`, 'cuisine', 'isLength'],
    ['location=', 'location', 'isLength'],
    ['cuisine=a&cuisine=b', 'cuisine', 'isString'],
    ['rating=4', 'rating', 'unknown_field'],
    ['limit=500', 'limit', 'max'],
  ])('GET /restaurants/search?%s is a 400', async (query, field, rule) => {
    const response = await app.admin.get(`/restaurants/search?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual({ field, rule, message: expect.any(String) });
  });
});
