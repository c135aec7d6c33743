import type { DataSource } from 'typeorm';

/*
 * SQL fixtures for the rows other domains own, so order and review suites do not depend on those
 * routes. Each insert returns the new id; names and emails are unique per call.
 */
let sequence = 0;
const next = () => ++sequence;

async function insertRow(db: DataSource, table: string, values: Record<string, unknown>): Promise<number> {
  const columns = Object.keys(values);
  const placeholders = columns.map((_, index) => `$${index + 1}`);
  const [row] = await db.query(
    `INSERT INTO ${table} (${columns.map((column) => `"${column}"`).join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING id`,
    Object.values(values),
  );
  return row.id as number;
}

export function insertRestaurant(db: DataSource, values: Record<string, unknown> = {}): Promise<number> {
  const n = next();
  return insertRow(db, 'restaurants', {
    name: `Fixture Restaurant ${n}`,
    cuisine_type: 'Italian',
    address: `${n} Main St`,
    phone_number: '+1-555-0100',
    ...values,
  });
}

export function insertMenuItem(db: DataSource, restaurantId: number, values: Record<string, unknown> = {}): Promise<number> {
  return insertRow(db, 'menu_items', {
    name: `Fixture Dish ${next()}`,
    price: '10.00',
    category: 'Main Course',
    restaurant_id: restaurantId,
    ...values,
  });
}

export function insertCustomer(db: DataSource, values: Record<string, unknown> = {}): Promise<number> {
  const n = next();
  return insertRow(db, 'customers', {
    name: `Fixture Customer ${n}`,
    email: `customer${n}.${process.pid}@example.com`,
    phone_number: '+1-555-0200',
    address: `${n} Oak Ave`,
    ...values,
  });
}

export interface FixtureOrder {
  customer_id: number;
  restaurant_id: number;
  order_status?: string;
  order_date?: Date;
  delivery_time?: Date | null;
  /** Lines as [menu_item_id, quantity, item_price]; total_amount is their exact sum. */
  items?: [number, number, string][];
}

/** An order in any state with any date, which the API cannot arrange (e.g. back-dated or already delivered). */
export async function insertOrder(db: DataSource, order: FixtureOrder): Promise<number> {
  const items = order.items ?? [];
  const [{ total }] = await db.query(
    `SELECT coalesce(sum(quantity * price), 0)::numeric(10,2)::text AS total
       FROM unnest($1::int[], $2::numeric[]) AS line(quantity, price)`,
    [items.map(([, quantity]) => quantity), items.map(([, , price]) => price)],
  );
  const orderId = await insertRow(db, 'orders', {
    customer_id: order.customer_id,
    restaurant_id: order.restaurant_id,
    order_status: order.order_status ?? 'placed',
    total_amount: total,
    delivery_address: '1 Fixture Road',
    order_date: order.order_date ?? new Date(),
    delivery_time: order.delivery_time ?? null,
  });
  for (const [menuItemId, quantity, price] of items) {
    await insertRow(db, 'order_items', { order_id: orderId, menu_item_id: menuItemId, quantity, item_price: price });
  }
  return orderId;
}
