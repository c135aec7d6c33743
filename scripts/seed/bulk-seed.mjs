import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import {
  CITIES,
  CUISINES,
  DISH_STYLES,
  FIRST_NAMES,
  LAST_NAMES,
  MENU_CATEGORIES,
  NAME_FIRST,
  NAME_SECOND,
  REVIEW_COMMENTS,
  SPECIAL_INSTRUCTIONS,
  SPECIAL_REQUESTS,
  STREETS,
} from './catalogue.mjs';
import { formatDuration, Progress } from './progress.mjs';
import { Random, Zipf } from './random.mjs';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const DATA_SOURCE_OPTIONS = join(REPO_ROOT, 'dist', 'database', 'data-source-options.js');

export const DEFAULT_SIZES = { restaurants: 10_000, customers: 100_000, orders: 1_000_000, days: 365, seed: 20_251_122 };

/** Restaurant popularity (orders per restaurant) and customer appetite both follow Zipf's law. */
export const RESTAURANT_ZIPF_EXPONENT = 1.0;
export const CUSTOMER_ZIPF_EXPONENT = 0.5;
const MENU_SIZE = [10, 40];
const INACTIVE_CUSTOMER_SHARE = 0.01;
const UNAVAILABLE_ITEM_SHARE = 0.05;
const CANCELLED_SHARE = 0.07;
export const REVIEW_SHARE = 0.3;
const LINES_PER_ORDER_WEIGHTS = [35, 35, 20, 10];
const QUANTITY_WEIGHTS = [75, 20, 5];
/** Minutes each step of the workflow takes, [min, max]: placed→confirmed, →preparing, →out_for_delivery, →delivered. */
const STEP_MINUTES = [
  [1, 5],
  [2, 8],
  [8, 25],
  [8, 25],
];
const WORKFLOW = ['placed', 'confirmed', 'preparing', 'out_for_delivery', 'delivered'];
/** Orders per hour of the day (UTC), lunch and dinner peaks. */
const HOUR_WEIGHTS = [2, 1, 1, 1, 1, 1, 2, 3, 4, 4, 5, 9, 14, 12, 6, 4, 5, 8, 14, 15, 12, 8, 5, 3];
const ORDERS_PER_BATCH = 10_000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The tables the generator fills, children after parents. */
export const SEEDED_TABLES = ['restaurants', 'menu_items', 'customers', 'orders', 'order_items', 'order_status_changes', 'reviews'];

const cents = (value) => `${Math.trunc(value / 100)}.${String(value % 100).padStart(2, '0')}`;
const iso = (ms) => new Date(ms).toISOString();
const NULL = '\\N';

class SeedFailure extends Error {}
export { SeedFailure };

/**
 * Streams rows to `COPY table (columns) FROM STDIN` in text format. `rows` is an array of lines
 * already joined with tabs; they go out in large writes, waiting for the socket when it is full.
 */
