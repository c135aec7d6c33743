import type { HttpResponse } from '../../support/http-client.js';
import type { TestApp } from '../../support/test-app.js';
import { FIXTURE_ID_MAX } from './schema-arbitraries.js';

function created<T = any>(response: HttpResponse<T>, what: string): T {
  if (response.status !== 201) throw new Error(`fixture: ${what} answered ${response.status}: ${response.text}`);
  return response.body;
}

/**
 * Rows of every kind through the API, so the fuzz's small ids (1..FIXTURE_ID_MAX) name real
 * restaurants, menu items, customers, orders (in several states) and a review.
 */
export async function createFuzzFixture(t: TestApp): Promise<void> {
  const restaurants: number[] = [];
  const menuItems = new Map<number, number[]>();
  for (let n = 1; n <= FIXTURE_ID_MAX; n++) {
    const restaurant = created(
      await t.admin.post('/restaurants', {
        name: `Fuzz Kitchen ${n}`,
        cuisine_type: ['Italian', 'Thai', 'Mexican'][n % 3],
        address: `${n} Fuzz Street`,
        phone_number: '+1-555-0100',
        opening_time: '00:00',
        closing_time: '23:59',
      }),
      'restaurant',
    );
    restaurants.push(restaurant.id);
    const items: number[] = [];
    for (let m = 1; m <= 2; m++) {
      const item = created(
        await t.admin.post(`/restaurants/${restaurant.id}/menu-items`, {
          name: `Fuzz Dish ${n}.${m}`,
          price: 5 + n + m / 4,
          category: m === 1 ? 'Main Course' : 'Dessert',
          is_vegetarian: m === 2,
        }),
        'menu item',
      );
      items.push(item.id);
    }
    menuItems.set(restaurant.id, items);
  }
  const customers: number[] = [];
  for (let n = 1; n <= FIXTURE_ID_MAX; n++) {
    const customer = created(
      await t.admin.post('/customers', {
        name: `Fuzz Customer ${n}`,
        email: `fuzz${n}@example.com`,
        phone_number: '+1-555-0200',
        address: `${n} Oak Ave`,
      }),
      'customer',
    );
    customers.push(customer.id);
  }
  const orders: number[] = [];
  for (let n = 0; n < FIXTURE_ID_MAX; n++) {
    const restaurant = restaurants[n];
    const order = created(
      await t.admin.post(`/orders/customers/${customers[n]}/orders`, {
        restaurant_id: restaurant,
        delivery_address: `${n} Oak Ave`,
        order_items: menuItems.get(restaurant)!.map((menu_item_id) => ({ menu_item_id, quantity: n + 1 })),
      }),
      'order',
    );
    orders.push(order.id);
  }
  // One delivered (so it can be reviewed), one cancelled, one in progress; the rest stay placed.
  for (const status of ['confirmed', 'preparing', 'out_for_delivery', 'delivered']) {
    const response = await t.admin.put(`/orders/${orders[0]}/status`, { order_status: status });
    if (response.status !== 200) throw new Error(`fixture: order status ${status} answered ${response.status}: ${response.text}`);
  }
  await t.admin.put(`/orders/${orders[1]}/status`, { order_status: 'cancelled' });
  await t.admin.put(`/orders/${orders[2]}/status`, { order_status: 'confirmed' });
  created(await t.admin.post(`/reviews/orders/${orders[0]}/review?customer_id=${customers[0]}`, { rating: 4, comment: 'Fine' }), 'review');
}
