import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertCustomer, insertMenuItem, insertOrder, insertRestaurant } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * Simultaneous requests over real sockets. Outcomes are counted, never timed: the database
 * decides (conditional update, unique index, row lock), so the counts are exact on any machine.
 */
describe('orders and reviews under concurrency', () => {
  let t: TestApp;
  let restaurantId: number;
  let customerId: number;
  let menuItemId: number;

  const statuses = (responses: { status: number }[]) => responses.map((response) => response.status).sort();

  beforeAll(async () => {
    t = await startTestApp();
    restaurantId = await insertRestaurant(t.db);
    customerId = await insertCustomer(t.db);
    menuItemId = await insertMenuItem(t.db, restaurantId, { price: '9.99' });
  });
  afterAll(() => t.close());

  it('accepts exactly one of two simultaneous reviews of one order', async () => {
    const orderId = await insertOrder(t.db, {
      customer_id: customerId,
      restaurant_id: restaurantId,
      order_status: 'delivered',
      items: [[menuItemId, 1, '9.99']],
    });
    const responses = await Promise.all(
      [5, 1].map((rating) => t.admin.post(`/reviews/orders/${orderId}/review?customer_id=${customerId}`, { rating })),
    );
    expect(statuses(responses)).toEqual([201, 409]);
    expect(responses.find((response) => response.status === 409)!.body.message).toBe(`Order ${orderId} has already been reviewed`);
    const rows = await t.db.query(`SELECT rating FROM reviews WHERE order_id = $1`, [orderId]);
    expect(rows).toHaveLength(1);
    const winner = responses.find((response) => response.status === 201)!.body;
    expect(rows[0].rating).toBe(winner.rating);
  });

  it('applies exactly one of ten simultaneous status changes from one state', async () => {
    const orderId = await insertOrder(t.db, { customer_id: customerId, restaurant_id: restaurantId, items: [[menuItemId, 1, '9.99']] });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => t.admin.put(`/orders/${orderId}/status`, { order_status: 'confirmed' })),
    );
    expect(statuses(responses)).toEqual([200, ...Array(9).fill(409)]);
    const [row] = await t.db.query(`SELECT order_status FROM orders WHERE id = $1`, [orderId]);
    expect(row.order_status).toBe('confirmed');
  });

  it('applies each of ten simultaneous, different changes from one state at most once, and records exactly those answered 200', async () => {
    const orderId = await insertOrder(t.db, { customer_id: customerId, restaurant_id: restaurantId, items: [[menuItemId, 1, '9.99']] });
    const targets = Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? 'confirmed' : 'cancelled'));
    const responses = await Promise.all(targets.map((order_status) => t.admin.put(`/orders/${orderId}/status`, { order_status })));
    const won = (target: string) => targets.filter((status, index) => status === target && responses[index].status === 200).length;
    const [row] = await t.db.query(`SELECT order_status FROM orders WHERE id = $1`, [orderId]);
    // Cancelling is legal from confirmed too, so a cancellation arriving after the confirmation
    // committed also applies; one winning first ends the order and every confirmation is refused.
    expect([
      { confirmed: 0, cancelled: 1, final: 'cancelled' },
      { confirmed: 1, cancelled: 0, final: 'confirmed' },
      { confirmed: 1, cancelled: 1, final: 'cancelled' },
    ]).toContainEqual({ confirmed: won('confirmed'), cancelled: won('cancelled'), final: row.order_status });
    expect(responses.filter((response) => response.status !== 200).map((response) => response.status)).toEqual(
      Array(10 - won('confirmed') - won('cancelled')).fill(409),
    );
  });

  it('places fifty simultaneous orders, each total exact in SQL', async () => {
    const customer = await insertCustomer(t.db);
    const cheap = await insertMenuItem(t.db, restaurantId, { price: '0.10' });
    const odd = await insertMenuItem(t.db, restaurantId, { price: '19.99' });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        t.admin.post(`/orders/customers/${customer}/orders`, {
          restaurant_id: restaurantId,
          delivery_address: `${index} Concurrent Lane`,
          order_items: [
            { menu_item_id: cheap, quantity: index + 1 },
            { menu_item_id: odd, quantity: 3 },
          ],
        }),
      ),
    );
    expect(statuses(responses)).toEqual(Array(50).fill(201));
    for (const [index, response] of responses.entries()) {
      expect(response.body.total_amount).toBe(Number(((index + 1) * 10 + 5997) / 100));
    }

    const rows = await t.db.query(
      `SELECT o.id, o.total_amount = sum(oi.quantity * oi.item_price) AS exact
         FROM orders o JOIN order_items oi ON oi.order_id = o.id
        WHERE o.customer_id = $1
        GROUP BY o.id`,
      [customer],
    );
    expect(rows).toHaveLength(50);
    expect(rows.every((row: { exact: boolean }) => row.exact)).toBe(true);
    // 0.10 x (1 + ... + 50) + 50 x 3 x 19.99 = 127.50 + 2998.50
    const [{ total }] = await t.db.query(`SELECT sum(total_amount)::text AS total FROM orders WHERE customer_id = $1`, [customer]);
    expect(total).toBe('3126.00');
  });

  it('keeps the rating the exact average under simultaneous reviews of different orders of one restaurant', async () => {
    const restaurant = await insertRestaurant(t.db);
    const item = await insertMenuItem(t.db, restaurant);
    const ratings = [5, 4, 4, 5, 3, 5, 1, 2, 5]; // 34 / 9 = 3.777... -> 3.78
    const reviewers = await Promise.all(ratings.map(() => insertCustomer(t.db)));
    const orders = await Promise.all(
      reviewers.map((customer) =>
        insertOrder(t.db, { customer_id: customer, restaurant_id: restaurant, order_status: 'delivered', items: [[item, 1, '10.00']] }),
      ),
    );
    const responses = await Promise.all(
      orders.map((orderId, index) =>
        t.admin.post(`/reviews/orders/${orderId}/review?customer_id=${reviewers[index]}`, { rating: ratings[index] }),
      ),
    );
    expect(statuses(responses)).toEqual(Array(ratings.length).fill(201));
    const [row] = await t.db.query(`SELECT rating::text AS rating FROM restaurants WHERE id = $1`, [restaurant]);
    expect(row.rating).toBe('3.78');
  });
});
