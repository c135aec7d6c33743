import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type DomainEvent, MenuItemChanged } from '../src/events/domain-events.js';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import { MenuItemsRepository } from '../src/menu-items/menu-items.repository.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const MENU_ITEM_KEYS = [
  'id',
  'name',
  'description',
  'price',
  'category',
  'is_vegetarian',
  'is_vegan',
  'is_gluten_free',
  'is_available',
  'preparation_time',
  'restaurant_id',
  'created_at',
  'updated_at',
];

let sequence = 0;

async function createRestaurant(t: TestApp, overrides: Record<string, unknown> = {}) {
  const response = await t.admin.post('/restaurants', {
    name: `Restaurant ${++sequence}`,
    cuisine_type: 'Italian',
    address: '123 Main St, City',
    phone_number: '+1-555-0123',
    ...overrides,
  });
  expect(response.status).toBe(201);
  return response.body;
}

const itemBody = (overrides: Record<string, unknown> = {}) => ({
  name: `Dish ${++sequence}`,
  price: 10,
  category: 'Main Course',
  ...overrides,
});

async function createItem(t: TestApp, restaurantId: number, overrides: Record<string, unknown> = {}) {
  const response = await t.admin.post(`/restaurants/${restaurantId}/menu-items`, itemBody(overrides));
  expect(response.status).toBe(201);
  return response.body;
}

