import { DataSource } from 'typeorm';
import { insertCustomer, insertMenuItem, insertRestaurant } from '../fixtures.js';
import type { LoadRequest, Sample } from './load.js';

/** A direct connection to an app's database, bypassing any proxy: for arranging and checking in SQL. */
export async function sqlTo(url: string): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'postgres', url, extra: { max: 2 } });
  return dataSource.initialize();
}

/**
 * The data a fault case runs its load on. Restaurants in `read` are never written during the
 * case, so their cached entries are never invalidated and every answer for them must equal the
 * first one; orders go to the restaurants in `write`.
 */
export interface Catalogue {
  read: { restaurant: number; menuItems: number[] }[];
  write: { restaurant: number; menuItems: number[] }[];
  customers: number[];
}

export async function seedCatalogue(db: DataSource, sizes = { read: 8, write: 4, customers: 30 }): Promise<Catalogue> {
  const restaurant = async () => {
    const id = await insertRestaurant(db);
    const menuItems = [];
    for (let item = 0; item < 3; item++) menuItems.push(await insertMenuItem(db, id, { price: `${7 + item}.${25 * item}` }));
    return { restaurant: id, menuItems };
  };
  const catalogue: Catalogue = { read: [], write: [], customers: [] };
  for (let i = 0; i < sizes.read; i++) catalogue.read.push(await restaurant());
  for (let i = 0; i < sizes.write; i++) catalogue.write.push(await restaurant());
  for (let i = 0; i < sizes.customers; i++) catalogue.customers.push(await insertCustomer(db));
  return catalogue;
}

/** Every cached read path of the `read` restaurants. */
export function cachedReadPaths(catalogue: Catalogue): string[] {
  return catalogue.read.flatMap(({ restaurant, menuItems }) => [
    `/restaurants/${restaurant}`,
    `/restaurants/${restaurant}/menu`,
    `/restaurants/${restaurant}/with-menu`,
    ...menuItems.map((item) => `/menu-items/${item}`),
  ]);
}

const pick = <T>(values: T[]): T => values[Math.floor(Math.random() * values.length)];

/**
 * The steady mixed load: reads of cached entries, reads of keys never read before (a list page
 * nobody asked for: always a database read) and, for the rest, orders placed as admin, each with
 * a delivery address naming the request so the database can be checked for it afterwards.
 */
export function mixedLoad(
  catalogue: Catalogue,
  adminToken: string,
  runToken: string,
  shares = { cachedReads: 0.6, uncachedReads: 0.15 },
): (worker: number) => LoadRequest {
  const paths = cachedReadPaths(catalogue);
  let sequence = 0;
  return () => {
    const n = ++sequence;
    const dice = Math.random();
    if (dice < shares.cachedReads) return { kind: 'cached read', method: 'GET', path: pick(paths) };
    if (dice < shares.cachedReads + shares.uncachedReads) {
      // A page no request asked for before: skip stays within the 10,000 cap, limit changes once skips run out.
      return {
        kind: 'uncached read',
        method: 'GET',
        path: `/restaurants/?skip=${1000 + (n % 9000)}&limit=${1 + (Math.floor(n / 9000) % 100)}`,
      };
    }
    const { restaurant, menuItems } = pick(catalogue.write);
    return {
      kind: 'write',
      method: 'POST',
      path: `/orders/customers/${pick(catalogue.customers)}/orders`,
      headers: { authorization: `Bearer ${adminToken}` },
      body: {
        restaurant_id: restaurant,
        delivery_address: `${runToken} request ${n}`,
        order_items: [
          { menu_item_id: menuItems[0], quantity: 1 + (n % 3) },
          { menu_item_id: menuItems[1 + (n % 2)], quantity: 1 },
        ],
      },
    };
  };
}

/**
 * What the database says about the orders {@link mixedLoad} sent: every acknowledged one stored
 * with its total, none stored that was never sent, none twice. An order committed whose answer
 * was lost (the connection failed between COMMIT and the reply) is allowed.
 */
export async function orderProblems(db: DataSource, samples: Sample[], runToken: string): Promise<string[]> {
  const writes = samples.filter((sample) => sample.kind === 'write');
  const acknowledged = writes.filter((sample) => sample.status === 201).map((sample) => JSON.parse(sample.text));
  const sentAddresses = new Set(writes.map((sample) => (sample.body as { delivery_address: string }).delivery_address));
  const rows: { id: number; delivery_address: string; total: string }[] = await db.query(
    `SELECT id, delivery_address, total_amount::text AS total FROM orders WHERE delivery_address LIKE $1`,
    [`${runToken} request %`],
  );
  const stored = new Map(rows.map((row) => [row.id, row]));
  const problems: string[] = [];
  for (const order of acknowledged) {
    const row = stored.get(order.id);
    if (!row || row.delivery_address !== order.delivery_address) problems.push(`order ${order.id} was acknowledged but is not stored`);
    else if (Number(row.total) !== order.total_amount)
      problems.push(`order ${order.id} answered total ${order.total_amount}, stored ${row.total}`);
  }
  for (const row of rows) if (!sentAddresses.has(row.delivery_address)) problems.push(`order ${row.id} was never sent`);
  if (new Set(rows.map((row) => row.delivery_address)).size !== rows.length) problems.push('an order is stored twice');
  return problems;
}
