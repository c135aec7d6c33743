import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './support/test-app.js';

/** [menu item, quantity, price paid] */
type Line = [number, number, string];

const ZERO_STATUSES = { placed: 0, confirmed: 0, preparing: 0, out_for_delivery: 0, delivered: 0, cancelled: 0 };

/*
 * Orders, order items and reviews are arranged in SQL: their APIs belong to other modules, and
 * the figures must not depend on them. Every expected number below is worked out by hand.
 */
describe('restaurant analytics', () => {
  let t: TestApp;
  let emptyPriceRanges: unknown;
  let emptyCuisines: unknown;
  let customerId: number;
  const restaurants: Record<string, number> = {};
  const items: Record<string, number> = {};

  async function createRestaurant(key: string, cuisineType: string, rating: number) {
    const response = await t.admin.post('/restaurants', {
      name: key,
      cuisine_type: cuisineType,
      address: `${key} Street 1`,
      phone_number: '+1-555-0123',
      rating,
    });
    expect(response.status).toBe(201);
    restaurants[key] = response.body.id;
  }

  async function createItem(key: string, restaurant: string, price: number) {
    const response = await t.admin.post(`/restaurants/${restaurants[restaurant]}/menu-items`, {
      name: `Dish ${key}`,
      price,
      category: 'Main Course',
    });
    expect(response.status).toBe(201);
    items[key] = response.body.id;
  }

  async function insertOrder(restaurant: string, status: string, lines: Line[] = []): Promise<number> {
    const [order] = await t.db.query(
      `INSERT INTO orders (customer_id, restaurant_id, order_status, total_amount, delivery_address)
       VALUES ($1, $2, $3, 0, '1 Oak Ave') RETURNING id`,
      [customerId, restaurants[restaurant], status],
    );
    for (const [menuItemId, quantity, price] of lines) {
      await t.db.query('INSERT INTO order_items (order_id, menu_item_id, quantity, item_price) VALUES ($1, $2, $3, $4)', [
        order.id,
        menuItemId,
        quantity,
        price,
      ]);
    }
    await t.db.query(
      `UPDATE orders SET total_amount = (SELECT coalesce(sum(quantity * item_price), 0) FROM order_items WHERE order_id = $1)
       WHERE id = $1`,
      [order.id],
    );
    return order.id;
  }

  async function insertReview(restaurant: string, orderId: number, rating: number) {
    await t.db.query('INSERT INTO reviews (customer_id, restaurant_id, order_id, rating) VALUES ($1, $2, $3, $4)', [
      customerId,
      restaurants[restaurant],
      orderId,
      rating,
    ]);
  }

  beforeAll(async () => {
    t = await startTestApp();
    emptyPriceRanges = (await t.admin.get('/restaurants/analytics/price-ranges')).body;
    emptyCuisines = (await t.admin.get('/restaurants/analytics/popular-cuisines')).body;

    [{ id: customerId }] = await t.db.query(
      `INSERT INTO customers (name, email, phone_number, address) VALUES ('Ann', 'ann@example.com', '+1-555-0200', '1 Oak Ave') RETURNING id`,
    );

    await createRestaurant('Bella', 'italian', 4.5);
    await createRestaurant('Roma', 'Italian', 3.75);
    await createRestaurant('Curry', 'Indian', 4);
    await createRestaurant('Empty', 'mexican', 0);
    await createRestaurant('Siam', 'Thai', 2);
    await createRestaurant('Diner', 'american', 3);

    // Prices on both sides of every bucket boundary.
    for (const [key, price] of [
      ['A', 9.99],
      ['B', 10],
      ['C', 19.99],
      ['D', 20],
      ['E', 29.99],
      ['F', 30],
      ['G', 45.5],
    ] as const) {
      await createItem(key, 'Bella', price);
    }
    await createItem('H', 'Curry', 12.5);
    await createItem('I', 'Roma', 15);

    // Bella: 7 orders. Prices paid may differ from today's menu price (A at 9.00 in O2).
    const o1 = await insertOrder('Bella', 'delivered', [
      [items.A, 2, '9.99'],
      [items.B, 1, '10.00'],
    ]); // 29.98
    const o2 = await insertOrder('Bella', 'delivered', [
      [items.C, 3, '19.99'],
      [items.A, 1, '9.00'],
    ]); // 68.97
    await insertOrder('Bella', 'cancelled', [[items.G, 10, '45.50']]); // 455.00, left out of revenue and popularity
    await insertOrder('Bella', 'placed', [
      [items.D, 2, '20.00'],
      [items.B, 2, '10.00'],
    ]);
    await insertOrder('Bella', 'preparing', [[items.E, 1, '29.99']]);
    await insertOrder('Bella', 'out_for_delivery', [[items.F, 1, '30.00']]);
    const o7 = await insertOrder('Bella', 'delivered', [[items.F, 1, '30.00']]); // 30.00
    await insertReview('Bella', o1, 5);
    await insertReview('Bella', o2, 4);
    await insertReview('Bella', o7, 4);

    const roma = await insertOrder('Roma', 'delivered', [[items.I, 1, '15.00']]);
    await insertOrder('Roma', 'cancelled', [[items.I, 2, '15.00']]);
    await insertReview('Roma', roma, 2);
    await insertOrder('Curry', 'placed', [[items.H, 1, '12.50']]);
    await insertOrder('Diner', 'placed');
  });
  afterAll(() => t.close());

  describe('GET /restaurants/{id}/analytics', () => {
    it("computes the restaurant's figures", async () => {
      const response = await t.admin.get(`/restaurants/${restaurants.Bella}/analytics`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        restaurant_id: restaurants.Bella,
        restaurant_name: 'Bella',
        total_orders: 7,
        orders_by_status: { placed: 1, confirmed: 0, preparing: 1, out_for_delivery: 1, delivered: 3, cancelled: 1 },
        // 29.98 + 68.97 + 30.00
        total_revenue: 128.95,
        // 128.95 / 3 = 42.9833...
        average_order_value: 42.98,
        total_reviews: 3,
        // (5 + 4 + 4) / 3 = 4.333...
        average_rating: 4.33,
        // A, B and C tie at 3 and D and F at 2: lower id first; E (1) is sixth; G only in a cancelled order.
        popular_items: [
          { menu_item_id: items.A, name: 'Dish A', quantity: 3, revenue: 28.98 },
          { menu_item_id: items.B, name: 'Dish B', quantity: 3, revenue: 30 },
          { menu_item_id: items.C, name: 'Dish C', quantity: 3, revenue: 59.97 },
          { menu_item_id: items.D, name: 'Dish D', quantity: 2, revenue: 40 },
          { menu_item_id: items.F, name: 'Dish F', quantity: 2, revenue: 60 },
        ],
      });
    });

    it('lists every status in a fixed order and the top-level keys in a fixed order', async () => {
      const { body } = await t.admin.get(`/restaurants/${restaurants.Roma}/analytics`);
      expect(Object.keys(body)).toEqual([
        'restaurant_id',
        'restaurant_name',
        'total_orders',
        'orders_by_status',
        'total_revenue',
        'average_order_value',
        'total_reviews',
        'average_rating',
        'popular_items',
      ]);
      expect(Object.keys(body.orders_by_status)).toEqual(Object.keys(ZERO_STATUSES));
      expect(body).toMatchObject({
        total_orders: 2,
        orders_by_status: { ...ZERO_STATUSES, delivered: 1, cancelled: 1 },
        total_revenue: 15,
        average_order_value: 15,
        total_reviews: 1,
        average_rating: 2,
        popular_items: [{ menu_item_id: items.I, name: 'Dish I', quantity: 1, revenue: 15 }],
      });
    });

    it('reports zeros, not nulls, for a restaurant with no orders or reviews', async () => {
      const response = await t.admin.get(`/restaurants/${restaurants.Empty}/analytics`);
      expect(response.body).toEqual({
        restaurant_id: restaurants.Empty,
        restaurant_name: 'Empty',
        total_orders: 0,
        orders_by_status: ZERO_STATUSES,
        total_revenue: 0,
        average_order_value: 0,
        total_reviews: 0,
        average_rating: 0,
        popular_items: [],
      });
    });

    it('counts undelivered orders but reports no revenue for them', async () => {
      const { body } = await t.admin.get(`/restaurants/${restaurants.Curry}/analytics`);
      expect(body).toMatchObject({ total_orders: 1, total_revenue: 0, average_order_value: 0 });
      expect(body.popular_items).toEqual([{ menu_item_id: items.H, name: 'Dish H', quantity: 1, revenue: 12.5 }]);
    });

    it('serves the same body at /reviews/restaurants/{id}/analytics', async () => {
      const primary = await t.admin.get(`/restaurants/${restaurants.Bella}/analytics`);
      const alias = await t.admin.get(`/reviews/restaurants/${restaurants.Bella}/analytics`);
      expect(alias.status).toBe(200);
      expect(alias.text).toBe(primary.text);
    });

    it.each(['/restaurants/999999/analytics', '/reviews/restaurants/999999/analytics'])('answers %s with a 404', async (path) => {
      const response = await t.admin.get(path);
      expect(response.status).toBe(404);
      expect(response.body.message).toBe('Restaurant 999999 not found');
    });

    it.each(['/restaurants/abc/analytics', '/reviews/restaurants/0/analytics'])('answers %s with a 400', async (path) => {
      expect((await t.admin.get(path)).status).toBe(400);
    });
  });

  describe('GET /restaurants/analytics/popular-cuisines', () => {
    it('groups restaurants by cuisine, most ordered first, then by cuisine name', async () => {
      const response = await t.admin.get('/restaurants/analytics/popular-cuisines');
      expect(response.status).toBe(200);
      expect(response.body).toEqual([
        // 7 + 2 orders; ratings (4.5 + 3.75) / 2 = 4.125
        { cuisine_type: 'Italian', restaurant_count: 2, average_rating: 4.13, total_orders: 9 },
        { cuisine_type: 'American', restaurant_count: 1, average_rating: 3, total_orders: 1 },
        { cuisine_type: 'Indian', restaurant_count: 1, average_rating: 4, total_orders: 1 },
        { cuisine_type: 'Mexican', restaurant_count: 1, average_rating: 0, total_orders: 0 },
        { cuisine_type: 'Thai', restaurant_count: 1, average_rating: 2, total_orders: 0 },
      ]);
      expect(Object.keys(response.body[0])).toEqual(['cuisine_type', 'restaurant_count', 'average_rating', 'total_orders']);
    });

    it('is an empty list when there are no restaurants', () => {
      expect(emptyCuisines).toEqual([]);
    });
  });

  describe('GET /restaurants/analytics/price-ranges', () => {
    it('counts menu items per price bucket, boundaries going to the upper bucket', async () => {
      const response = await t.admin.get('/restaurants/analytics/price-ranges');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        total_items: 9,
        // 9.99 | 10, 19.99, 12.50, 15 | 20, 29.99 | 30, 45.50
        price_ranges: { under_10: 1, '10_to_20': 4, '20_to_30': 2, over_30: 2 },
        min_price: 9.99,
        max_price: 45.5,
        // 192.97 / 9 = 21.4411...
        average_price: 21.44,
      });
      expect(Object.keys(response.body)).toEqual(['total_items', 'price_ranges', 'min_price', 'max_price', 'average_price']);
      expect(Object.keys(response.body.price_ranges)).toEqual(['under_10', '10_to_20', '20_to_30', 'over_30']);
    });

    it('reports zero counts and null prices when there are no menu items', () => {
      expect(emptyPriceRanges).toEqual({
        total_items: 0,
        price_ranges: { under_10: 0, '10_to_20': 0, '20_to_30': 0, over_30: 0 },
        min_price: null,
        max_price: null,
        average_price: null,
      });
    });
  });

  it('documents the analytics routes in Swagger', async () => {
    const document = (await t.admin.get('/docs-json')).body;
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/restaurants/{id}/analytics',
        '/reviews/restaurants/{id}/analytics',
        '/restaurants/analytics/popular-cuisines',
        '/restaurants/analytics/price-ranges',
      ]),
    );
  });
});
