import { Random, Zipf } from '../../scripts/seed/random.mjs';

/**
 * What the traffic of each scenario asks for. Ids follow the data: restaurants are drawn by Zipf's
 * law over their rank in orders (the most ordered is read most), customers likewise.
 */

const ZIPF_EXPONENT = 1.0;
const SEARCH_RATINGS = ['3', '3.5', '4', '4.5'];
const WORKFLOW_NEXT = { placed: 'confirmed', confirmed: 'preparing', preparing: 'out_for_delivery', out_for_delivery: 'delivered' };
/** Writes per placed order: the placement, four status changes, and a review for 30% of them. */
const WRITE_WEIGHTS = [1, 4, 0.3];
/** The kinds of write, in the order of WRITE_WEIGHTS. */
export const KINDS = ['place', 'advance', 'review'];
/**
 * Delivered orders without a review, read once: the mixed traffic reviews the first
 * MIXED_REVIEWABLE, the windows of reviews alone the rest (`reviewsAlone`).
 */
const REVIEWABLE_SAMPLE = 100_000;
const MIXED_REVIEWABLE = 20_000;

/** The ids the traffic draws from, read from the seeded database. */
export async function loadWorkloadData(client) {
  const restaurants = (
    await client.query(`SELECT r.id, r.cuisine_type FROM restaurants r
                         LEFT JOIN (SELECT restaurant_id, count(*) AS n FROM orders GROUP BY restaurant_id) o ON o.restaurant_id = r.id
                        WHERE r.is_active ORDER BY coalesce(o.n, 0) DESC, r.id`)
  ).rows;
  const customers = (
    await client.query(`SELECT c.id FROM customers c
                         LEFT JOIN (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id) o ON o.customer_id = c.id
                        WHERE c.is_active ORDER BY coalesce(o.n, 0) DESC, c.id`)
  ).rows.map((row) => row.id);
  const menus = new Map();
  for (const row of (await client.query(`SELECT restaurant_id, id FROM menu_items WHERE is_available ORDER BY id`)).rows) {
    const items = menus.get(row.restaurant_id);
    if (items) items.push(row.id);
    else menus.set(row.restaurant_id, [row.id]);
  }
  const reviewable = (
    await client.query(
      `SELECT o.id, o.customer_id, o.restaurant_id FROM orders o
        WHERE o.order_status = 'delivered' AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.order_id = o.id)
        ORDER BY o.id DESC LIMIT ${REVIEWABLE_SAMPLE}`,
    )
  ).rows;
  const cuisines = [...new Set(restaurants.map((row) => row.cuisine_type))].sort();
  const reviewsAlone = reviewable.splice(MIXED_REVIEWABLE);
  return { restaurantIds: restaurants.map((row) => row.id), customers, menus, reviewable, reviewsAlone, cuisines };
}

/** Draws from the data with a seeded generator (the same seed, the same sequence of requests). */
export class Traffic {
  constructor(data, seed) {
    this.data = data;
    this.random = new Random(seed);
    this.restaurantZipf = new Zipf(data.restaurantIds.length, ZIPF_EXPONENT, this.random);
    this.customerZipf = new Zipf(data.customers.length, ZIPF_EXPONENT, this.random);
    // Rank k of the Zipf draws is the k-th most ordered id, not a random permutation of them.
    this.restaurantZipf.ids = Int32Array.from(data.restaurantIds);
    this.customerZipf.ids = Int32Array.from(data.customers);
  }

  restaurant() {
    return this.restaurantZipf.draw();
  }

  customer() {
    return this.customerZipf.draw();
  }

  /** One of the hot public reads: a restaurant, its menu, both together, or a search. */
  hotRead() {
    const id = this.restaurant();
    const kind = this.random.int(0, 3);
    if (kind === 0) return { route: 'restaurant', path: `/restaurants/${id}`, restaurant: id };
    if (kind === 1) return { route: 'menu', path: `/restaurants/${id}/menu`, restaurant: id };
    if (kind === 2) return { route: 'with-menu', path: `/restaurants/${id}/with-menu`, restaurant: id };
    const cuisine = encodeURIComponent(this.random.pick(this.data.cuisines));
    return { route: 'search', path: `/restaurants/search?cuisine=${cuisine}&min_rating=${this.random.pick(SEARCH_RATINGS)}` };
  }

