// Throughput and latency of one cached GET served from L1, from L2 and uncached, against a
// constant route of the same app. See bench/README.md. Run with `npm run bench:cache`.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchFailure } from './lib/failure.mjs';
import { createRestaurantWithMenu } from './lib/fixture.mjs';
import { measure } from './lib/load.mjs';
import { readCommandLine } from './lib/options.mjs';
import { describeMachine, markdownReport, writeAtomically } from './lib/report.mjs';
import { assertXCache, expectXCache, get, SCENARIOS, withMenuPath } from './lib/scenarios.mjs';
import { log, runBenchSession } from './lib/session.mjs';

const RESULTS = join(import.meta.dirname, 'results');
const OPTIONS = ['duration', 'warmup', 'connections'];
const GOAL_RATIO = 0.8;
const INTENDED_BODY_BYTES = { min: 2000, max: 3500 };
const SCENARIOS_WITH_SERVICES = new Set([SCENARIOS.l2.id, SCENARIOS.off.id]);
/** CPU (in cores) taken by other processes during a window beyond which the run is flagged. */
const CONTENDED_CORES = 0.25;

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

async function runScenario(session, scenario, app, path, options) {
  session.checkpoint();
  log(`${scenario.id}. ${scenario.title}: ${options.warmup} s warm-up + ${options.duration} s on ${app.name} ${path}`);
  const result = await measure(`${app.baseUrl}${path}`, app.child.pid, options);
  session.checkpoint();
  // The window must not have changed where the answer comes from (expiry, refresh, Redis lost).
  if (scenario.xCache) await assertXCache(app, path, scenario.xCache);
  const cpu = result.cpu_cores;
  log(
    `   ${Math.round(result.requests_per_second)} req/s, p50 ${result.latency_ms.p50.toFixed(2)} ms, ` +
      `p99 ${result.latency_ms.p99.toFixed(2)} ms, ${result.errors} errors, ${result.non2xx} non-2xx` +
      (cpu ? `; CPU cores: server ${cpu.server}, load generator ${cpu.load_generator}, rest ${cpu.rest_of_machine}` : ''),
  );
  return { id: scenario.id, title: scenario.title, app: app.name, path, x_cache: scenario.xCache, ...result };
}

async function bench(session, options) {
  const startedAt = performance.now();
  const machine = describeMachine();
  if (machine.load_average_at_start[0] > 0.5) {
    log(`warning: load average ${machine.load_average_at_start[0]} at start: other work on this machine skews the numbers`);
  }

  // The first app runs the migrations; the data goes in through it before the others start.
  const cacheL1 = await session.startApp(SCENARIOS.l1.app, SCENARIOS.l1.env);
  const { restaurantId, menuItems } = await createRestaurantWithMenu(cacheL1.baseUrl, session.adminToken);
  const path = withMenuPath(restaurantId);
  log(`created restaurant ${restaurantId} with ${menuItems} menu items`);
  const [cacheL2, cacheOff] = await Promise.all([
    session.startApp(SCENARIOS.l2.app, SCENARIOS.l2.env),
    session.startApp(SCENARIOS.off.app, SCENARIOS.off.env),
  ]);

  const answers = [];
  for (const [label, app, scenario] of [
    ['L1 hit', cacheL1, SCENARIOS.l1],
    ['L2 hit', cacheL2, SCENARIOS.l2],
    ['cache off', cacheOff, SCENARIOS.off],
  ]) {
    answers.push({ label, ...(await expectXCache(app, path, scenario.xCache, session.checkpoint)) });
  }
  const bodyBytes = verifyBodies(answers, menuItems);
  const health = await get(cacheL1, SCENARIOS.constant.path);
  if (health.status !== 200) throw new BenchFailure(`GET /health answered ${health.status}`);
  log(`verified: X-Cache HIT-L1 / HIT-L2 / BYPASS and byte-identical ${bodyBytes}-byte bodies`);

  // One server under load at a time, each stopped once its scenarios are done. The constant
  // route and the L1 hit run back to back on one process, so their ratio is like for like.
  const results = [
    await runScenario(session, SCENARIOS.constant, cacheL1, SCENARIOS.constant.path, options),
    await runScenario(session, SCENARIOS.l1, cacheL1, path, options),
  ];
  await cacheL1.stop();
  results.push(await runScenario(session, SCENARIOS.l2, cacheL2, path, options));
  await cacheL2.stop();
  results.push(await runScenario(session, SCENARIOS.off, cacheOff, path, options));
  await cacheOff.stop();

  results.sort((a, b) => a.id - b.id);
  const constantRps = results.find((result) => result.id === SCENARIOS.constant.id).requests_per_second;
  for (const result of results) result.ratio_to_constant = result.requests_per_second / constantRps;
  const l1 = results.find((result) => result.id === SCENARIOS.l1.id);
  const constant = results.find((result) => result.id === SCENARIOS.constant.id);
  const l1Ratio = l1.ratio_to_constant;
  const warnings = [
    ...results
      .filter((result) => result.errors > 0 || result.non2xx > 0)
      .map((result) => `scenario ${result.id} had ${result.errors} errors and ${result.non2xx} non-2xx responses`),
    // Scenarios 1 and 4 use neither Postgres nor Redis: CPU used by anything else competed with them.
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
      pipelining: 1,
      load_generator: 'autocannon, in the bench process',
      server: 'node dist/main.js, NODE_ENV=production, LOG_LEVEL=warn',
    },
    route: '/restaurants/{id}/with-menu',
    body_bytes: bodyBytes,
    menu_items: menuItems,
    scenarios: results,
    goal: {
      description: 'a cached GET (L1) at this ratio of the constant route or more',
      threshold: GOAL_RATIO,
      ratio: l1Ratio,
      met: l1Ratio >= GOAL_RATIO,
      // The same comparison by the server's CPU per request, which other work on the machine skews less.
      cpu_ratio: constant.server_cpu_us_per_request / l1.server_cpu_us_per_request,
    },
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
  const startedAt = performance.now();
  const code = await runBenchSession((session) => bench(session, options));
  log(`${code === 0 ? 'done' : 'stopped'} after ${Math.round((performance.now() - startedAt) / 1000)} s`);
  return code;
}

process.exit(await main());
