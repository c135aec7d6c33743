// Throughput and latency of one cached GET served from L1, from L2 and uncached, and of the
// app's constant route, against two peers measured in the same run: bare Fastify sending the same
// bytes and headers, and the usual Nest recipe (CacheInterceptor over a @keyv/redis store). See
// bench/README.md. Run with `npm run bench:cache`.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { BenchFailure } from './lib/failure.mjs';
import { createRestaurantWithMenu } from './lib/fixture.mjs';
import { combineWindows, measure } from './lib/load.mjs';
import { appEnvOverrides, readCommandLine } from './lib/options.mjs';
import { BARE_FASTIFY, buildNestRecipe, seedRecipeTable, writeRecording } from './lib/peers.mjs';
import { describeMachine, markdownReport, writeAtomically } from './lib/report.mjs';
import { assertXCache, expectXCache, get, SCENARIOS, tierHits, withMenuPath } from './lib/scenarios.mjs';
import { log, runBenchSession } from './lib/session.mjs';

const RESULTS = join(import.meta.dirname, 'results');
const OPTIONS = ['duration', 'warmup', 'connections', 'rounds'];
/** Warm-up of the later slices of a scenario: its server sat idle while the others were loaded. */
const REWARM_SECONDS = 1;
/** Share of a cached scenario's answers that must come from its tier (the rest: a miss reloaded it). */
const MIN_TIER_SHARE = 0.99;
const INTENDED_BODY_BYTES = { min: 2000, max: 3500 };
/** Scenarios whose server talks to Postgres or Redis: "rest of machine" includes them there. */
const SCENARIOS_WITH_SERVICES = new Set([SCENARIOS.l2.id, SCENARIOS.off.id, SCENARIOS.recipe.id]);
/** CPU (in cores) taken by other processes during a window beyond which the run is flagged. */
const CONTENDED_CORES = 0.25;
/** Headers that differ per request or that Node writes itself: not compared between Tiffin and the bare peer. */
const PER_REQUEST_HEADERS = new Set(['date', 'age', 'x-request-id', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/**
 * The ratios the performance issue names, each `of` / `to` by requests per second (the goal is
 * judged on it) and by server CPU per request (to's / of's: higher is cheaper), which other work
 * on the machine skews less.
 */
const RATIOS = [
  { id: 'l1_vs_bare', label: 'L1 hit / bare Fastify', of: 'l1', to: 'bare', threshold: 0.8 },
  { id: 'l1_vs_recipe', label: "L1 hit / the Nest recipe's cached route", of: 'l1', to: 'recipe', threshold: 2.5 },
  { id: 'l2_vs_bare', label: 'L2 hit / bare Fastify', of: 'l2', to: 'bare', threshold: 0.6 },
  { id: 'health_vs_bare', label: 'GET /health / bare Fastify', of: 'constant', to: 'bare', threshold: 0.8 },
  { id: 'health_vs_recipe_constant', label: "GET /health / the Nest recipe's constant route", of: 'constant', to: 'recipeConstant' },
  { id: 'l1_vs_health', label: 'L1 hit / GET /health', of: 'l1', to: 'constant' },
  { id: 'recipe_vs_bare', label: "The Nest recipe's cached route / bare Fastify", of: 'recipe', to: 'bare' },
];

function verifyBodies(answers, menuItems) {
  const [reference, ...others] = answers;
  for (const other of others) {
    if (!other.body.equals(reference.body)) {
      throw new BenchFailure(
        `The bodies differ: ${reference.label} sent ${reference.body.length} bytes, ${other.label} ${other.body.length} bytes.\n` +
          `  ${reference.label}: ${reference.body.toString().slice(0, 300)}\n  ${other.label}: ${other.body.toString().slice(0, 300)}`,
      );
    }
  }
  for (const answer of answers) {
    const type = answer.headers.get('content-type') ?? '';
    if (!type.startsWith('application/json')) throw new BenchFailure(`${answer.label} sent Content-Type "${type}", expected JSON`);
  }
  const parsed = JSON.parse(reference.body.toString());
  if (!Array.isArray(parsed.menu_items) || parsed.menu_items.length !== menuItems) {
    throw new BenchFailure(`The response lists ${parsed.menu_items?.length ?? 'no'} menu items, expected ${menuItems}`);
  }
  const bytes = reference.body.length;
  if (bytes < INTENDED_BODY_BYTES.min || bytes > INTENDED_BODY_BYTES.max) {
    log(`warning: the body is ${bytes} bytes, outside the ${INTENDED_BODY_BYTES.min}-${INTENDED_BODY_BYTES.max} bytes intended`);
  }
  return bytes;
}

/** The bare peer must send what Tiffin sends: the same header names and, but for per-request ones, values. */
function verifySameHeaders(tiffin, bare) {
  const named = (answer) => new Map([...answer.headers].filter(([name]) => !PER_REQUEST_HEADERS.has(name)));
  const [ours, theirs] = [named(tiffin), named(bare)];
  const differing = [...new Set([...ours.keys(), ...theirs.keys()])].filter((name) => ours.get(name) !== theirs.get(name));
  if (differing.length > 0) throw new BenchFailure(`The bare peer's headers differ from Tiffin's: ${differing.join(', ')}`);
  for (const name of ['x-request-id']) {
    if (!tiffin.headers.has(name) || !bare.headers.has(name)) throw new BenchFailure(`${name} missing from an answer`);
  }
}

/** GETs the recipe's route until its CacheInterceptor has stored the answer in Redis; returns a hit. */
async function expectRecipeCached(session, app, path) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    session.checkpoint();
    const answer = await get(app, path);
    if (answer.status !== 200)
      throw new BenchFailure(`${app.name}: GET ${path} answered ${answer.status}: ${answer.body.toString().slice(0, 300)}`);
    const { keys } = await session.redis.memoryUsage('recipe*', 1);
    if (keys > 0) return get(app, path);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new BenchFailure(
    `${app.name}: no Redis key under ${session.redis.prefix}:recipe after 10 s of GET ${path}\n${app.describeOutput()}`,
  );
}

async function recipeKeyCount(session) {
  return (await session.redis.memoryUsage('recipe*', 1)).keys;
}

/** One slice of a scenario's window; `first` slices get the full warm-up. */
async function runSlice(session, { scenario, app, path }, options, round) {
  session.checkpoint();
  const seconds = options.duration / options.rounds;
  const warmup = round === 0 ? options.warmup : Math.min(options.warmup, REWARM_SECONDS);
  // A cached scenario counts its tier's hits over the window (the app's own counter): on a loaded
  // machine Redis can answer late enough for the invalidation bus to drop L1 for a moment.
  const counted = scenario.tier ? () => tierHits(app, scenario.tier, session.adminToken) : async () => 0;
  let hitsBefore = 0;
  const result = await measure(`${app.baseUrl}${path}`, app.child.pid, {
    ...options,
    warmup,
    duration: seconds,
    keepTimes: true,
    beforeWindow: async () => (hitsBefore = await counted()),
  });
  const hits = (await counted()) - hitsBefore;
  session.checkpoint();
  if (scenario.tier) {
    result.tier_hits = hits;
    if (hits < result.requests * MIN_TIER_SHARE) {
      throw new BenchFailure(`${app.name}: ${hits} ${scenario.tier} hits for ${result.requests} requests in a window of ${scenario.title}`);
    }
  } else if (scenario.xCache) {
    // The window must not have changed where the answer comes from.
    await assertXCache(app, path, scenario.xCache);
  }
  const cpu = result.cpu_cores;
  log(
    `   round ${round + 1}, ${scenario.id}. ${app.name} ${path}: ${Math.round(result.requests_per_second)} req/s` +
      (cpu
        ? `, server ${cpu.server} cores, ${result.server_cpu_us_per_request.toFixed(1)} us per request, rest of machine ${cpu.rest_of_machine}`
        : ''),
  );
  return result;
}

/**
 * Every scenario's window, split into `rounds` slices that take turns (1, 2, ..., 1, 2, ...), so
 * that other work on a shared machine, which comes and goes, falls on all of them alike; each
 * scenario's result is its slices added up.
 */
async function runScenarios(session, runs, options) {
  const slices = runs.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (const [index, run] of runs.entries()) slices[index].push(await runSlice(session, run, options, round));
  }
  return runs.map(({ scenario, app, path }, index) => {
    const { times: _times, ...combined } = combineWindows(slices[index]);
    if (scenario.tier) combined.tier_hits = slices[index].reduce((sum, slice) => sum + slice.tier_hits, 0);
    const cpu = combined.cpu_cores;
    log(
      `${scenario.id}. ${scenario.title}: ${Math.round(combined.requests_per_second)} req/s, p50 ${combined.latency_ms.p50.toFixed(2)} ms, ` +
        `p99 ${combined.latency_ms.p99.toFixed(2)} ms, ${combined.errors} errors, ${combined.non2xx} non-2xx` +
        (cpu
          ? `; CPU cores: server ${cpu.server}, load generator ${cpu.load_generator}, rest ${cpu.rest_of_machine}; ${combined.server_cpu_us_per_request.toFixed(1)} us of server CPU per request`
          : ''),
    );
    return {
      key: Object.keys(SCENARIOS).find((key) => SCENARIOS[key] === scenario),
      id: scenario.id,
      title: scenario.title,
      app: app.name,
      path,
      x_cache: scenario.xCache,
      ...combined,
    };
  });
}

