import 'reflect-metadata';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './app-process.mjs';

const dist = (path) => import(pathToFileURL(join(REPO_ROOT, 'dist', path)).href);

/**
 * A DataSource stand-in that records the statement a repository method sends instead of running
 * it, so the plans below are those of the app's own SQL (no copy of it in the bench).
 */
function capturingDataSource(captured) {
  return {
    query(sql, parameters = []) {
      captured.push({ sql, parameters });
      return Promise.resolve([{}]);
    },
  };
}

async function statementOf(call) {
  const captured = [];
  await call(capturingDataSource(captured));
  if (captured.length !== 1) throw new Error(`expected one statement, captured ${captured.length}`);
  return captured[0];
}

/**
 * The analytics statements of the app: per restaurant, per customer, and over all orders.
 * `restaurantId` and `customerId` pick the subjects; the periods are the default (7 days).
 */
export async function analyticsStatements({ restaurantId, customerId }) {
  const [{ AnalyticsRepository }, { RestaurantAnalyticsRepository }, { CustomerAnalyticsRepository }, { periodWindow, utcDay }] =
    await Promise.all([
      dist('analytics/analytics.repository.js'),
      dist('restaurants/restaurant-analytics.repository.js'),
      dist('customers/customer-analytics.repository.js'),
      dist('analytics/analytics-period.js'),
    ]);
  const now = new Date();
  const week = periodWindow('7d', now);
  const analytics = (source) => new AnalyticsRepository(source);
  const restaurants = (source) => new RestaurantAnalyticsRepository(source);
  const customers = (source) => new CustomerAnalyticsRepository(source);
  const yesterday = utcDay(new Date(now.getTime() - 86_400_000));
  const definitions = [
    ['restaurant', `GET /restaurants/${restaurantId}/analytics`, (s) => restaurants(s).restaurantAnalytics(restaurantId)],
    [
      'restaurant',
      `GET /analytics/restaurants/performance?restaurant_id=${restaurantId}`,
      (s) => analytics(s).restaurantPerformance(restaurantId, 0, 1),
    ],
    [
      'customer',
      `GET /customers/${customerId}/analytics and GET /analytics/customer-insights/${customerId} (one statement)`,
      (s) => customers(s).forCustomer(customerId),
    ],
    ['all orders', `GET /analytics/revenue/daily?date=${yesterday}`, (s) => analytics(s).dailyRevenue(yesterday)],
    ['all orders', 'GET /analytics/revenue-analytics?period=7d', (s) => analytics(s).revenueAnalytics(week)],
    ['all orders', 'GET /analytics/customers/behavior?period=7d', (s) => analytics(s).customerBehavior(week)],
    ['all orders', 'GET /analytics/popular-items?period=7d&limit=10', (s) => analytics(s).popularItems(week, 10)],
    [
      'all orders',
      'GET /analytics/restaurants/performance (first page of 50)',
      (s) => analytics(s).restaurantPerformance(undefined, 0, 50),
    ],
    ['all orders', 'GET /restaurants/analytics/popular-cuisines', (s) => restaurants(s).popularCuisines()],
    ['all orders', 'GET /restaurants/analytics/price-ranges', (s) => restaurants(s).priceRanges()],
  ];
  const statements = [];
  for (const [scope, route, call] of definitions) statements.push({ scope, route, ...(await statementOf(call)) });
  return statements;
}

/**
 * The real-time statements that find orders in progress: a restaurant's load (its count) and the
 * platform's live orders. They find open orders through the partial indexes of `NOT is_final`.
 */
export async function realtimeStatements({ restaurantId }) {
  const { RealtimeRepository } = await dist('realtime/realtime.repository.js');
  const realtime = (source) => new RealtimeRepository(source);
  const definitions = [
    [
      'restaurant',
      `GET /realtime/delivery-slots/${restaurantId}, /restaurant-availability/, /dynamic-pricing/ (the restaurant's load)`,
      (s) => realtime(s).restaurantLoad(restaurantId),
    ],
    ['all orders', 'GET /realtime/live-orders', (s) => realtime(s).liveOrders()],
  ];
  const statements = [];
  for (const [scope, route, call] of definitions) statements.push({ scope, route, ...(await statementOf(call)) });
  return statements;
}

/**
 * The menu-item search (`GET /menu-items/search?q=`): the page and its count, as the app's
 * repository writes them. The query builder needs entity metadata, so this one opens a TypeORM
 * data source on the bench database (it runs nothing but TypeORM's connection checks).
 */
export async function menuItemSearchStatements({ databaseUrl, q }) {
  const [{ DataSource }, { ENTITIES }, { MenuItemsRepository }] = await Promise.all([
    import('typeorm'),
    dist('database/entities.js'),
    dist('menu-items/menu-items.repository.js'),
  ]);
  const dataSource = new DataSource({ type: 'postgres', url: databaseUrl, entities: ENTITIES, poolSize: 1 });
  await dataSource.initialize();
  try {
    const query = new MenuItemsRepository(dataSource).pageQuery({ q }, { skip: 0, limit: 50 });
    const route = `GET /menu-items/search?q=${encodeURIComponent(q)}`;
    const [pageSql, pageParameters] = query.getQueryAndParameters();
    const [countSql, countParameters] = query
      .clone()
      .select('COUNT(*)', 'count')
      .orderBy()
      .offset(undefined)
      .limit(undefined)
      .getQueryAndParameters();
    return [
      { scope: 'menu items', route: `${route} (first page of 50)`, sql: pageSql, parameters: pageParameters },
      { scope: 'menu items', route: `${route} (X-Total-Count)`, sql: countSql, parameters: countParameters },
    ];
  } finally {
    await dataSource.destroy();
  }
}

/** Tables read by a sequential scan anywhere in a plan (FORMAT JSON). */
function sequentialScans(plan, found = new Set()) {
  if (plan['Node Type'] === 'Seq Scan') found.add(plan['Relation Name']);
  for (const child of plan.Plans ?? []) sequentialScans(child, found);
  return found;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of each statement: the text plan to save, the execution time, and
 * the tables scanned sequentially (from a second, JSON-format run, so nothing parses text).
 */
export async function explainAll(client, statements) {
  const results = [];
  for (const statement of statements) {
    const text = (await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, statement.parameters)).rows
      .map((row) => row['QUERY PLAN'])
      .join('\n');
    const [json] = (await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.sql}`, statement.parameters)).rows[0][
      'QUERY PLAN'
    ];
    results.push({
      scope: statement.scope,
      route: statement.route,
      parameters: statement.parameters,
      execution_ms: json['Execution Time'],
      planning_ms: json['Planning Time'],
      sequential_scans: [...sequentialScans(json.Plan)].sort(),
      plan: text,
    });
  }
  return results;
}