describe('menu items', () => {
  let t: TestApp;
  let restaurant: { id: number };
  let events: DomainEvent[];

  beforeAll(async () => {
    t = await startTestApp();
    t.app.get(DomainEventBus).subscribe('menu-item.changed', (event) => void events.push(event));
    restaurant = await createRestaurant(t);
  });
  afterAll(() => t.close());
  beforeEach(() => {
    events = [];
  });

  /** An order containing the item, arranged in SQL (the orders API belongs to another module). */
  async function orderItem(restaurantId: number, menuItemId: number): Promise<void> {
    const [customer] = await t.db.query(
      `INSERT INTO customers (name, email, phone_number, address) VALUES ('Ann Buyer', $1, '+1-555-0200', '1 Oak Ave') RETURNING id`,
      [`buyer${++sequence}@example.com`],
    );
    const [order] = await t.db.query(
      `INSERT INTO orders (customer_id, restaurant_id, order_status, total_amount, delivery_address)
       VALUES ($1, $2, 'cancelled', 10, '1 Oak Ave') RETURNING id`,
      [customer.id, restaurantId],
    );
    await t.db.query(`INSERT INTO order_items (order_id, menu_item_id, quantity, item_price) VALUES ($1, $2, 1, 10)`, [
      order.id,
      menuItemId,
    ]);
  }

  describe('POST /restaurants/{id}/menu-items', () => {
    it('creates an item with defaults, trimmed name and capitalised category, in a fixed key order', async () => {
      const response = await t.admin.post(`/restaurants/${restaurant.id}/menu-items`, {
        name: '  Margherita Pizza ',
        price: 12.99,
        category: ' main   course',
      });
      expect(response.status).toBe(201);
      expect(Object.keys(response.body)).toEqual(MENU_ITEM_KEYS);
      expect(response.body).toEqual({
        id: expect.any(Number),
        name: 'Margherita Pizza',
        description: null,
        price: 12.99,
        category: 'Main Course',
        is_vegetarian: false,
        is_vegan: false,
        is_gluten_free: false,
        is_available: true,
        preparation_time: null,
        restaurant_id: restaurant.id,
        created_at: expect.stringMatching(/Z$/),
        updated_at: expect.stringMatching(/Z$/),
      });
      expect((await t.admin.get(`/menu-items/${response.body.id}`)).text).toBe(response.text);
      expect(events).toEqual([new MenuItemChanged(response.body.id, restaurant.id, 'created', response.body)]);
    });

    it('stores every optional field', async () => {
      const body = await createItem(t, restaurant.id, {
        description: 'Classic pizza with tomato, mozzarella, and basil',
        is_vegetarian: true,
        is_vegan: true,
        is_gluten_free: true,
        is_available: false,
        preparation_time: 1440,
      });
      expect(body).toMatchObject({
        description: 'Classic pizza with tomato, mozzarella, and basil',
        is_vegetarian: true,
        is_vegan: true,
        is_gluten_free: true,
        is_available: false,
        preparation_time: 1440,
      });
    });

    it.each([
      [12.999, 13],
      [12.345, 12.35],
      [1.005, 1.01],
      [0.005, 0.01],
      [99999999.99, 99999999.99],
      [7, 7],
    ])('rounds the price %p to %p (half-up, to cents)', async (price, stored) => {
      const body = await createItem(t, restaurant.id, { price });
      expect(body.price).toBe(stored);
      const [row] = await t.db.query('SELECT price::text FROM menu_items WHERE id = $1', [body.id]);
      expect(Number(row.price)).toBe(stored);
    });

    it.each([
      ['name missing', { name: undefined }, 'name', 'isString'],
      ['name of 2 characters after trimming', { name: ' ab ' }, 'name', 'isLength'],
      ['name of 101 characters', { name: 'n'.repeat(101) }, 'name', 'isLength'],
      ['description not a string', { description: 5 }, 'description', 'isString'],
      ['price missing', { price: undefined }, 'price', 'isNumber'],
      ['price 0', { price: 0 }, 'price', 'isPositive'],
      ['price negative', { price: -3 }, 'price', 'isPositive'],
      ['price rounding to 0', { price: 0.004 }, 'price', 'isPositive'],
      ['price above 99999999.99', { price: 100000000 }, 'price', 'max'],
      ['price as a string', { price: '12.50' }, 'price', 'isNumber'],
      ['price null', { price: null }, 'price', 'isNumber'],
      ['category missing', { category: undefined }, 'category', 'isString'],
      ['category blank', { category: '  ' }, 'category', 'isLength'],
      ['category of 51 characters', { category: 'c'.repeat(51) }, 'category', 'isLength'],
      ['is_vegetarian as a string', { is_vegetarian: 'true' }, 'is_vegetarian', 'isBoolean'],
      ['is_vegan null', { is_vegan: null }, 'is_vegan', 'isBoolean'],
      ['is_gluten_free as a number', { is_gluten_free: 1 }, 'is_gluten_free', 'isBoolean'],
      ['is_available null', { is_available: null }, 'is_available', 'isBoolean'],
      ['preparation_time 0', { preparation_time: 0 }, 'preparation_time', 'min'],
      ['preparation_time 1441', { preparation_time: 1441 }, 'preparation_time', 'max'],
      ['preparation_time not an integer', { preparation_time: 1.5 }, 'preparation_time', 'isInt'],
      ['restaurant_id (taken from the path)', { restaurant_id: 1 }, 'restaurant_id', 'unknown_field'],
      ['an unknown field', { spicy: true }, 'spicy', 'unknown_field'],
    ])('refuses %s with a 400 naming the field and rule', async (_case, overrides, field, rule) => {
      const response = await t.admin.post(`/restaurants/${restaurant.id}/menu-items`, itemBody(overrides));
      expect(response.status).toBe(400);
      expect(response.body.errors).toContainEqual({ field, rule, message: expect.any(String) });
      expect(events).toEqual([]);
    });

    it('answers a missing restaurant with a 404', async () => {
      const response = await t.admin.post('/restaurants/999999/menu-items', itemBody());
      expect(response.status).toBe(404);
      expect(response.body.message).toBe('Restaurant 999999 not found');
      expect(events).toEqual([]);
    });
  });

  describe('GET /menu-items/{id} and /with-restaurant', () => {
    it('returns the item', async () => {
      const item = await createItem(t, restaurant.id);
      const response = await t.admin.get(`/menu-items/${item.id}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual(item);
    });

    it('returns the item with its restaurant, each exactly as their own routes serialise them', async () => {
      const item = await createItem(t, restaurant.id);
      const response = await t.admin.get(`/menu-items/${item.id}/with-restaurant`);
      expect(response.status).toBe(200);
      expect(Object.keys(response.body)).toEqual([...MENU_ITEM_KEYS, 'restaurant']);
      const { restaurant: embedded, ...rest } = response.body;
      expect(JSON.stringify(rest)).toBe((await t.admin.get(`/menu-items/${item.id}`)).text);
      expect(JSON.stringify(embedded)).toBe((await t.admin.get(`/restaurants/${restaurant.id}`)).text);
    });

    it.each(['/menu-items/999999', '/menu-items/999999/with-restaurant'])('answers %s with a 404', async (path) => {
      const response = await t.admin.get(path);
      expect(response.status).toBe(404);
      expect(response.body.message).toBe('Menu item 999999 not found');
    });

    it.each(['/menu-items/abc', '/menu-items/0', '/menu-items/-2/with-restaurant'])('answers %s with a 400', async (path) => {
      expect((await t.admin.get(path)).status).toBe(400);
    });
  });

  describe('PUT /menu-items/{id}', () => {
    it('changes only the fields sent, rounding the price, and publishes the new representation', async () => {
      const item = await createItem(t, restaurant.id, { description: 'Old', preparation_time: 10 });
      events = [];
      const response = await t.admin.put(`/menu-items/${item.id}`, { price: 8.499, category: 'DESSERTS', is_available: false });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ...item,
        price: 8.5,
        category: 'Desserts',
        is_available: false,
        updated_at: expect.any(String),
      });
      expect(Object.keys(response.body)).toEqual(MENU_ITEM_KEYS);
      const [row] = await t.db.query('SELECT updated_at > created_at AS moved FROM menu_items WHERE id = $1', [item.id]);
      expect(row.moved).toBe(true);
      expect((await t.admin.get(`/menu-items/${item.id}`)).body).toEqual(response.body);
      expect(events).toEqual([new MenuItemChanged(item.id, restaurant.id, 'updated', response.body)]);
    });

    it('clears nullable fields sent as null', async () => {
      const item = await createItem(t, restaurant.id, { description: 'Spicy', preparation_time: 20 });
      const response = await t.admin.put(`/menu-items/${item.id}`, { description: null, preparation_time: null });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ description: null, preparation_time: null });
    });

    it('returns the item unchanged for an empty body, publishing nothing', async () => {
      const item = await createItem(t, restaurant.id);
      events = [];
      const response = await t.admin.put(`/menu-items/${item.id}`, {});
      expect(response.body).toEqual(item);
      expect(events).toEqual([]);
    });

    it.each([
      ['restaurant_id (an item cannot move)', { restaurant_id: 2 }, 'restaurant_id', 'unknown_field'],
      ['name null', { name: null }, 'name', 'isString'],
      ['name too short', { name: 'ab' }, 'name', 'isLength'],
      ['price 0', { price: 0 }, 'price', 'isPositive'],
      ['price null', { price: null }, 'price', 'isNumber'],
      ['category null', { category: null }, 'category', 'isString'],
      ['category blank', { category: '' }, 'category', 'isLength'],
      ['is_available null', { is_available: null }, 'is_available', 'isBoolean'],
      ['is_vegan as a string', { is_vegan: 'no' }, 'is_vegan', 'isBoolean'],
      ['preparation_time negative', { preparation_time: -5 }, 'preparation_time', 'min'],
      ['id (not writable)', { id: 3 }, 'id', 'unknown_field'],
    ])('refuses %s with a 400 and changes nothing', async (_case, body, field, rule) => {
      const item = await createItem(t, restaurant.id);
      const response = await t.admin.put(`/menu-items/${item.id}`, body);
      expect(response.status).toBe(400);
      expect(response.body.errors).toContainEqual({ field, rule, message: expect.any(String) });
      expect((await t.admin.get(`/menu-items/${item.id}`)).body).toEqual(item);
    });

    it('answers a missing item with a 404 and a bad id with a 400', async () => {
      expect((await t.admin.put('/menu-items/999999', { price: 5 })).status).toBe(404);
      expect((await t.admin.put('/menu-items/999999', {})).status).toBe(404);
      expect((await t.admin.put('/menu-items/x', { price: 5 })).status).toBe(400);
    });
  });

  describe('DELETE /menu-items/{id}', () => {
    it('deletes an item no order refers to and publishes the deletion', async () => {
      const item = await createItem(t, restaurant.id);
      events = [];
      const response = await t.admin.delete(`/menu-items/${item.id}`);
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect((await t.admin.get(`/menu-items/${item.id}`)).status).toBe(404);
      expect(events).toEqual([new MenuItemChanged(item.id, restaurant.id, 'deleted')]);
    });

    it('refuses with a 409 pointing to is_available=false when an order refers to the item, even a cancelled one', async () => {
      const item = await createItem(t, restaurant.id);
      await orderItem(restaurant.id, item.id);
      events = [];
      const response = await t.admin.delete(`/menu-items/${item.id}`);
      expect(response.status).toBe(409);
      expect(response.body.message).toContain('is_available=false');
      expect((await t.admin.get(`/menu-items/${item.id}`)).body).toEqual(item);
      expect(events).toEqual([]);
      expect((await t.admin.put(`/menu-items/${item.id}`, { is_available: false })).body.is_available).toBe(false);
    });

    it('answers a missing item with a 404 and a bad id with a 400', async () => {
      expect((await t.admin.delete('/menu-items/999999')).status).toBe(404);
      expect((await t.admin.delete('/menu-items/1.5')).status).toBe(400);
      expect(events).toEqual([]);
    });
  });

  describe('route shapes', () => {
    it.each(['/menu-items/search', '/menu-items/dietary/vegan', '/menu-items/category/soups'])(
      '%s is its own route, not /menu-items/{id}',
      async (path) => {
        expect((await t.admin.get(path)).status).toBe(200);
      },
    );

    it('documents every route in Swagger', async () => {
      const document = (await t.admin.get('/docs-json')).body;
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/menu-items',
          '/menu-items/search',
          '/menu-items/dietary/{dietary_type}',
          '/menu-items/category/{category}',
          '/menu-items/{id}',
          '/menu-items/{id}/with-restaurant',
        ]),
      );
      expect(Object.keys(document.paths['/menu-items/{id}'])).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
      expect(document.paths['/menu-items/{id}'].delete.responses).toHaveProperty('409');
    });
  });
});

describe('menu item lists (own database, so totals are exact)', () => {
  let t: TestApp;
  /** ids[i] is the id of ITEMS[i]. */
  const ids: number[] = [];
  let pizzeria: number;
  let curryHouse: number;

  const ITEMS = [
    // pizzeria
    { name: 'Margherita Pizza', description: 'Tomato and basil', price: 12.99, category: 'main course', is_vegetarian: true },
    { name: 'Vegan Garden Bowl', price: 9.5, category: 'Salads', is_vegetarian: true, is_vegan: true, is_gluten_free: true },
    { name: 'Pepperoni Pizza', price: 14, category: 'Main Course', is_available: false },
    { name: 'Tiramisu', description: 'Coffee-soaked PIZZAZZ', price: 6.25, category: 'desserts', is_vegetarian: true },
    // curry house
    { name: 'Chana Masala', price: 10, category: 'MAIN COURSE', is_vegetarian: true, is_vegan: true, is_gluten_free: true },
    { name: 'Chicken Tikka', price: 15.75, category: 'Main Course', is_gluten_free: true },
    { name: 'Mango Lassi', price: 4, category: 'Drinks', is_vegetarian: true, is_available: false },
  ];

  beforeAll(async () => {
    t = await startTestApp();
    pizzeria = (await createRestaurant(t)).id;
    curryHouse = (await createRestaurant(t, { cuisine_type: 'Indian' })).id;
    for (const [index, item] of ITEMS.entries()) {
      ids.push((await createItem(t, index < 4 ? pizzeria : curryHouse, item)).id);
    }
  });
  afterAll(() => t.close());

  const idsOf = (body: { id: number }[]) => body.map((item) => item.id);
  const expectIds = (response: { body: { id: number }[]; headers: Headers }, indexes: number[], total = indexes.length) => {
    expect(idsOf(response.body)).toEqual(indexes.map((index) => ids[index]));
    expect(response.headers.get('x-total-count')).toBe(String(total));
  };

  it('GET /menu-items lists all items by id ascending, paginated with X-Total-Count', async () => {
    const response = await t.admin.get('/menu-items');
    expect(response.status).toBe(200);
    expectIds(response, [0, 1, 2, 3, 4, 5, 6]);
    expect(Object.keys(response.body[0])).toEqual(MENU_ITEM_KEYS);
    expectIds(await t.admin.get('/menu-items?skip=2&limit=3'), [2, 3, 4], 7);
    expectIds(await t.admin.get('/menu-items?skip=7'), [], 7);
  });

  it.each(['limit=101', 'limit=0', 'skip=-1', 'limit=abc', 'sort=name'])('GET /menu-items?%s is a 400', async (query) => {
    expect((await t.admin.get(`/menu-items?${query}`)).status).toBe(400);
  });

  it.each([
    ['q=pizza', [0, 2, 3]],
    ['q=PIZZA&available=true', [0, 3]],
    ['q=tomato', [0]],
    ['q=%25', []],
    ['q=_', []],
    ['q=piz_a', []],
    ['q=%5C', []],
    ['category=main%20course', [0, 2, 4, 5]],
    ['category=MAIN%20COURSE&restaurant_id=RESTAURANT_CURRY', [4, 5]],
    ['category=main', []],
    ['vegetarian=true', [0, 1, 3, 4, 6]],
    ['vegetarian=false', [2, 5]],
    ['vegan=true', [1, 4]],
    ['gluten_free=true', [1, 4, 5]],
    ['available=false', [2, 6]],
    ['min_price=10', [0, 2, 4, 5]],
    ['max_price=10', [1, 3, 4, 6]],
    ['min_price=10&max_price=10', [4]],
    ['min_price=6.25&max_price=12.99', [0, 1, 3, 4]],
    ['restaurant_id=RESTAURANT_PIZZERIA', [0, 1, 2, 3]],
    ['restaurant_id=999999', []],
    ['vegetarian=true&gluten_free=true&max_price=9.99', [1]],
    ['', [0, 1, 2, 3, 4, 5, 6]],
  ])('GET /menu-items/search?%s', async (query, indexes) => {
    const path = `/menu-items/search?${query}`
      .replace('RESTAURANT_CURRY', String(curryHouse))
      .replace('RESTAURANT_PIZZERIA', String(pizzeria));
    const response = await t.admin.get(path);
    expect(response.status).toBe(200);
    expectIds(response, indexes);
  });

  it('caps skip at 10,000 on every list, pointing at narrower filters', async () => {
    expect((await t.admin.get('/menu-items/search?skip=10000')).status).toBe(200);
    for (const path of ['/menu-items/search?q=pizza&skip=10001', '/menu-items?skip=1000000', '/restaurants?skip=10001']) {
      const response = await t.admin.get(path);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ field: 'skip', rule: 'max', message: expect.stringMatching(/10000.*narrow the filters/) }]);
    }
  });

  it('has the search served by the trigram indexes (EXPLAIN of the statement the search runs)', async () => {
    const [sql, parameters] = t.app.get(MenuItemsRepository).pageQuery({ q: 'pizza' }, { skip: 0, limit: 50 }).getQueryAndParameters();
    const runner = t.db.createQueryRunner();
    try {
      // With 7 rows Postgres rightly prefers reading the table: price that out to see whether the indexes can serve the statement.
      await runner.query('SET enable_seqscan = off');
      const plan = (await runner.query(`EXPLAIN ${sql}`, parameters)).map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n');
      expect(plan).toContain('ix_menu_items_name_trgm');
      expect(plan).toContain('ix_menu_items_description_trgm');
      await runner.query('RESET enable_seqscan');
    } finally {
      await runner.release();
    }
  });

  it('GET /menu-items/search pages the matches', async () => {
    expectIds(await t.admin.get('/menu-items/search?vegetarian=true&skip=1&limit=2'), [1, 3], 5);
  });

  it.each([
    ['min_price=20&max_price=10', 'min_price', 'notAboveMaxPrice'],
    ['min_price=0', 'min_price', 'isPositive'],
    ['max_price=-1', 'max_price', 'isPositive'],
    ['min_price=abc', 'min_price', 'isNumber'],
    ['max_price=100000000', 'max_price', 'max'],
    ['vegetarian=maybe', 'vegetarian', 'isBoolean'],
    ['vegan=yes', 'vegan', 'isBoolean'],
    ['gluten_free=TRUE', 'gluten_free', 'isBoolean'],
    ['available=0', 'available', 'isBoolean'],
    // Query ids follow the path ids' one rule (canonical decimal, 1 to 2147483647).
    ['restaurant_id=abc', 'restaurant_id', 'id'],
    ['restaurant_id=0', 'restaurant_id', 'id'],
    ['restaurant_id=07', 'restaurant_id', 'id'],
    ['q=', 'q', 'isLength'],
    ['category=', 'category', 'isLength'],
    ['limit=1000', 'limit', 'max'],
    ['skip=10001', 'skip', 'max'],
    ['name=pizza', 'name', 'unknown_field'],
  ])('GET /menu-items/search?%s is a 400', async (query, field, rule) => {
    const response = await t.admin.get(`/menu-items/search?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual({ field, rule, message: expect.any(String) });
  });

  it.each([
    ['vegetarian', [0, 1, 3, 4, 6]],
    ['vegan', [1, 4]],
    ['gluten-free', [1, 4, 5]],
  ])('GET /menu-items/dietary/%s lists the items with that flag, paginated', async (dietaryType, indexes) => {
    const response = await t.admin.get(`/menu-items/dietary/${dietaryType}`);
    expect(response.status).toBe(200);
    expectIds(response, indexes);
    expectIds(await t.admin.get(`/menu-items/dietary/${dietaryType}?skip=1&limit=1`), [indexes[1]], indexes.length);
  });

  it.each(['keto', 'gluten_free', 'Vegan'])(
    'GET /menu-items/dietary/%s is a 400 naming the parameter and the allowed values',
    async (type) => {
      const response = await t.admin.get(`/menu-items/dietary/${type}`);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { field: 'dietary_type', rule: 'isIn', message: 'dietary_type must be one of: vegetarian, vegan, gluten-free' },
      ]);
    },
  );

  it('GET /menu-items/dietary/vegan?limit=500 is a 400', async () => {
    expect((await t.admin.get('/menu-items/dietary/vegan?limit=500')).status).toBe(400);
  });

  it.each([
    ['main%20course', [0, 2, 4, 5]],
    ['Main%20Course', [0, 2, 4, 5]],
    ['DESSERTS', [3]],
    ['drinks', [6]],
    ['main', []],
    ['soups', []],
  ])('GET /menu-items/category/%s matches the category case-insensitively', async (category, indexes) => {
    const response = await t.admin.get(`/menu-items/category/${category}`);
    expect(response.status).toBe(200);
    expectIds(response, indexes);
  });

  it('GET /menu-items/category/{category} pages the matches', async () => {
    expectIds(await t.admin.get('/menu-items/category/main%20course?skip=3&limit=10'), [5], 4);
  });

  it('GET /menu-items/category/{category} refuses a category longer than 50 characters', async () => {
    const response = await t.admin.get(`/menu-items/category/${'c'.repeat(51)}`);
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toMatchObject({ field: 'category', rule: 'isLength' });
  });
});
