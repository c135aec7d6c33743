import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { describeResult, seedBulk } from '../../scripts/seed/bulk-seed.mjs';
import { cacheCounters, databaseCounters, diffCache, diffDatabase, diffRedis, redisCounters } from './counters.mjs';
import { preemptionsPerThousand } from './cpu.mjs';
import { BenchFailure } from './failure.mjs';
import { measure } from './load.mjs';
import { appEnvOverrides } from './options.mjs';
import { median } from './report.mjs';
import { get } from './scenarios.mjs';
import { log } from './session.mjs';
import { KINDS, loadWorkloadData, requestsFor, Traffic, WriteState } from './workload.mjs';

/** The pieces of the benchmark suite (bench/bench.mjs), its profiler (bench/profile-scenario.mjs) and its A/B (bench/ab-scenario.mjs). */
export const SCALES = {
  tiny: { restaurants: 200, customers: 2_000, orders: 20_000, duration: 4, warmup: 2 },
  small: { restaurants: 1_000, customers: 10_000, orders: 100_000, duration: 10, warmup: 3 },
  medium: { restaurants: 5_000, customers: 50_000, orders: 500_000, duration: 10, warmup: 3 },
  full: { restaurants: 10_000, customers: 100_000, orders: 1_000_000, duration: 15, warmup: 5 },
};
/** Sizes and windows from the scale, except those given on the command line (`argv`). */
export function applyScale(argv, options) {
  const given = (name) => argv.some((argument) => argument === `--${name}` || argument.startsWith(`--${name}=`));
  for (const name of ['restaurants', 'customers', 'orders', 'duration', 'warmup']) {
    if (!given(name)) options[name] = SCALES[options.scale][name];
  }
}

export const GOALS = {
  hot_reads: 0.8,
  mixed: 0.5,
  hit_ratio: 0.95,
  stampede_loads: 1,
  analytics_hit_ratio: 0.98,
  write_cpu_us: 1000,
  mixed_to_hot_reads: 0.5,
};
/** The app's default ANALYTICS_MAX_STALENESS_SECONDS, which the bench runs with. */
export const ANALYTICS_MAX_STALENESS_SECONDS = 60;
/** The most ordered restaurants and customers whose dashboard paths are read before the analytics window. */
export const ANALYTICS_WARM_IDS = 1000;
export const WRITE_SHARE = 0.05;
const STAMPEDE_REQUESTS = 1000;
const WARMING_CONCURRENCY = 16;
const STALE_SAMPLE = { restaurants: 60, orders: 60 };
const REDIS_MEMORY_SAMPLE = 500;
/**
 * The alternated windows of the mixed/hot-read ratio (see alternatedMixedToHot): pairs, and each
 * window's warm-up and length in seconds.
 */
export const ALTERNATED = { pairs: 8, warmup: 1, seconds: 5 };
/** CPU (in cores) taken by other processes during a window beyond which the run is flagged. */
export const CONTENDED_CORES = 0.25;
const TRAFFIC_SEED = 7;

export const APPS = {
  on: { name: 'cache-on', env: { CACHE_ENABLED: 'true' } },
  off: { name: 'cache-off', env: { CACHE_ENABLED: 'false' } },
};

export function round(value, digits = 2) {
  return Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : null;
}

/**
 * One measured window of `pick`'s traffic on `app`: throughput, latency, errors, the cache
 * counters and database transactions of the window, per request.
 */