  /** Every path the hot reads can ask for. */
  hotReadPaths() {
    const paths = this.data.restaurantIds.flatMap((id) => [
      `/restaurants/${id}`,
      `/restaurants/${id}/menu`,
      `/restaurants/${id}/with-menu`,
    ]);
    for (const cuisine of this.data.cuisines) {
      for (const rating of SEARCH_RATINGS) paths.push(`/restaurants/search?cuisine=${encodeURIComponent(cuisine)}&min_rating=${rating}`);
    }
    return paths;
  }

  /** One request of the analytics dashboard (all need the admin token). */
  analyticsRead(today) {
    const kind = this.random.int(0, 7);
    if (kind <= 1) {
      const id = this.restaurant();
      const path = kind === 0 ? `/restaurants/${id}/analytics` : `/analytics/restaurants/performance?restaurant_id=${id}`;
      return { route: kind === 0 ? 'restaurant analytics' : 'restaurant performance', path, entity: `restaurant:${id}` };
    }
    if (kind <= 3) {
      const id = this.customer();
      const path = kind === 2 ? `/customers/${id}/analytics` : `/analytics/customer-insights/${id}`;
      return { route: kind === 2 ? 'customer analytics' : 'customer insights', path, entity: `customer:${id}` };
    }
    if (kind === 4) {
      const day = new Date(Date.parse(`${today}T00:00:00Z`) - this.random.int(0, 6) * 86_400_000).toISOString().slice(0, 10);
      return { route: 'daily revenue', path: `/analytics/revenue/daily?date=${day}` };
    }
    const period = this.random.pick(['7d', '30d']);
    if (kind === 5) return { route: 'revenue analytics', path: `/analytics/revenue-analytics?period=${period}` };
    if (kind === 6) return { route: 'customer behaviour', path: `/analytics/customers/behavior?period=${period}` };
    return { route: 'popular items', path: `/analytics/popular-items?period=${period}&limit=10` };
  }