function ratiosOf(results) {
  const byKey = Object.fromEntries(results.map((result) => [result.key, result]));
  return RATIOS.map(({ id, label, of, to, threshold }) => {
    const [a, b] = [byKey[of], byKey[to]];
    const ratio = a.requests_per_second / b.requests_per_second;
    const cpuRatio = b.server_cpu_us_per_request / a.server_cpu_us_per_request;
    return {
      id,
      label,
      of: a.id,
      to: b.id,
      ratio,
      cpu_ratio: Number.isFinite(cpuRatio) ? cpuRatio : null,
      ...(threshold === undefined ? {} : { threshold, met: ratio >= threshold }),
    };
  });
}

async function bench(session, options) {
  const startedAt = performance.now();
  const machine = describeMachine();
  if (machine.load_average_at_start[0] > 0.5) {
    log(`warning: load average ${machine.load_average_at_start[0]} at start: other work on this machine skews the numbers`);
  }
  const recipeScript = await buildNestRecipe();

  const overrides = appEnvOverrides();
  if (Object.keys(overrides).length > 0) log(`BENCH_APP_ENV: ${JSON.stringify(overrides)} on Tiffin's apps`);
  // The first app runs the migrations; the data goes in through it before the others start.
  const cacheL1 = await session.startApp(SCENARIOS.l1.app, { ...SCENARIOS.l1.env, ...overrides });
  const { restaurantId, menuItems } = await createRestaurantWithMenu(cacheL1.baseUrl, session.adminToken);
  const path = withMenuPath(restaurantId);
  log(`created restaurant ${restaurantId} with ${menuItems} menu items`);
  const [cacheL2, cacheOff] = await Promise.all([
    session.startApp(SCENARIOS.l2.app, { ...SCENARIOS.l2.env, ...overrides }),
    session.startApp(SCENARIOS.off.app, { ...SCENARIOS.off.env, ...overrides }),
  ]);

  const answers = [];
  for (const [label, app, scenario] of [
    ['L1 hit', cacheL1, SCENARIOS.l1],
    ['L2 hit', cacheL2, SCENARIOS.l2],
    ['cache off', cacheOff, SCENARIOS.off],
  ]) {
    answers.push({ label, ...(await expectXCache(app, path, scenario.xCache, session.checkpoint)) });
  }

  // The peers answer what the L1 hit answered: the bare one its recorded bytes and headers, the
  // recipe the same JSON from its own table in the scratch database.
  const recorded = answers[0];
  const recording = writeRecording({
    route: '/restaurants/:id/with-menu',
    status: recorded.status,
    headers: recorded.headers,
    body: recorded.body,
  });
  const client = new pg.Client({ connectionString: session.database.url });
  await client.connect();
  try {
    await seedRecipeTable(client, restaurantId, recorded.body.toString());
  } finally {
    await client.end();
  }
  const [bare, recipe] = await Promise.all([
    session.startApp(SCENARIOS.bare.app, { PEER_RECORDING: recording }, [], { script: BARE_FASTIFY, readyPath: '/ready' }),
    session.startApp(SCENARIOS.recipe.app, { RECIPE_NAMESPACE: `${session.redis.prefix}:recipe` }, [], {
      script: recipeScript,
      readyPath: '/health',
    }),
  ]);
  const bareAnswer = { label: 'bare Fastify', ...(await get(bare, path)) };
  verifySameHeaders(recorded, bareAnswer);
  answers.push(bareAnswer, { label: 'Nest recipe', ...(await expectRecipeCached(session, recipe, path)) });
  const bodyBytes = verifyBodies(answers, menuItems);
  for (const [app, route] of [
    [cacheL1, SCENARIOS.constant.path],
    [recipe, SCENARIOS.recipeConstant.path],
  ]) {
    const answer = await get(app, route);
    if (answer.status !== 200) throw new BenchFailure(`${app.name}: GET ${route} answered ${answer.status}`);
  }
  log(
    `verified: X-Cache HIT-L1 / HIT-L2 / BYPASS, the recipe's answer in Redis, the bare peer's headers, byte-identical ${bodyBytes}-byte bodies`,
  );

  // One server under load at a time; all stay up until every slice is done.
  const recipeKeys = await recipeKeyCount(session);
  log(
    `${options.rounds} rounds of ${(options.duration / options.rounds).toFixed(1)} s per scenario (warm-up ${options.warmup} s, then ${Math.min(options.warmup, REWARM_SECONDS)} s)`,
  );
  const results = await runScenarios(
    session,
    [
      { scenario: SCENARIOS.bare, app: bare, path },
      { scenario: SCENARIOS.constant, app: cacheL1, path: SCENARIOS.constant.path },
      { scenario: SCENARIOS.l1, app: cacheL1, path },
      { scenario: SCENARIOS.l2, app: cacheL2, path },
      { scenario: SCENARIOS.recipe, app: recipe, path },
      { scenario: SCENARIOS.recipeConstant, app: recipe, path: SCENARIOS.recipeConstant.path },
      { scenario: SCENARIOS.off, app: cacheOff, path },
    ],
    options,
  );
  // Every answer of the recipe's windows was a hit: its one entry was there before and after.
  if (recipeKeys !== 1 || (await recipeKeyCount(session)) !== 1)
    throw new BenchFailure("the recipe's cache entry changed during its windows");
  await Promise.all([bare, cacheL1, cacheL2, recipe, cacheOff].map((app) => app.stop()));

  results.sort((a, b) => a.id - b.id);
  const bareRps = results.find((result) => result.key === 'bare').requests_per_second;
  const constantRps = results.find((result) => result.key === 'constant').requests_per_second;
  for (const result of results) {
    result.ratio_to_bare = result.requests_per_second / bareRps;
    result.ratio_to_constant = result.requests_per_second / constantRps;
  }
  const ratios = ratiosOf(results);
  const warnings = [
    ...results
      .filter((result) => result.errors > 0 || result.non2xx > 0)
      .map((result) => `scenario ${result.id} had ${result.errors} errors and ${result.non2xx} non-2xx responses`),
    // The other scenarios use neither Postgres nor Redis: CPU used by anything else competed with them.
    ...results
      .filter((result) => !SCENARIOS_WITH_SERVICES.has(result.id) && result.cpu_cores?.rest_of_machine > CONTENDED_CORES)
      .map(
        (result) =>
          `other work used ${result.cpu_cores.rest_of_machine} cores during scenario ${result.id}: its numbers are skewed, run again on a quiet machine`,
      ),
  ];

  const report = {
    generated_at: new Date().toISOString(),
    machine: { ...machine, load_average_at_end: loadavg().map((value) => Math.round(value * 100) / 100) },
    settings: {
      connections: options.connections,
      warmup_seconds: options.warmup,
      duration_seconds: options.duration,
      rounds: options.rounds,
      pipelining: 1,
      load_generator: 'autocannon, in the bench process',
      server: 'node dist/main.js, NODE_ENV=production, LOG_LEVEL=log (stdout to a file); peers: bench/peers/',
      app_env_overrides: overrides,
    },
    route: '/restaurants/{id}/with-menu',
    body_bytes: bodyBytes,
    menu_items: menuItems,
    scenarios: results,
    ratios,
    warnings,
    run_seconds: (performance.now() - startedAt) / 1000,
  };
  const markdown = markdownReport(report);
  writeAtomically(join(RESULTS, 'cache-bench.md'), markdown);
  writeAtomically(join(RESULTS, 'cache-bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${markdown}`);
  for (const warning of warnings) log(`warning: ${warning}`);
  log('results written to bench/results/cache-bench.md and bench/results/cache-bench.json');
}

async function main() {
  const options = readCommandLine('bench/cache-bench.mjs', OPTIONS, 'Environment: BENCH_DATABASE_URL (an admin URL), BENCH_REDIS_URL.');
  return runBenchSession((session) => bench(session, options));
}

process.exit(await main());