export async function window(context, app, scenario, pick, { admin = false, onAnswer } = {}) {
  const { session, options, token } = context;
  session.checkpoint();
  log(`${scenario} on ${app.name}: ${options.warmup} s warm-up + ${options.duration} s`);
  const routes = {};
  const answer = (chosen, status, body, headers) => {
    const route = (routes[chosen.route ?? chosen.kind] ??= { requests: 0, non2xx: 0, x_cache: {} });
    route.requests++;
    if (status >= 300) route.non2xx++;
    const outcome = headers?.['x-cache'];
    if (outcome) route.x_cache[outcome] = (route.x_cache[outcome] ?? 0) + 1;
  };
  let before;
  let counting = false;
  // Writes are booked in the warm-up too (their orders join the pools); routes only in the window.
  const requests = requestsFor(pick, {
    token,
    everyRequest: admin,
    onAnswer: (chosen, status, body, headers) => {
      if (counting) answer(chosen, status, body, headers);
      onAnswer?.(chosen, status, body, headers, counting);
    },
  });
  let windowUs;
  const result = await measure(`${app.baseUrl}/`, app.child.pid, {
    ...options,
    redisPid: session.redisPid,
    requests,
    onWindow: (fromUs, toUs) => (windowUs = { from: fromUs, to: toUs }),
    beforeWindow: async () => {
      before = {
        cache: await cacheCounters(app, token),
        database: await databaseCounters(context.admin, context.databaseName),
        redis: await redisCounters(session.redisUrl),
      };
      counting = true;
    },
  });
  counting = false;
  const cache = diffCache(before.cache, await cacheCounters(app, token));
  const database = diffDatabase(before.database, await databaseCounters(context.admin, context.databaseName));
  // Read after the database's settle pause, so the window's last Redis commands are in.
  const redis = diffRedis(before.redis, await redisCounters(session.redisUrl));
  const row = {
    scenario,
    app: app.name,
    ...result,
    errors: result.errors + result.timeouts,
    hit_ratio: cache.hit_ratio,
    cache,
    database,
    db_transactions_per_request: database.transactions / result.requests,
    redis,
    redis_per_request: {
      commands: round(redis.commands / result.requests, 3),
      bytes_in: Math.round(redis.bytes_in / result.requests),
      bytes_out: Math.round(redis.bytes_out / result.requests),
      // A shared Redis (BENCH_REDIS_URL) also counts whatever else it served meanwhile.
      shared_server: session.sharedRedis,
    },
    routes,
    // On the monotonic clock of CPU profiles: a profiled run's samples of this window.
    window_us: windowUs,
  };
  log(
    `   ${Math.round(row.requests_per_second)} req/s, p50 ${row.latency_ms.p50.toFixed(2)} ms, p95 ${row.latency_ms.p95.toFixed(2)} ms, ` +
      `p99 ${row.latency_ms.p99.toFixed(2)} ms, ${row.errors} errors, ${row.non2xx} non-2xx, ` +
      `hit ratio ${row.hit_ratio === null ? 'n/a' : (row.hit_ratio * 100).toFixed(1) + '%'}, ` +
      `${row.db_transactions_per_request.toFixed(3)} DB transactions/request, ` +
      `${row.redis_per_request.commands} Redis commands/request (${row.redis_per_request.bytes_in} B in, ${row.redis_per_request.bytes_out} B out)` +
      (row.cpu_cores
        ? `; CPU: server ${row.cpu_cores.server}, load generator ${row.cpu_cores.load_generator}, ` +
          `${row.cpu_cores.redis === undefined ? '' : `Redis ${row.cpu_cores.redis}, `}Postgres ${row.cpu_cores.postgres}, rest ${row.cpu_cores.rest_of_machine}, stolen ${row.cpu_cores.stolen_by_host}, ` +
          `server waiting for a core ${row.cpu_cores.server_waiting_for_a_core}`
        : ''),
  );
  return row;
}

/**
 * The mixed traffic against the hot reads on one app, in pairs of short windows taken in turn
 * (which goes first swaps every pair). The suite's own windows of the two are minutes apart, and a
 * virtual machine's speed can move by half in that time; a pair's two windows share the machine's
 * state of the moment. Returns each pair's req/s and server CPU per request, and the medians of
 * the pairs' ratios (mixed over hot reads in req/s; hot over mixed in server CPU per request).
 */