  /** Every dashboard path of the `ids` most ordered restaurants and customers, and every date and period it asks for. */
  analyticsPaths(today, ids) {
    const paths = [];
    for (const id of this.data.restaurantIds.slice(0, ids))
      paths.push(`/restaurants/${id}/analytics`, `/analytics/restaurants/performance?restaurant_id=${id}`);
    for (const id of this.data.customers.slice(0, ids)) paths.push(`/customers/${id}/analytics`, `/analytics/customer-insights/${id}`);
    for (let back = 0; back <= 6; back++) {
      paths.push(
        `/analytics/revenue/daily?date=${new Date(Date.parse(`${today}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10)}`,
      );
    }
    for (const period of ['7d', '30d']) {
      paths.push(
        `/analytics/revenue-analytics?period=${period}`,
        `/analytics/customers/behavior?period=${period}`,
        `/analytics/popular-items?period=${period}&limit=10`,
      );
    }
    return paths;
  }
}

/**
 * The writes of the mixed scenario and what they touched, for the stale-read check. Orders it
 * placed move through the workflow one step per write; delivered ones (its own, or seeded ones
 * without a review) get reviewed. An order is out of the pools while a request about it is in
 * flight, so no two writes race on one order.
 */
export class WriteState {
  /** `only` ('place', 'advance' or 'review') makes every write of that kind while its pool lasts. */
  constructor(traffic, { only } = {}) {
    this.traffic = traffic;
    this.only = only;
    this.inProgress = [];
    this.reviewable = [...traffic.data.reviewable];
    this.touchedRestaurants = new Set();
    this.touchedOrders = new Set();
    this.touchedCustomers = new Set();
    this.counts = { place: 0, advance: 0, review: 0 };
  }

  /**
   * The next write, in the proportions of an order's life: placed once, moved on four times,
   * reviewed after REVIEW_SHARE of deliveries. A pool that is empty falls back to placing an order
   * (which `counts` shows).
   */
  next() {
    const random = this.traffic.random;
    const action = this.only ? KINDS.indexOf(this.only) : random.weighted(WRITE_WEIGHTS);
    if (action === 2 && this.reviewable.length > 0) {
      const order = this.reviewable.pop();
      return {
        kind: 'review',
        order,
        method: 'POST',
        path: `/reviews/orders/${order.id}/review?customer_id=${order.customer_id}`,
        body: { rating: random.int(1, 5), comment: 'Bench review' },
      };
    }
    if (action === 1 && this.inProgress.length > 0) {
      const order = this.inProgress.splice(random.int(0, this.inProgress.length - 1), 1)[0];
      return {
        kind: 'advance',
        order,
        method: 'PUT',
        path: `/orders/${order.id}/status`,
        body: { order_status: WORKFLOW_NEXT[order.status] },
      };
    }
    const restaurantId = this.traffic.restaurant();
    const customerId = this.traffic.customer();
    const menu = this.traffic.data.menus.get(restaurantId);
    const lines = Math.min(menu.length, random.int(1, 3));
    const start = random.int(0, menu.length - 1);
    const order_items = Array.from({ length: lines }, (_, index) => ({
      menu_item_id: menu[(start + index) % menu.length],
      quantity: random.int(1, 2),
    }));
    return {
      kind: 'place',
      order: { customer_id: customerId, restaurant_id: restaurantId },
      method: 'POST',
      path: `/orders/customers/${customerId}/orders`,
      body: { restaurant_id: restaurantId, delivery_address: '1 Bench Street, Springfield', order_items },
    };
  }

  /** Bookkeeping after the answer to `write` (status and body). */
  settle(write, status, body) {
    const ok = status === 200 || status === 201;
    if (ok) this.counts[write.kind]++;
    if (write.kind === 'place') {
      if (!ok) return;
      const order = JSON.parse(body);
      this.inProgress.push({ id: order.id, status: order.order_status, customer_id: order.customer_id });
      this.touch(order.id, order.restaurant_id, order.customer_id);
    } else if (write.kind === 'advance') {
      if (!ok) return;
      const order = JSON.parse(body);
      const next = { id: order.id, status: order.order_status, customer_id: order.customer_id, restaurant_id: order.restaurant_id };
      if (order.order_status === 'delivered') this.reviewable.push(next);
      else this.inProgress.push(next);
      this.touch(order.id, order.restaurant_id, order.customer_id);
    } else if (ok) {
      this.touch(write.order.id, write.order.restaurant_id, write.order.customer_id);
    }
  }

  touch(orderId, restaurantId, customerId) {
    this.touchedOrders.add(orderId);
    this.touchedRestaurants.add(restaurantId);
    this.touchedCustomers.add(customerId);
    this.onTouch?.(restaurantId, customerId);
  }
}

/**
 * autocannon `requests` for a traffic mix: `pick()` returns `{ path, method?, body?, admin? }`.
 * `token` goes on every request when `everyRequest` is set, otherwise on those marked `admin`
 * (the writes).
 */
export function requestsFor(pick, { token, everyRequest = false, onAnswer } = {}) {
  return [
    {
      setupRequest(request, context) {
        const chosen = pick();
        context.chosen = chosen;
        const headers = {};
        if (token && (everyRequest || chosen.admin)) headers.authorization = `Bearer ${token}`;
        if (chosen.body !== undefined) headers['content-type'] = 'application/json';
        return {
          ...request,
          method: chosen.method ?? 'GET',
          path: chosen.path,
          headers,
          body: chosen.body === undefined ? undefined : JSON.stringify(chosen.body),
        };
      },
      onResponse(status, body, context, headers) {
        onAnswer?.(context.chosen, status, body, headers);
      },
    },
  ];
}
