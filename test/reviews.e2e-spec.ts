import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import type { ReviewAdded } from '../src/events/domain-events.js';
import { insertCustomer, insertMenuItem, insertOrder, insertRestaurant } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('reviews', () => {
  let t: TestApp;
  const events: ReviewAdded[] = [];
  let restaurantId: number;
  let customerId: number;
  let otherCustomerId: number;
  let menuItemId: number;

  const deliveredOrder = (customer = customerId, restaurant = restaurantId, order_status = 'delivered') =>
    insertOrder(t.db, { customer_id: customer, restaurant_id: restaurant, order_status, items: [[menuItemId, 1, '9.99']] });
  const review = (orderId: number, customer: number | string, body: unknown) =>
    t.admin.post(`/reviews/orders/${orderId}/review?customer_id=${customer}`, body);
  const ratingOf = async (restaurant: number) =>
    (await t.db.query(`SELECT rating::text AS rating FROM restaurants WHERE id = $1`, [restaurant]))[0].rating as string;
  const reviewCount = async () => (await t.db.query(`SELECT count(*)::int AS n FROM reviews`))[0].n as number;
  const fieldsOf = (body: { errors?: { field: string }[] }) => [...new Set((body.errors ?? []).map((error) => error.field))];

  beforeAll(async () => {
    t = await startTestApp();
    t.app.get(DomainEventBus).subscribe('review.added', (event) => void events.push(event));
    restaurantId = await insertRestaurant(t.db);
    menuItemId = await insertMenuItem(t.db, restaurantId);
    customerId = await insertCustomer(t.db);
    otherCustomerId = await insertCustomer(t.db);
  });
  afterAll(() => t.close());

  describe('POST /reviews/orders/{id}/review', () => {
    it('adds the review of a delivered order and sets the restaurant rating to the average', async () => {
      const restaurant = await insertRestaurant(t.db);
      const orderId = await deliveredOrder(customerId, restaurant);
      const response = await review(orderId, customerId, { rating: 5, comment: 'Excellent pizza!' });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(Number),
        customer_id: customerId,
        restaurant_id: restaurant,
        order_id: orderId,
        rating: 5,
        comment: 'Excellent pizza!',
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      });
      expect(Object.keys(response.body)).toEqual(['id', 'customer_id', 'restaurant_id', 'order_id', 'rating', 'comment', 'created_at']);
      expect(await ratingOf(restaurant)).toBe('5.00');
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'review.added',
          review_id: response.body.id,
          order_id: orderId,
          customer_id: customerId,
          restaurant_id: restaurant,
        }),
      );

      // 5, 4, 4 -> 13 / 3 = 4.333... -> 4.33; then 5, 4, 4, 5 -> 4.50; then with a 1 -> 19 / 5 = 3.80.
      for (const [rating, expected] of [
        [4, '4.50'],
        [4, '4.33'],
        [5, '4.50'],
        [1, '3.80'],
      ] as const) {
        const added = await review(await deliveredOrder(otherCustomerId, restaurant), otherCustomerId, { rating });
        expect(added.status).toBe(201);
        expect(await ratingOf(restaurant)).toBe(expected);
      }
    });

    // The rating comes from the restaurant's running totals, which triggers keep for reviews that
    // arrive or leave any way: the average must still cover them all.
    it('averages every review of the restaurant, also those inserted, changed or deleted in SQL', async () => {
      const restaurant = await insertRestaurant(t.db);
      const totals = async () =>
        (await t.db.query(`SELECT review_count, review_rating_total::int AS total FROM restaurants WHERE id = $1`, [restaurant]))[0];
      const insertReview = async (rating: number) =>
        (
          await t.db.query(`INSERT INTO reviews (customer_id, restaurant_id, order_id, rating) VALUES ($1, $2, $3, $4) RETURNING id`, [
            otherCustomerId,
            restaurant,
            await deliveredOrder(otherCustomerId, restaurant),
            rating,
          ])
        )[0].id as number;
      const [first] = [await insertReview(1), await insertReview(2), await insertReview(5)];
      expect(await totals()).toEqual({ review_count: 3, total: 8 });
      await t.db.query(`UPDATE reviews SET rating = 3 WHERE id = $1`, [first]);
      await t.db.query(`DELETE FROM reviews WHERE restaurant_id = $1 AND rating = 2`, [restaurant]);
      expect(await totals()).toEqual({ review_count: 2, total: 8 });

      // 3 and 5 in SQL, then 4 through the API: 12 / 3.
      expect((await review(await deliveredOrder(otherCustomerId, restaurant), otherCustomerId, { rating: 4 })).status).toBe(201);
      expect(await ratingOf(restaurant)).toBe('4.00');
      const [{ average }] = await t.db.query(`SELECT round(avg(rating), 2)::text AS average FROM reviews WHERE restaurant_id = $1`, [
        restaurant,
      ]);
      expect(average).toBe('4.00');
    });

    it('stores no comment as null', async () => {
      const response = await review(await deliveredOrder(), customerId, { rating: 3 });
      expect(response.status).toBe(201);
      expect(response.body.comment).toBeNull();
    });

    it('refuses a second review of the same order with a 409, leaving the rating alone', async () => {
      const restaurant = await insertRestaurant(t.db);
      const orderId = await deliveredOrder(customerId, restaurant);
      expect((await review(orderId, customerId, { rating: 2 })).status).toBe(201);
      const before = await reviewCount();
      const again = await review(orderId, customerId, { rating: 5 });
      expect(again.status).toBe(409);
      expect(again.body.message).toBe(`Order ${orderId} has already been reviewed`);
      expect(await reviewCount()).toBe(before);
      expect(await ratingOf(restaurant)).toBe('2.00');
    });

    it.each(['placed', 'confirmed', 'preparing', 'out_for_delivery', 'cancelled'])(
      'refuses a %s order with a 409 naming the status',
      async (status) => {
        const orderId = await deliveredOrder(customerId, restaurantId, status);
        const response = await review(orderId, customerId, { rating: 4 });
        expect(response.status).toBe(409);
        expect(response.body.message).toBe(`Order ${orderId} is ${status}; only delivered orders can be reviewed`);
      },
    );

    it("refuses another customer's review with a 403, whatever the order's status", async () => {
      const before = await reviewCount();
      for (const status of ['delivered', 'placed']) {
        const orderId = await deliveredOrder(customerId, restaurantId, status);
        const response = await review(orderId, otherCustomerId, { rating: 4 });
        expect(response.status).toBe(403);
        expect(response.body.message).toBe(`Order ${orderId} belongs to another customer; only its customer may review it`);
      }
      expect(await reviewCount()).toBe(before);
    });

    it('answers 404 for a missing order and 400 for a bad order id', async () => {
      const missing = await review(999999, customerId, { rating: 4 });
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe('Order 999999 not found');
      expect((await review('abc' as unknown as number, customerId, { rating: 4 })).status).toBe(400);
    });

    it.each([
      ['missing', ''],
      ['not a number', 'abc'],
      ['zero', '0'],
      ['fractional', '1.5'],
      ['too large', '99999999999'],
    ])('refuses a customer_id that is %s with a 400', async (_case, value) => {
      const orderId = await deliveredOrder();
      const path = value ? `/reviews/orders/${orderId}/review?customer_id=${value}` : `/reviews/orders/${orderId}/review`;
      const response = await t.admin.post(path, { rating: 4 });
      expect(response.status).toBe(400);
      expect(fieldsOf(response.body)).toEqual(['customer_id']);
    });

    it('refuses unknown query parameters', async () => {
      const response = await t.admin.post(`/reviews/orders/${await deliveredOrder()}/review?customer_id=${customerId}&rating=5`, {
        rating: 4,
      });
      expect(response.status).toBe(400);
      expect(fieldsOf(response.body)).toEqual(['rating']);
    });

    it.each([
      ['rating missing', {}, 'rating'],
      ['rating 0', { rating: 0 }, 'rating'],
      ['rating 6', { rating: 6 }, 'rating'],
      ['rating fractional', { rating: 4.5 }, 'rating'],
      ['rating a string', { rating: '5' }, 'rating'],
      ['comment too long', { rating: 5, comment: 'a'.repeat(2001) }, 'comment'],
      ['comment not a string', { rating: 5, comment: 5 }, 'comment'],
      ['an unknown field', { rating: 5, restaurant_id: 1 }, 'restaurant_id'],
    ])('refuses %s with a 400 naming the field', async (_case, body, field) => {
      const orderId = await deliveredOrder();
      const response = await review(orderId, customerId, body);
      expect(response.status).toBe(400);
      expect(fieldsOf(response.body)).toEqual([field]);
      // The order stays reviewable.
      expect((await review(orderId, customerId, { rating: 1, comment: 'b'.repeat(2000) })).status).toBe(201);
    });
  });

  describe('review lists', () => {
    let listRestaurantId: number;
    let listCustomerId: number;
    /** Review ids newest first; the two at 2024-02-01 tie on created_at, so the higher id comes first. */
    let restaurantReviews: number[];
    let customerReviews: number[];

    beforeAll(async () => {
      listRestaurantId = await insertRestaurant(t.db);
      listCustomerId = await insertCustomer(t.db);
      const secondRestaurant = await insertRestaurant(t.db);
      const add = async (customer: number, restaurant: number, createdAt: string) => {
        const response = await review(await deliveredOrder(customer, restaurant), customer, { rating: 4 });
        await t.db.query(`UPDATE reviews SET created_at = $2 WHERE id = $1`, [response.body.id, createdAt]);
        return response.body.id as number;
      };
      const oldest = await add(listCustomerId, listRestaurantId, '2024-01-01T10:00:00Z');
      const tieLow = await add(otherCustomerId, listRestaurantId, '2024-02-01T10:00:00Z');
      const tieHigh = await add(listCustomerId, listRestaurantId, '2024-02-01T10:00:00Z');
      const newest = await add(otherCustomerId, listRestaurantId, '2024-03-01T10:00:00Z');
      const elsewhere = await add(listCustomerId, secondRestaurant, '2024-02-15T10:00:00Z');
      restaurantReviews = [newest, tieHigh, tieLow, oldest];
      customerReviews = [elsewhere, tieHigh, oldest];
    });

    const ids = (body: { id: number }[]) => body.map((item) => item.id);

    it("lists a restaurant's reviews newest first, with X-Total-Count and pagination", async () => {
      const all = await t.admin.get(`/reviews/restaurants/${listRestaurantId}/reviews`);
      expect(all.status).toBe(200);
      expect(all.headers.get('x-total-count')).toBe('4');
      expect(ids(all.body)).toEqual(restaurantReviews);
      expect(all.body[0]).toEqual(expect.objectContaining({ restaurant_id: listRestaurantId, created_at: '2024-03-01T10:00:00.000Z' }));
      const page = await t.admin.get(`/reviews/restaurants/${listRestaurantId}/reviews?skip=1&limit=2`);
      expect(page.headers.get('x-total-count')).toBe('4');
      expect(ids(page.body)).toEqual(restaurantReviews.slice(1, 3));
    });

    it("names a restaurant's reviewers by display name only: no customer_id or order_id in the public list", async () => {
      const named = await insertCustomer(t.db, { name: '  María   José  Ñúñez ' });
      const restaurant = await insertRestaurant(t.db);
      await review(await deliveredOrder(named, restaurant), named, { rating: 5 });
      const list = await t.http.get(`/reviews/restaurants/${restaurant}/reviews`);
      expect(list.status).toBe(200);
      expect(Object.keys(list.body[0]).sort()).toEqual(['author', 'comment', 'created_at', 'id', 'rating', 'restaurant_id']);
      expect(list.body[0].author).toBe('María Ñ.');
      // The author's own list keeps the ids.
      const own = await t.admin.get(`/customers/${named}/reviews`);
      expect(own.body[0]).toEqual(expect.objectContaining({ customer_id: named, order_id: expect.any(Number) }));
    });

    it("lists a customer's reviews newest first, identically under both paths", async () => {
      const a = await t.admin.get(`/reviews/customers/${listCustomerId}/reviews`);
      const b = await t.admin.get(`/customers/${listCustomerId}/reviews`);
      expect(a.status).toBe(200);
      expect(ids(a.body)).toEqual(customerReviews);
      expect(a.headers.get('x-total-count')).toBe('3');
      expect(b.text).toBe(a.text);
      expect(b.headers.get('x-total-count')).toBe('3');
      const page = await t.admin.get(`/customers/${listCustomerId}/reviews?limit=1&skip=2`);
      expect(ids(page.body)).toEqual([customerReviews[2]]);
      expect(page.headers.get('x-total-count')).toBe('3');
    });

    it('lists an existing restaurant or customer without reviews as an empty page', async () => {
      const restaurant = await t.admin.get(`/reviews/restaurants/${await insertRestaurant(t.db)}/reviews`);
      expect(restaurant.body).toEqual([]);
      expect(restaurant.headers.get('x-total-count')).toBe('0');
      const customer = await t.admin.get(`/customers/${await insertCustomer(t.db)}/reviews`);
      expect(customer.body).toEqual([]);
      expect(customer.headers.get('x-total-count')).toBe('0');
    });

    it('answers 404 for a missing restaurant or customer and 400 for a bad id', async () => {
      const restaurant = await t.admin.get('/reviews/restaurants/999999/reviews');
      expect(restaurant.status).toBe(404);
      expect(restaurant.body.message).toBe('Restaurant 999999 not found');
      for (const path of ['/reviews/customers/999999/reviews', '/customers/999999/reviews']) {
        const response = await t.admin.get(path);
        expect(response.status).toBe(404);
        expect(response.body.message).toBe('Customer 999999 not found');
      }
      expect((await t.admin.get('/reviews/restaurants/abc/reviews')).status).toBe(400);
      expect((await t.admin.get('/customers/0/reviews')).status).toBe(400);
    });

    it.each(['limit=101', 'limit=abc', 'skip=-5', 'order=asc'])('refuses ?%s with a 400', async (query) => {
      for (const path of [
        `/reviews/restaurants/${listRestaurantId}/reviews`,
        `/reviews/customers/${listCustomerId}/reviews`,
        `/customers/${listCustomerId}/reviews`,
      ]) {
        expect((await t.admin.get(`${path}?${query}`)).status).toBe(400);
      }
    });
  });
});