export async function alternatedMixedToHot(context, app, { hotRead, mixed }, { pairs, warmup, seconds } = ALTERNATED) {
  const { session, options, token } = context;
  log(`mixed against hot reads on ${app.name}, alternated: ${pairs} pairs of ${warmup} s warm-up + ${seconds} s each`);
  // Which tier answered the reads of the window: writes store entries in L1 (write-through), which
  // can push hot entries out to L2, so a slower hot window may mean the cache's state, not the host's.
  let tiers = {};
  const tally = (headers) => {
    const outcome = headers?.['x-cache'];
    if (outcome) tiers[outcome] = (tiers[outcome] ?? 0) + 1;
  };
  const windows = {
    hot: requestsFor(hotRead, { token, onAnswer: (_chosen, _status, _body, headers) => tally(headers) }),
    mixed: requestsFor(mixed.pick, {
      token,
      onAnswer: (chosen, status, body, headers) => {
        tally(headers);
        mixed.onAnswer(chosen, status, body);
      },
    }),
  };
  const measured = [];
  for (let pair = 0; pair < pairs; pair++) {
    session.checkpoint();
    const order = pair % 2 === 0 ? ['hot', 'mixed'] : ['mixed', 'hot'];
    const row = { first: order[0] };
    for (const kind of order) {
      const result = await measure(`${app.baseUrl}/`, app.child.pid, {
        connections: options.connections,
        warmup,
        duration: seconds,
        requests: windows[kind],
        redisPid: session.redisPid,
        beforeWindow: () => (tiers = {}),
      });
      const reads = Object.values(tiers).reduce((sum, count) => sum + count, 0);
      row[kind] = {
        requests_per_second: Math.round(result.requests_per_second),
        server_cpu_us_per_request: round(result.server_cpu_us_per_request, 1),
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
        l1_share_of_reads: reads > 0 ? round((tiers['HIT-L1'] ?? 0) / reads, 3) : null,
        server_waiting_for_a_core: result.cpu_cores?.server_waiting_for_a_core ?? null,
        server_preempted_per_1000_requests: round(preemptionsPerThousand(result), 1),
      };
    }
    row.ratio = round(row.mixed.requests_per_second / row.hot.requests_per_second, 3);
    row.ratio_by_cpu = round(row.hot.server_cpu_us_per_request / row.mixed.server_cpu_us_per_request, 3);
    log(
      `   pair ${pair + 1} (${row.first} first): hot ${row.hot.requests_per_second} req/s, ${row.hot.server_cpu_us_per_request} µs, ` +
        `L1 ${row.hot.l1_share_of_reads}, waiting ${row.hot.server_waiting_for_a_core}; mixed ${row.mixed.requests_per_second} req/s, ` +
        `${row.mixed.server_cpu_us_per_request} µs, L1 ${row.mixed.l1_share_of_reads}, waiting ${row.mixed.server_waiting_for_a_core}: ` +
        `${row.ratio}x (by CPU ${row.ratio_by_cpu}x)`,
    );
    measured.push(row);
  }
  return {
    pairs: measured,
    seconds,
    median_ratio: round(median(measured.map((row) => row.ratio)), 3),
    median_ratio_by_cpu: round(median(measured.map((row) => row.ratio_by_cpu)), 3),
  };
}

/**
 * Reads every path once, a few at a time: the cache holds what a long-running instance would,
 * instead of the first seconds of the window paying for every first read of the long tail.
 */
