import type { DataSource } from 'typeorm';
import { SeededRandom } from '../../src/demo/seeded-random.js';
import { insertCustomer, insertMenuItem, insertRestaurant } from './fixtures.js';
import { DAY_MS, startOfDayAgo } from './analytics-data.js';

/*
 * A generated order history and an independent computation of every analytics figure from its
 * raw rows, in plain JavaScript over integer cents and milliseconds: the reference the SQL
 * reports are checked against. Definitions follow the Swagger descriptions of each route.
 */

const STEPS = ['placed', 'confirmed', 'preparing', 'out_for_delivery', 'delivered'] as const;
const STATUSES = ['placed', 'confirmed', 'preparing', 'out_for_delivery', 'delivered', 'cancelled'] as const;
const CUISINES = ['Italian', 'Indian', 'Thai', 'Mexican'];

/** Seeds the database: restaurants, items, customers, then `orderCount` orders over the last `days` days. */
export async function generateOrderHistory(db: DataSource, seed: number, orderCount: number, days: number): Promise<void> {
  const random = new SeededRandom(seed);
  const restaurants: number[] = [];
  const items: { id: number; restaurant_id: number; cents: number }[] = [];
  for (let index = 0; index < 6; index++) {
    const restaurantId = await insertRestaurant(db, { name: `Generated ${index}`, cuisine_type: CUISINES[index % CUISINES.length] });
    restaurants.push(restaurantId);
    for (let dish = 0; dish < 4; dish++) {
      const cents = random.int(150, 3500);
      items.push({ id: await insertMenuItem(db, restaurantId, { price: (cents / 100).toFixed(2) }), restaurant_id: restaurantId, cents });
    }
  }
  const customers: number[] = [];
  for (let index = 0; index < 25; index++) customers.push(await insertCustomer(db));

  const orders: object[] = [];
  const lines: object[] = [];
  const history: object[] = [];
  const reviews: object[] = [];
  for (let id = 1; id <= orderCount; id++) {
    const restaurantId = random.pick(restaurants);
    const customerId = random.pick(customers);
    // Whole seconds, so every duration is exact in both computations; some exactly at midnight.
    const secondOfDay = random.chance(0.05) ? 0 : random.int(0, 86_399);
    const orderDate = new Date(startOfDayAgo(random.int(0, days)).getTime() + secondOfDay * 1000);
    const cancelled = random.chance(0.15);
    const reached = cancelled ? random.int(1, 3) : random.chance(0.6) ? 5 : random.int(1, 4);
    const times = [orderDate];
    for (let step = 1; step < reached; step++) times.push(new Date(times[step - 1].getTime() + random.int(20, 2400) * 1000));
    // Some deliveries land exactly on the next midnight.
    if (reached === 5 && random.chance(0.1)) times[4] = new Date(Date.parse(`${times[3].toISOString().slice(0, 10)}T00:00:00Z`) + DAY_MS);
    const status = cancelled ? 'cancelled' : STEPS[reached - 1];
    const delivered = status === 'delivered';

    let totalCents = 0;
    const menu = items.filter((item) => item.restaurant_id === restaurantId);
    const chosen = new Set<number>();
    for (let line = random.int(1, 3); line > 0; line--) chosen.add(random.int(0, menu.length - 1));
    for (const index of chosen) {
      const quantity = random.int(1, 5);
      // Sometimes the price paid differs from today's menu price.
      const cents = random.chance(0.2) ? menu[index].cents + random.int(-100, 100) : menu[index].cents;
      totalCents += quantity * cents;
      lines.push({ order_id: id, menu_item_id: menu[index].id, quantity, item_price: (cents / 100).toFixed(2) });
    }
    orders.push({
      id,
      customer_id: customerId,
      restaurant_id: restaurantId,
      order_status: status,
      total_amount: (totalCents / 100).toFixed(2),
      delivery_address: '1 Generated Road',
      order_date: orderDate.toISOString(),
      delivery_time: delivered ? times[4].toISOString() : null,
    });
    // One order in ten predates the history table: no history at all.
    if (random.chance(0.9)) {
      times.forEach((at, step) =>
        history.push({
          order_id: id,
          from_status: step === 0 ? null : STEPS[step - 1],
          to_status: STEPS[step],
          changed_at: at.toISOString(),
        }),
      );
      if (cancelled) {
        const at = new Date(times[times.length - 1].getTime() + random.int(20, 600) * 1000);
        history.push({ order_id: id, from_status: STEPS[reached - 1], to_status: 'cancelled', changed_at: at.toISOString() });
      }
    }
    if (delivered && random.chance(0.4)) {
      reviews.push({ customer_id: customerId, restaurant_id: restaurantId, order_id: id, rating: random.int(1, 5) });
    }
  }
  const insertAll = (table: string, columns: string, rows: object[]) =>
    db.query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${table}, $1::json)`, [
      JSON.stringify(rows),
    ]);
  await insertAll(
    'orders',
    'id, customer_id, restaurant_id, order_status, total_amount, delivery_address, order_date, delivery_time',
    orders,
  );
  await db.query(`SELECT setval(pg_get_serial_sequence('orders', 'id'), $1)`, [orderCount]);
  await insertAll('order_items', 'order_id, menu_item_id, quantity, item_price', lines);
  await insertAll('order_status_changes', 'order_id, from_status, to_status, changed_at', history);
  await insertAll('reviews', 'customer_id, restaurant_id, order_id, rating', reviews);
}

interface OrderRow {
  id: number;
  customer_id: number;
  restaurant_id: number;
  order_status: string;
  cents: number;
  order_date: Date;
  delivery_time: Date | null;
}

export interface Rows {
  orders: OrderRow[];
  lines: { order_id: number; menu_item_id: number; quantity: number; cents: number }[];
  items: Map<number, { name: string; category: string; restaurant_id: number }>;
  restaurants: Map<number, { name: string; cuisine_type: string }>;
  customers: Map<number, { name: string }>;
  reviews: { restaurant_id: number; rating: number }[];
  history: { order_id: number; to_status: string; changed_at: Date }[];
}

const toCents = (money: string) => Math.round(Number(money) * 100);

/** Every row the reports read, as plain values. */
export async function loadRows(db: DataSource): Promise<Rows> {
  const orders = await db.query(
    'SELECT id, customer_id, restaurant_id, order_status, total_amount::text AS money, order_date, delivery_time FROM orders',
  );
  const lines = await db.query('SELECT order_id, menu_item_id, quantity, item_price::text AS money FROM order_items');
  const items = await db.query('SELECT id, name, category, restaurant_id FROM menu_items');
  const restaurants = await db.query('SELECT id, name, cuisine_type FROM restaurants');
  const customers = await db.query('SELECT id, name FROM customers');
  return {
    orders: orders.map((row: any) => ({ ...row, cents: toCents(row.money) })),
    lines: lines.map((row: any) => ({ ...row, cents: toCents(row.money) })),
    items: new Map(items.map((row: any) => [row.id, row])),
    restaurants: new Map(restaurants.map((row: any) => [row.id, row])),
    customers: new Map(customers.map((row: any) => [row.id, row])),
    reviews: await db.query('SELECT restaurant_id, rating FROM reviews'),
    history: await db.query('SELECT order_id, to_status::text AS to_status, changed_at FROM order_status_changes'),
  };
}

/** Postgres' round(numerator / denominator, places): half away from zero, on the exact quotient. */
export function roundQuotient(numerator: number, denominator: number, places: number): number {
  const scaled = (numerator * 10 ** places) / denominator;
  return (Math.sign(scaled) * Math.round(Math.abs(scaled))) / 10 ** places;
}

const dollars = (cents: number) => cents / 100;
const sumCents = (orders: { cents: number }[]) => orders.reduce((sum, order) => sum + order.cents, 0);
const averageCents = (orders: { cents: number }[]) =>
  orders.length === 0 ? null : roundQuotient(sumCents(orders), orders.length * 100, 2);
const dayStartMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayOfMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const inRange = (instant: Date | null, from: number, until: number) =>
  instant !== null && instant.getTime() >= from && instant.getTime() < until;

/** Groups and counts, sorted by count descending then by `tie` ascending, first `limit`. */
function ranked<K>(keys: K[], tie: (a: K, b: K) => number, limit: number): [K, number][] {
  const counts = new Map<K, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || tie(a[0], b[0])).slice(0, limit);
}

const byNumber = (a: number, b: number) => a - b;
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface Window {
  period: string;
  days: number;
  from: string;
  to: string;
}

export function windowOf(period: '7d' | '30d' | '90d', now: Date): Window {
  const days = Number(period.slice(0, -1));
  const to = dayOfMs(now.getTime());
  return { period, days, from: dayOfMs(dayStartMs(to) - (days - 1) * DAY_MS), to };
}

export function dailyRevenue(rows: Rows, day: string) {
  const from = dayStartMs(day);
  const delivered = rows.orders.filter((o) => o.order_status === 'delivered' && inRange(o.delivery_time, from, from + DAY_MS));
  const byRestaurant = new Map<number, OrderRow[]>();
  for (const order of delivered) byRestaurant.set(order.restaurant_id, [...(byRestaurant.get(order.restaurant_id) ?? []), order]);
  return {
    date: day,
    total_revenue: dollars(sumCents(delivered)),
    total_orders: delivered.length,
    average_order_value: averageCents(delivered),
    by_restaurant: [...byRestaurant.entries()]
      .map(([restaurantId, orders]) => ({
        restaurant_id: restaurantId,
        restaurant_name: rows.restaurants.get(restaurantId)!.name,
        cents: sumCents(orders),
        orders: orders.length,
      }))
      .sort((a, b) => b.cents - a.cents || a.restaurant_id - b.restaurant_id)
      .map(({ cents, ...rest }) => ({ ...rest, revenue: dollars(cents) })),
    by_hour: Array.from({ length: 24 }, (_, hour) => {
      const orders = delivered.filter((o) => o.delivery_time!.getUTCHours() === hour);
      return { hour, revenue: dollars(sumCents(orders)), orders: orders.length };
    }),
  };
}

export function revenueAnalytics(rows: Rows, window: Window) {
  const from = dayStartMs(window.from);
  const until = from + window.days * DAY_MS;
  const previousFrom = from - window.days * DAY_MS;
  const delivered = rows.orders.filter((o) => o.order_status === 'delivered');
  const current = delivered.filter((o) => inRange(o.delivery_time, from, until));
  const previous = delivered.filter((o) => inRange(o.delivery_time, previousFrom, from));
  const revenue = sumCents(current);
  const previousRevenue = sumCents(previous);
  return {
    period: window.period,
    from: window.from,
    to: window.to,
    total_revenue: dollars(revenue),
    total_orders: current.length,
    average_order_value: averageCents(current),
    average_daily_revenue: roundQuotient(revenue, window.days * 100, 2),
    previous_period: {
      from: dayOfMs(previousFrom),
      to: dayOfMs(from - DAY_MS),
      revenue: dollars(previousRevenue),
      orders: previous.length,
    },
    growth_percentage: previousRevenue === 0 ? null : roundQuotient((revenue - previousRevenue) * 100, previousRevenue, 2),
    by_day: Array.from({ length: window.days }, (_, index) => {
      const dayFrom = from + index * DAY_MS;
      const orders = current.filter((o) => inRange(o.delivery_time, dayFrom, dayFrom + DAY_MS));
      return { date: dayOfMs(dayFrom), revenue: dollars(sumCents(orders)), orders: orders.length };
    }),
  };
}

export function customerBehavior(rows: Rows, window: Window) {
  const from = dayStartMs(window.from);
  const until = from + window.days * DAY_MS;
  const placed = rows.orders.filter((o) => inRange(o.order_date, from, until));
  const active = [...new Set(placed.map((o) => o.customer_id))];
  const returning = active.filter((customer) => rows.orders.some((o) => o.customer_id === customer && o.order_date.getTime() < from));
  const perHour = Array.from({ length: 24 }, (_, hour) => ({
    hour,
    orders: placed.filter((o) => o.order_date.getUTCHours() === hour).length,
  }));
  const cuisineOf = (order: OrderRow) => rows.restaurants.get(order.restaurant_id)!.cuisine_type;
  return {
    period: window.period,
    from: window.from,
    to: window.to,
    active_customers: active.length,
    new_customers: active.length - returning.length,
    returning_customers: returning.length,
    total_orders: placed.length,
    orders_per_customer: active.length === 0 ? null : roundQuotient(placed.length, active.length, 2),
    average_basket: averageCents(placed.filter((o) => o.order_status !== 'cancelled')),
    top_cuisines: ranked(placed.map(cuisineOf), byBytes, 5).map(([cuisine, orders]) => ({
      cuisine_type: cuisine,
      orders,
      customers: new Set(placed.filter((o) => cuisineOf(o) === cuisine).map((o) => o.customer_id)).size,
    })),
    peak_hours: [...perHour]
      .filter((hour) => hour.orders > 0)
      .sort((a, b) => b.orders - a.orders || a.hour - b.hour)
      .slice(0, 3),
    orders_by_hour: perHour,
  };
}

function averageMinutes(durationsMs: number[]): number | null {
  if (durationsMs.length === 0) return null;
  return roundQuotient(
    durationsMs.reduce((sum, ms) => sum + ms, 0),
    durationsMs.length * 60_000,
    2,
  );
}

export function restaurantPerformance(rows: Rows, restaurantId: number) {
  const restaurant = rows.restaurants.get(restaurantId)!;
  const orders = rows.orders.filter((o) => o.restaurant_id === restaurantId);
  const delivered = orders.filter((o) => o.order_status === 'delivered');
  const cancelled = orders.filter((o) => o.order_status === 'cancelled');
  const ratings = rows.reviews.filter((review) => review.restaurant_id === restaurantId).map((review) => review.rating);
  const reachedAt = orders.map((order) => {
    const reached = new Map<string, number>();
    for (const change of rows.history.filter((h) => h.order_id === order.id)) {
      const ms = change.changed_at.getTime();
      if (!reached.has(change.to_status) || ms < reached.get(change.to_status)!) reached.set(change.to_status, ms);
    }
    return reached;
  });
  const stage = (start: string, end: string) =>
    averageMinutes(reachedAt.filter((r) => r.has(start) && r.has(end)).map((r) => r.get(end)! - r.get(start)!));
  return {
    restaurant_id: restaurantId,
    restaurant_name: restaurant.name,
    cuisine_type: restaurant.cuisine_type,
    total_orders: orders.length,
    delivered_orders: delivered.length,
    cancelled_orders: cancelled.length,
    revenue: dollars(sumCents(delivered)),
    average_order_value: averageCents(delivered),
    cancellation_rate: orders.length === 0 ? null : roundQuotient(cancelled.length, orders.length, 4),
    review_count: ratings.length,
    average_rating:
      ratings.length === 0
        ? null
        : roundQuotient(
            ratings.reduce((sum, rating) => sum + rating, 0),
            ratings.length,
            2,
          ),
    average_delivery_minutes: stage('placed', 'delivered'),
    stage_minutes: {
      placed_to_confirmed: stage('placed', 'confirmed'),
      confirmed_to_preparing: stage('confirmed', 'preparing'),
      preparing_to_out_for_delivery: stage('preparing', 'out_for_delivery'),
      out_for_delivery_to_delivered: stage('out_for_delivery', 'delivered'),
    },
  };
}

export function popularItems(rows: Rows, window: Window, limit: number) {
  const from = dayStartMs(window.from);
  const until = from + window.days * DAY_MS;
  const counted = new Map(
    rows.orders.filter((o) => o.order_status !== 'cancelled' && inRange(o.order_date, from, until)).map((o) => [o.id, o]),
  );
  const perItem = new Map<number, { quantity: number; cents: number; orders: Set<number> }>();
  for (const line of rows.lines.filter((l) => counted.has(l.order_id))) {
    const figures = perItem.get(line.menu_item_id) ?? { quantity: 0, cents: 0, orders: new Set<number>() };
    figures.quantity += line.quantity;
    figures.cents += line.quantity * line.cents;
    figures.orders.add(line.order_id);
    perItem.set(line.menu_item_id, figures);
  }
  return {
    period: window.period,
    from: window.from,
    to: window.to,
    items: [...perItem.entries()]
      .sort((a, b) => b[1].quantity - a[1].quantity || a[0] - b[0])
      .slice(0, limit)
      .map(([itemId, figures]) => {
        const item = rows.items.get(itemId)!;
        return {
          menu_item_id: itemId,
          name: item.name,
          category: item.category,
          restaurant_id: item.restaurant_id,
          restaurant_name: rows.restaurants.get(item.restaurant_id)!.name,
          quantity: figures.quantity,
          revenue: dollars(figures.cents),
          orders: figures.orders.size,
        };
      }),
  };
}

export function customerInsights(rows: Rows, customerId: number, now: Date) {
  const orders = rows.orders.filter((o) => o.customer_id === customerId);
  const kept = orders.filter((o) => o.order_status !== 'cancelled');
  const keptIds = new Set(kept.map((o) => o.id));
  const itemUnits = new Map<number, number>();
  for (const line of rows.lines.filter((l) => keptIds.has(l.order_id))) {
    itemUnits.set(line.menu_item_id, (itemUnits.get(line.menu_item_id) ?? 0) + line.quantity);
  }
  const dates = orders.map((o) => o.order_date.getTime());
  const last = dates.length === 0 ? null : Math.max(...dates);
  return {
    customer_id: customerId,
    customer_name: rows.customers.get(customerId)!.name,
    total_orders: orders.length,
    orders_by_status: Object.fromEntries(STATUSES.map((status) => [status, orders.filter((o) => o.order_status === status).length])),
    lifetime_spend: dollars(sumCents(orders.filter((o) => o.order_status === 'delivered'))),
    average_basket: averageCents(kept),
    first_order_at: dates.length === 0 ? null : new Date(Math.min(...dates)).toISOString(),
    last_order_at: last === null ? null : new Date(last).toISOString(),
    days_since_last_order: last === null ? null : Math.max(0, Math.floor((now.getTime() - last) / DAY_MS)),
    favorite_restaurants: ranked(
      orders.map((o) => o.restaurant_id),
      byNumber,
      3,
    ).map(([restaurantId, count]) => ({ restaurant_id: restaurantId, name: rows.restaurants.get(restaurantId)!.name, orders: count })),
    favorite_cuisines: ranked(
      orders.map((o) => rows.restaurants.get(o.restaurant_id)!.cuisine_type),
      byBytes,
      3,
    ).map(([cuisine, count]) => ({ cuisine_type: cuisine, orders: count })),
    favorite_items: [...itemUnits.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, 3)
      .map(([itemId, quantity]) => ({ menu_item_id: itemId, name: rows.items.get(itemId)!.name, quantity })),
    preferred_order_hours: ranked(
      orders.map((o) => o.order_date.getUTCHours()),
      byNumber,
      3,
    ).map(([hour, count]) => ({ hour, orders: count })),
  };
}