async function copyInto(client, table, columns, rows) {
  if (rows.length === 0) return;
  const stream = client.query(copyStreams.from(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  const done = new Promise((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  const PER_WRITE = 2000;
  for (let start = 0; start < rows.length; start += PER_WRITE) {
    const chunk = `${rows.slice(start, start + PER_WRITE).join('\n')}\n`;
    if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  stream.end();
  await done;
}

async function connect(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  // Only this session: a crash loses at most the last commits of a throwaway bulk load.
  await client.query('SET synchronous_commit = off');
  return client;
}

/** Applies the app's pending migrations through the compiled data source (the same list `npm start` applies). */
async function migrate(url, log) {
  if (!existsSync(DATA_SOURCE_OPTIONS)) {
    throw new SeedFailure(`${DATA_SOURCE_OPTIONS} does not exist: build first (npm run build)`);
  }
  const { buildDataSourceOptions } = await import(pathToFileURL(DATA_SOURCE_OPTIONS).href);
  const { DataSource } = await import('typeorm');
  const dataSource = new DataSource(buildDataSourceOptions({ url, poolSize: 1 }));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) log(`applied migrations: ${applied.map((migration) => migration.name).join(', ')}`);
  } finally {
    await dataSource.destroy();
  }
}

async function rowCounts(client) {
  const [row] = (
    await client.query(
      `SELECT ${SEEDED_TABLES.map((table) => `(SELECT count(*)::int FROM (SELECT 1 FROM ${table} LIMIT 1) t) AS ${table}`).join(', ')}`,
    )
  ).rows;
  return row;
}

/** The restaurants and their menus; menus keep each restaurant's available items (ids, prices) for the orders. */
function planCatalogue(random, sizes, createdBefore) {
  const restaurants = [];
  const menuItems = [];
  const menus = new Array(sizes.restaurants + 1);
  const quality = new Float64Array(sizes.restaurants + 1);
  let menuItemId = 0;
  for (let id = 1; id <= sizes.restaurants; id++) {
    const cuisine = random.pick(CUISINES);
    const createdAt = iso(createdBefore - random.int(1, 400) * DAY);
    const opening = `${String(random.int(7, 12)).padStart(2, '0')}:00:00`;
    const closing = `${String(random.int(20, 23)).padStart(2, '0')}:30:00`;
    restaurants.push(
      [
        id,
        `${random.pick(NAME_FIRST)} ${random.pick(NAME_SECOND)} ${id}`,
        `${cuisine} cooking, made to order.`,
        cuisine,
        `${random.int(1, 999)} ${random.pick(STREETS)}, ${random.pick(CITIES)}`,
        `+1-555-${String(random.int(0, 9999)).padStart(4, '0')}`,
        't',
        opening,
        closing,
        random.int(10, 60),
        createdAt,
        createdAt,
      ].join('\t'),
    );
    quality[id] = 2.5 + random.next() * 2.3;
    const size = random.int(MENU_SIZE[0], MENU_SIZE[1]);
    const ids = [];
    const prices = [];
    for (let index = 0; index < size; index++) {
      menuItemId++;
      const category = MENU_CATEGORIES[index === 0 ? 1 : random.weighted(MENU_CATEGORIES.map((entry) => entry.weight))];
      const price = Math.round(random.int(category.cents[0], category.cents[1]) / 25) * 25;
      const vegetarian = random.chance(0.35);
      // Every restaurant keeps at least one dish on offer, so any of them can be ordered from.
      const available = index === 0 || !random.chance(UNAVAILABLE_ITEM_SHARE);
      menuItems.push(
        [
          menuItemId,
          `${random.pick(DISH_STYLES)} ${random.pick(category.dishes)}`,
          `${cuisine} ${category.name.toLowerCase()}`,
          cents(price),
          category.name,
          vegetarian ? 't' : 'f',
          vegetarian && random.chance(0.3) ? 't' : 'f',
          random.chance(0.2) ? 't' : 'f',
          available ? 't' : 'f',
          random.int(5, 45),
          id,
          createdAt,
          createdAt,
        ].join('\t'),
      );
      if (available) {
        ids.push(menuItemId);
        prices.push(price);
      }
    }
    menus[id] = { ids, prices };
  }
  return { restaurants, menuItems, menus, quality, menuItemCount: menuItemId };
}

function planCustomers(random, sizes, createdBefore) {
  const rows = [];
  const active = new Uint8Array(sizes.customers + 1);
  const addresses = new Array(sizes.customers + 1);
  for (let id = 1; id <= sizes.customers; id++) {
    const isActive = !random.chance(INACTIVE_CUSTOMER_SHARE);
    active[id] = isActive ? 1 : 0;
    const address = `${random.int(1, 999)} ${random.pick(STREETS)}, ${random.pick(CITIES)}`;
    addresses[id] = address;
    const createdAt = iso(createdBefore - random.int(1, 700) * DAY);
    rows.push(
      [
        id,
        `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`,
        `customer${id}@bulk.tiffin.test`,
        `+1-555-${String(random.int(0, 9999)).padStart(4, '0')}`,
        address,
        isActive ? 't' : 'f',
        createdAt,
        createdAt,
      ].join('\t'),
    );
  }
  return { rows, active, addresses };
}

/** Order times, oldest first, over the last `days` days with lunch and dinner peaks. */
function planOrderTimes(random, sizes, now) {
  const times = new Float64Array(sizes.orders);
  const firstDay = Math.floor(now / DAY) - sizes.days + 1;
  for (let index = 0; index < sizes.orders; index++) {
    let at;
    do {
      const day = firstDay + random.int(0, sizes.days - 1);
      at = day * DAY + random.weighted(HOUR_WEIGHTS) * 60 * MINUTE + Math.floor(random.next() * 60 * MINUTE);
    } while (at > now - MINUTE);
    times[index] = at;
  }
  return times.sort();
}

/**
 * One order: its lines at the menu's prices, its timeline through the workflow (or into a
 * cancellation before it left the kitchen), the status it has reached by `now`, and perhaps a review.
 */
function planOrder(random, state, orderId, placedAt) {
  const { menus, quality, now, restaurantZipf, customerZipf, active } = state;
  const restaurantId = restaurantZipf.draw();
  let customerId;
  do customerId = customerZipf.draw();
  while (active[customerId] === 0);

  const menu = menus[restaurantId];
  const lineCount = Math.min(menu.ids.length, 1 + random.weighted(LINES_PER_ORDER_WEIGHTS));
  const chosen = new Set();
  while (chosen.size < lineCount) chosen.add(random.int(0, menu.ids.length - 1));
  const lines = [];
  let total = 0;
  for (const index of chosen) {
    const quantity = 1 + random.weighted(QUANTITY_WEIGHTS);
    total += menu.prices[index] * quantity;
    lines.push([menu.ids[index], quantity, menu.prices[index], random.chance(0.1) ? random.pick(SPECIAL_REQUESTS) : null]);
  }

  // When each status is reached; a cancellation replaces every step after the one it follows.
  const reached = [placedAt];
  for (const [min, max] of STEP_MINUTES) reached.push(reached.at(-1) + random.int(min * 60, max * 60) * 1000);
  let steps = WORKFLOW.map((status, index) => [status, reached[index]]);
  if (random.chance(CANCELLED_SHARE)) {
    const after = random.int(0, 2);
    const cancelledAt = reached[after] + Math.floor(random.next() * (reached[after + 1] - reached[after]));
    steps = [...steps.slice(0, after + 1), ['cancelled', cancelledAt]];
  }
  steps = steps.filter(([, at]) => at <= now);
  const [status, statusAt] = steps.at(-1);
  const deliveredAt = status === 'delivered' ? statusAt : null;

  let review = null;
  if (deliveredAt !== null && random.chance(REVIEW_SHARE)) {
    const createdAt = deliveredAt + random.int(10, 2 * 24 * 60) * MINUTE;
    if (createdAt <= now) {
      const noise = (random.next() + random.next() + random.next() - 1.5) * 1.6;
      const rating = Math.min(5, Math.max(1, Math.round(quality[restaurantId] + noise)));
      review = { rating, comment: random.chance(0.7) ? random.pick(REVIEW_COMMENTS[rating]) : null, createdAt };
    }
  }
  return { orderId, restaurantId, customerId, lines, total, steps, status, deliveredAt, review };
}

const COLUMNS = {
  restaurants: [
    'id',
    'name',
    'description',
    'cuisine_type',
    'address',
    'phone_number',
    'is_active',
    'opening_time',
    'closing_time',
    'capacity',
    'created_at',
    'updated_at',
  ],
  menu_items: [
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
  ],
  customers: ['id', 'name', 'email', 'phone_number', 'address', 'is_active', 'created_at', 'updated_at'],
  orders: [
    'id',
    'customer_id',
    'restaurant_id',
    'order_status',
    'total_amount',
    'delivery_address',
    'special_instructions',
    'order_date',
    'delivery_time',
  ],
  order_items: ['id', 'order_id', 'menu_item_id', 'quantity', 'item_price', 'special_requests'],
  order_status_changes: ['id', 'order_id', 'from_status', 'to_status', 'changed_at'],
  reviews: ['id', 'customer_id', 'restaurant_id', 'order_id', 'rating', 'comment', 'created_at'],
};

/** The rows of one batch of orders, for the four order tables. */
function batchRows(random, state, times, from, to) {
  const rows = { orders: [], order_items: [], order_status_changes: [], reviews: [] };
  for (let index = from; index < to; index++) {
    const orderId = index + 1;
    const order = planOrder(random, state, orderId, times[index]);
    rows.orders.push(
      [
        orderId,
        order.customerId,
        order.restaurantId,
        order.status,
        cents(order.total),
        state.addresses[order.customerId],
        random.chance(0.2) ? random.pick(SPECIAL_INSTRUCTIONS) : NULL,
        iso(times[index]),
        order.deliveredAt === null ? NULL : iso(order.deliveredAt),
      ].join('\t'),
    );
    for (const [menuItemId, quantity, price, request] of order.lines) {
      rows.order_items.push([++state.ids.orderItem, orderId, menuItemId, quantity, cents(price), request ?? NULL].join('\t'));
    }
    let previous = NULL;
    for (const [status, at] of order.steps) {
      rows.order_status_changes.push([++state.ids.statusChange, orderId, previous, status, iso(at)].join('\t'));
      previous = status;
    }
    if (order.review) {
      const { rating, comment, createdAt } = order.review;
      rows.reviews.push(
        [++state.ids.review, order.customerId, order.restaurantId, orderId, rating, comment ?? NULL, iso(createdAt)].join('\t'),
      );
    }
    state.statuses[order.status]++;
  }
  return rows;
}

/**
 * Business rules the data must satisfy, each a query counting the rows that break it. The
 * database's own constraints (CHECKs, foreign keys, unique indexes) were enforced during COPY.
 */
export const CONSISTENCY_CHECKS = [
  [
    'order totals equal the sum of their lines',
    `SELECT count(*)::int AS n FROM orders o
       JOIN (SELECT order_id, sum(quantity * item_price) AS total, count(*) AS lines FROM order_items GROUP BY order_id) l
         ON l.order_id = o.id
      WHERE l.total <> o.total_amount`,
  ],
  [
    'every order has lines',
    `SELECT count(*)::int AS n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)`,
  ],
  [
    'lines are priced at the menu price of an item of the order’s restaurant',
    `SELECT count(*)::int AS n FROM order_items i JOIN orders o ON o.id = i.order_id JOIN menu_items m ON m.id = i.menu_item_id
      WHERE m.price <> i.item_price OR m.restaurant_id <> o.restaurant_id`,
  ],
  [
    'the status history starts with placed at order_date and ends at the order’s status',
    `SELECT count(*)::int AS n FROM orders o
       JOIN (SELECT order_id,
                    (array_agg(to_status ORDER BY changed_at, id))[1] AS first_status,
                    min(changed_at) AS first_at,
                    (array_agg(to_status ORDER BY changed_at DESC, id DESC))[1] AS last_status
               FROM order_status_changes GROUP BY order_id) h ON h.order_id = o.id
      WHERE h.first_status <> 'placed' OR h.first_at <> o.order_date OR h.last_status <> o.order_status`,
  ],
  [
    'delivered orders, and only they, have a delivery_time, no earlier than order_date',
    `SELECT count(*)::int AS n FROM orders
      WHERE (order_status = 'delivered') <> (delivery_time IS NOT NULL) OR delivery_time < order_date OR delivery_time > now()`,
  ],
  [
    'reviews are of delivered orders, by the order’s customer, for its restaurant',
    `SELECT count(*)::int AS n FROM reviews v JOIN orders o ON o.id = v.order_id
      WHERE o.order_status <> 'delivered' OR v.customer_id <> o.customer_id OR v.restaurant_id <> o.restaurant_id
         OR v.created_at < o.delivery_time`,
  ],
  [
    'restaurant ratings are the average of their reviews',
    `SELECT count(*)::int AS n FROM restaurants r
       LEFT JOIN (SELECT restaurant_id, round(avg(rating), 2) AS rating FROM reviews GROUP BY restaurant_id) v ON v.restaurant_id = r.id
      WHERE r.rating <> coalesce(v.rating, 0)`,
  ],
];

/**
 * Fills the database at `url` with `sizes` of realistic data (see scripts/seed-bulk.mjs).
 * Returns what it wrote and how long each phase took.
 */
export async function seedBulk({ url, sizes, force = false, verify = true, log = (message) => console.error(message) }) {
  const startedAt = performance.now();
  const phases = {};
  const timed = async (name, work) => {
    const phaseStart = performance.now();
    const result = await work();
    phases[name] = (performance.now() - phaseStart) / 1000;
    return result;
  };

  await timed('migrations', () => migrate(url, log));
  const clients = await Promise.all([0, 1, 2, 3].map(() => connect(url)));
  const [main, ...children] = clients;
  try {
    const present = await rowCounts(main);
    const filled = SEEDED_TABLES.filter((table) => present[table] > 0);
    if (filled.length > 0 && !force) {
      throw new SeedFailure(`the database is not empty (rows in ${filled.join(', ')}); pass --force to empty it first`);
    }
    if (filled.length > 0) {
      log(`--force: emptying ${SEEDED_TABLES.join(', ')} (and tables referring to them)`);
      await main.query(`TRUNCATE ${SEEDED_TABLES.join(', ')} RESTART IDENTITY CASCADE`);
    }

    const random = new Random(sizes.seed);
    const now = Date.now();
    const historyStart = now - sizes.days * DAY;
    const catalogue = planCatalogue(random, sizes, historyStart);
    const customers = planCustomers(random, sizes, historyStart);

    const parents = new Progress('catalogue', sizes.restaurants + catalogue.menuItemCount + sizes.customers, 'rows');
    await timed('catalogue', async () => {
      await copyInto(main, 'restaurants', COLUMNS.restaurants, catalogue.restaurants);
      parents.advance(sizes.restaurants);
      await Promise.all([
        copyInto(children[0], 'menu_items', COLUMNS.menu_items, catalogue.menuItems).then(() => parents.advance(catalogue.menuItemCount)),
        copyInto(children[1], 'customers', COLUMNS.customers, customers.rows).then(() => parents.advance(sizes.customers)),
      ]);
      parents.finish();
    });

    const state = {
      menus: catalogue.menus,
      quality: catalogue.quality,
      now,
      restaurantZipf: new Zipf(sizes.restaurants, RESTAURANT_ZIPF_EXPONENT, random),
      customerZipf: new Zipf(sizes.customers, CUSTOMER_ZIPF_EXPONENT, random),
      active: customers.active,
      addresses: customers.addresses,
      ids: { orderItem: 0, statusChange: 0, review: 0 },
      statuses: Object.fromEntries([...WORKFLOW, 'cancelled'].map((status) => [status, 0])),
    };
    const times = planOrderTimes(random, sizes, now);

    const progress = new Progress('orders', sizes.orders, 'orders');
    await timed('orders', async () => {
      // Lines, history and reviews of a batch go in while the next batch of orders does: the
      // children need their orders committed (foreign keys), and two COPYs keep both cores busy.
      let childrenInFlight = Promise.resolve();
      for (let from = 0; from < sizes.orders; from += ORDERS_PER_BATCH) {
        const to = Math.min(sizes.orders, from + ORDERS_PER_BATCH);
        const rows = batchRows(random, state, times, from, to);
        await copyInto(main, 'orders', COLUMNS.orders, rows.orders);
        await childrenInFlight;
        childrenInFlight = Promise.all([
          copyInto(children[0], 'order_items', COLUMNS.order_items, rows.order_items),
          copyInto(children[1], 'order_status_changes', COLUMNS.order_status_changes, rows.order_status_changes),
          copyInto(children[2], 'reviews', COLUMNS.reviews, rows.reviews),
        ]).then(() => progress.advance(to - from));
      }
      await childrenInFlight;
      progress.finish();
    });

    await timed('ratings and sequences', async () => {
      // The app's own rule (ReviewsRepository.refreshRestaurantRating), for every restaurant at once.
      await main.query(
        `UPDATE restaurants r SET rating = v.rating
           FROM (SELECT restaurant_id, round(avg(rating), 2) AS rating FROM reviews GROUP BY restaurant_id) v
          WHERE v.restaurant_id = r.id`,
      );
      for (const table of SEEDED_TABLES) {
        await main.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM ${table}), false)`);
      }
    });
    log('analysing the tables (planner statistics)...');
    await timed('analyze', () => main.query(`ANALYZE ${SEEDED_TABLES.join(', ')}`));

    const problems = [];
    if (verify) {
      log('checking the business rules...');
      await timed('verify', async () => {
        const results = await Promise.all(
          CONSISTENCY_CHECKS.map(async ([rule, sql], index) => [rule, (await clients[index % clients.length].query(sql)).rows[0].n]),
        );
        for (const [rule, broken] of results) if (broken > 0) problems.push(`${broken} rows break "${rule}"`);
      });
      if (problems.length > 0) throw new SeedFailure(`the data breaks business rules:\n  ${problems.join('\n  ')}`);
    }

    const [counts] = (
      await main.query(`SELECT ${SEEDED_TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`)
    ).rows;
    const delivered = state.statuses.delivered;
    return {
      sizes,
      rows: counts,
      orders_by_status: state.statuses,
      review_share_of_delivered: delivered > 0 ? counts.reviews / delivered : 0,
      top_restaurant_share: state.restaurantZipf.topShare,
      phases_seconds: phases,
      verified: verify,
      elapsed_seconds: (performance.now() - startedAt) / 1000,
    };
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => {})));
  }
}

export function describeResult(result) {
  const rows = Object.entries(result.rows)
    .map(([table, n]) => `${table} ${n.toLocaleString('en-US')}`)
    .join(', ');
  const statuses = Object.entries(result.orders_by_status)
    .map(([status, n]) => `${status} ${n.toLocaleString('en-US')}`)
    .join(', ');
  const phases = Object.entries(result.phases_seconds)
    .map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)} s`)
    .join(', ');
  return [
    `rows: ${rows}`,
    `orders by status: ${statuses}`,
    `reviews on ${(result.review_share_of_delivered * 100).toFixed(1)}% of delivered orders; the most popular restaurant has ${(result.top_restaurant_share * 100).toFixed(1)}% of the orders`,
    `phases: ${phases}`,
    `${result.verified ? 'business rules verified; ' : ''}done in ${formatDuration(result.elapsed_seconds)} (${result.elapsed_seconds.toFixed(1)} s)`,
  ].join('\n');
}