export async function warm(context, app, paths, { admin = false, concurrency = WARMING_CONCURRENCY, tolerateFailures = false } = {}) {
  const started = performance.now();
  let next = 0;
  let failed = 0;
  const statuses = {};
  const headers = admin ? { authorization: `Bearer ${context.token}` } : {};
  const worker = async () => {
    while (next < paths.length) {
      context.session.checkpoint();
      const answer = await get(app, paths[next++], headers).catch((error) => ({ status: error.name }));
      if (answer.status !== 200) {
        failed++;
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const failures = `${failed} of ${paths.length} reads failed (${JSON.stringify(statuses)})`;
  if (failed > 0 && !tolerateFailures) throw new BenchFailure(`warming ${app.name}: ${failures}`);
  log(
    `warmed ${app.name}: ${paths.length} paths read once in ${((performance.now() - started) / 1000).toFixed(1)} s${failed > 0 ? `; ${failures}` : ''}`,
  );
  return { paths: paths.length, failed, statuses };
}

/** Compares what the cache serves with what the database says now (the cache-off app reads it). */
export async function staleReadCheck(context, writes) {
  const { apps, token } = context;
  const sample = (values, limit) => [...values].slice(-limit);
  const paths = [];
  for (const id of sample(writes.touchedRestaurants, STALE_SAMPLE.restaurants)) {
    paths.push(
      `/restaurants/${id}`,
      `/restaurants/${id}/with-menu`,
      `/reviews/restaurants/${id}/reviews`,
      `/orders/restaurants/${id}/orders`,
    );
  }
  for (const id of sample(writes.touchedOrders, STALE_SAMPLE.orders)) paths.push(`/orders/${id}`);
  const headers = { authorization: `Bearer ${token}` };
  const fetchBoth = (path) =>
    Promise.all([apps.on, apps.off].map((app) => fetch(`${app.baseUrl}${path}`, { headers, signal: AbortSignal.timeout(10_000) })));
  const stale = [];
  const outcomes = {};
  let compared = 0;
  for (const path of paths) {
    const [cached, database] = await fetchBoth(path);
    const [cachedBody, databaseBody] = await Promise.all([cached.text(), database.text()]);
    if (cached.status !== 200 || database.status !== 200) {
      stale.push({ path, reason: `status ${cached.status} (cache on) / ${database.status} (cache off)` });
      continue;
    }
    compared++;
    const outcome = cached.headers.get('x-cache') ?? '-';
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (cachedBody !== databaseBody)
      stale.push({ path, x_cache: outcome, cached: cachedBody.slice(0, 300), database: databaseBody.slice(0, 300) });
  }
  return { compared, stale: stale.length, outcomes, examples: stale.slice(0, 5) };
}

/** STAMPEDE_REQUESTS concurrent GETs of one key nobody has read, each on its own connection. */
export async function stampede(context, app, path) {
  const { token } = context;
  const before = { cache: await cacheCounters(app, token), database: await databaseCounters(context.admin, context.databaseName) };
  const outcomes = {};
  const statuses = {};
  const started = performance.now();
  const instance = autocannon({
    url: `${app.baseUrl}${path}`,
    connections: STAMPEDE_REQUESTS,
    amount: STAMPEDE_REQUESTS,
    headers: { authorization: `Bearer ${token}` },
    timeout: 60,
    requests: [
      {
        onResponse(status, _body, _context, headers) {
          statuses[status] = (statuses[status] ?? 0) + 1;
          const outcome = headers['x-cache'] ?? '-';
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        },
      },
    ],
  });
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  const cache = diffCache(before.cache, await cacheCounters(app, token));
  const database = diffDatabase(before.database, await databaseCounters(context.admin, context.databaseName));
  const row = {
    app: app.name,
    path,
    requests: result.requests.total,
    seconds: round(seconds, 3),
    errors: result.errors + result.timeouts,
    statuses,
    x_cache: outcomes,
    loads: cache.loads,
    misses: cache.misses,
    db_transactions: database.transactions,
    cache,
  };
  log(
    `   stampede ${path} on ${app.name}: ${row.requests} answers in ${row.seconds} s, ${row.loads} loads, ${row.db_transactions} DB transactions, X-Cache ${JSON.stringify(outcomes)}`,
  );
  return row;
}

/** Redis memory of the cached restaurant-with-menu entries (MEMORY USAGE of each sampled key). */
export async function redisMemory(session) {
  const entries = await session.redis.memoryUsage('restaurants:restaurant-with-menu:*', REDIS_MEMORY_SAMPLE);
  const all = await session.redis.memoryUsage('*', Number.MAX_SAFE_INTEGER);
  const sum = (values) => values.reduce((total, value) => total + value, 0);
  const sorted = [...entries.bytes].sort((a, b) => a - b);
  const average = entries.sampled > 0 ? sum(entries.bytes) / entries.sampled : null;
  return {
    with_menu_entries: entries.keys,
    sampled: entries.sampled,
    bytes_per_entry: { average: round(average, 0), p50: sorted[Math.floor(sorted.length / 2)] ?? null, max: sorted.at(-1) ?? null },
    mb_per_1000_entries: average === null ? null : round((average * 1000) / 2 ** 20, 2),
    all_keys: all.keys,
    all_keys_mb: round(sum(all.bytes) / 2 ** 20, 2),
  };
}

export async function verifyApps(context, restaurantId) {
  const path = `/restaurants/${restaurantId}/with-menu`;
  const { on, off } = context.apps;
  const first = await get(on, path);
  const second = await get(on, path);
  const uncached = await get(off, path);
  for (const [label, answer] of [
    ['cache on', first],
    ['cache on (again)', second],
    ['cache off', uncached],
  ]) {
    if (answer.status !== 200)
      throw new BenchFailure(`${label}: GET ${path} answered ${answer.status}: ${answer.body.toString().slice(0, 300)}`);
  }
  const xCache = [first, second, uncached].map((answer) => answer.headers.get('x-cache'));
  if (!['HIT-L1', 'HIT-L2'].includes(xCache[1]) || xCache[2] !== 'BYPASS') {
    throw new BenchFailure(`unexpected X-Cache ${xCache.join(' / ')} for ${path} (cache on twice, cache off)`);
  }
  if (!first.body.equals(uncached.body) || !second.body.equals(uncached.body)) {
    throw new BenchFailure(`GET ${path}: the cached and uncached bodies differ`);
  }
  const health = await get(on, '/health');
  if (health.status !== 200) throw new BenchFailure(`GET /health answered ${health.status}`);
  log(`verified: ${path} X-Cache ${xCache.join(' / ')}, byte-identical ${uncached.body.length}-byte bodies`);
}

/**
 * Seeds the session's database at `options`' sizes, starts the apps (`appFlags[side]`: node
 * flags, e.g. --cpu-prof) and reads the workload data. The apps are the suite's two (`cache-on`,
 * `cache-off`, checked against each other) unless `apps` names others ({ side: { name, env,
 * script } }). Returns the context every step takes; `close()` ends its database connections.
 */
export async function prepare(session, options, appFlags = {}, apps = APPS) {
  const url = session.database.url;
  const sizes = { restaurants: options.restaurants, customers: options.customers, orders: options.orders, days: 365, seed: 20_251_122 };
  log(`seeding ${sizes.restaurants} restaurants, ${sizes.customers} customers, ${sizes.orders} orders`);
  const seed = await seedBulk({ url, sizes, log: (message) => log(message) });
  log(`seeded:\n${describeResult(seed)}`);
  session.checkpoint();

  const token = session.adminToken;
  const overrides = appEnvOverrides();
  if (Object.keys(overrides).length > 0) log(`BENCH_APP_ENV: ${JSON.stringify(overrides)} on both apps`);
  const sides = Object.keys(apps);
  const started = await Promise.all(
    sides.map((side) =>
      session.startApp(apps[side].name, { ...apps[side].env, ...overrides }, appFlags[side] ?? [], { script: apps[side].script }),
    ),
  );
  const admin = new pg.Client({ connectionString: session.adminDatabaseUrl });
  const benchDb = new pg.Client({ connectionString: url });
  await Promise.all([admin.connect(), benchDb.connect()]);
  const appsBySide = Object.fromEntries(sides.map((side, index) => [side, started[index]]));
  const context = { session, options, token, admin, benchDb, databaseName: session.database.name, apps: appsBySide, sizes, seed };
  context.close = () => Promise.all([admin.end().catch(() => {}), benchDb.end().catch(() => {})]);
  try {
    context.data = await loadWorkloadData(benchDb);
    context.traffic = new Traffic(context.data, TRAFFIC_SEED);
    if (apps === APPS) await verifyApps(context, context.data.restaurantIds[0]);
  } catch (error) {
    await context.close();
    throw error;
  }
  return context;
}

/**
 * The analytics dashboard with the mixed scenario's writes alongside: WRITE_SHARE of `writes`'
 * writes, the rest dashboard reads (all with the admin token). Every answer to a read in the
 * window is noted for the staleness check: its path, and for the platform-wide figures the
 * oldest Age seen (seconds since the cache computed it).
 */
export function analyticsWithWrites(traffic, writes, today, warmedPaths = []) {
  const served = new Map();
  const platform = { oldest_age_seconds: 0, answers: 0, path: null };
  // A miss of a path never answered before in the run (warming included) is a first read of the
  // long tail; a miss of one answered before means its entry was dropped (or expired) meanwhile:
  // by a write to its restaurant or customer since that read, or otherwise.
  const seen = new Set(warmedPaths);
  const lastRead = new Map();
  const lastWrite = new Map();
  writes.onTouch = (restaurantId, customerId) => {
    const now = performance.now();
    lastWrite.set(`restaurant:${restaurantId}`, now);
    lastWrite.set(`customer:${customerId}`, now);
  };
  const reads = { hits: 0, first_read_misses: 0, repeat_misses: 0, repeat_misses_after_a_write_to_its_entity: 0 };
  return {
    served,
    platform,
    reads,
    pick: () => (traffic.random.next() < WRITE_SHARE ? { ...writes.next(), admin: true } : traffic.analyticsRead(today)),
    onAnswer: (chosen, status, body, headers, counting) => {
      if (chosen.kind) return writes.settle(chosen, status, body);
      const firstRead = !seen.has(chosen.path);
      seen.add(chosen.path);
      const previousRead = lastRead.get(chosen.path);
      lastRead.set(chosen.path, performance.now());
      if (!counting || status !== 200) return;
      const outcome = headers?.['x-cache'];
      if (outcome === 'MISS') {
        reads[firstRead ? 'first_read_misses' : 'repeat_misses']++;
        const written = chosen.entity && lastWrite.get(chosen.entity);
        if (!firstRead && written && (previousRead === undefined || written > previousRead))
          reads.repeat_misses_after_a_write_to_its_entity++;
      } else if (outcome?.startsWith('HIT')) reads.hits++;
      served.delete(chosen.path);
      served.set(chosen.path, chosen.route);
      if (!PLATFORM_ROUTES.has(chosen.route)) return;
      platform.answers++;
      const age = Number(headers?.age ?? 0);
      if (age > platform.oldest_age_seconds) Object.assign(platform, { oldest_age_seconds: age, path: chosen.path });
    },
  };
}

/** The dashboard routes whose figures cover every order (refreshed in the background within the bound). */
export const PLATFORM_ROUTES = new Set(['revenue analytics', 'customer behaviour', 'popular items']);

/**
 * After the writes stopped and the bound has passed, every figure the window served (the most
 * recently served `limit` paths) must equal what the database gives now (the cache-off app).
 */
export async function analyticsFigureCheck(context, served, limit = 400) {
  const { apps, token } = context;
  const headers = { authorization: `Bearer ${token}` };
  const paths = [...served.keys()].slice(-limit);
  const mismatches = [];
  let compared = 0;
  for (const path of paths) {
    context.session.checkpoint();
    const [cached, database] = await Promise.all(
      [apps.on, apps.off].map((app) => fetch(`${app.baseUrl}${path}`, { headers, signal: AbortSignal.timeout(30_000) })),
    );
    const [cachedBody, databaseBody] = await Promise.all([cached.text(), database.text()]);
    compared++;
    if (cached.status !== database.status || cachedBody !== databaseBody) {
      mismatches.push({
        path,
        x_cache: cached.headers.get('x-cache'),
        age: cached.headers.get('age'),
        cached: cachedBody.slice(0, 200),
        database: databaseBody.slice(0, 200),
      });
    }
  }
  return { served: served.size, compared, mismatches: mismatches.length, examples: mismatches.slice(0, 5) };
}

/** Draws the mixed traffic: WRITE_SHARE of `writes`' writes (with the admin token), the rest hot reads. */
export function mixedTraffic(traffic, writes) {
  return {
    pick: () => (traffic.random.next() < WRITE_SHARE ? { ...writes.next(), admin: true } : traffic.hotRead()),
    onAnswer: (chosen, status, body) => chosen.kind && writes.settle(chosen, status, body),
  };
}

/**
 * The requests of one workload of the suite (the `--workload` choices): what to send (`pick`),
 * the bookkeeping of each answer (`onAnswer`), and whether every request carries the admin token.
 * `share` ([index, count]) gives this load its own part of the delivered orders to review, so that
 * loads on one database never review the same order twice.
 */
export function workloadTraffic(traffic, workload, { share = [0, 1] } = {}) {
  const [index, count] = share;
  const mine = (orders) => orders.filter((_order, position) => position % count === index);
  if (workload === 'hot_reads') return { pick: () => traffic.hotRead(), admin: false };
  if (workload === 'analytics') {
    const today = new Date().toISOString().slice(0, 10);
    return { pick: () => traffic.analyticsRead(today), admin: true };
  }
  if (workload === 'mixed') {
    const writes = new WriteState(traffic);
    writes.reviewable = mine(writes.reviewable);
    return { ...mixedTraffic(traffic, writes), admin: false };
  }
  if (workload !== 'writes' && !KINDS.includes(workload)) throw new BenchFailure(`unknown workload "${workload}"`);
  // Status changes move on the orders this run placed: until there are some, they are placements.
  const writes = new WriteState(traffic, { only: KINDS.includes(workload) ? workload : undefined });
  writes.reviewable = mine(traffic.data.reviewsAlone);
  return {
    pick: () => ({ ...writes.next(), admin: true }),
    onAnswer: (chosen, status, body) => writes.settle(chosen, status, body),
    admin: false,
  };
}
