// Two builds under one workload of the suite, on the same data, in alternated windows: the
// comparison for a change whose effect is smaller than the spread between two runs of the suite
// (the mixed window's req/s moved by a quarter between two full runs of one build). See
// bench/README.md.
// Usage: node bench/ab-scenario.mjs --a <checkout> [--b <checkout>] [--workload mixed] [--scale small] [--pairs 6] [--duration 5]
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './lib/app-process.mjs';
import { BenchFailure } from './lib/failure.mjs';
import { measure } from './lib/load.mjs';
import { readCommandLine } from './lib/options.mjs';
import { median } from './lib/report.mjs';
import { deleteKeysUnder } from './lib/services.mjs';
import { log, runBenchSession } from './lib/session.mjs';
import { applyScale, prepare, warm, workloadTraffic } from './lib/suite.mjs';
import { requestsFor } from './lib/workload.mjs';

const OPTIONS = ['a', 'b', 'workload', 'pairs', 'scale', 'restaurants', 'customers', 'orders', 'duration', 'warmup', 'connections'];
const SIDES = ['a', 'b'];
/** Warm-up of a build's later windows: it sat idle while the other was loaded. */
const REWARM_SECONDS = 1;

function buildsOf(options) {
  if (!options.a) throw new BenchFailure('--a <checkout> is required: the build to compare this one (or --b) with');
  return Object.fromEntries(
    SIDES.map((side) => {
      const checkout = resolve(options[side] ?? REPO_ROOT);
      const script = join(checkout, 'dist', 'main.js');
      if (!existsSync(script)) throw new BenchFailure(`${script} does not exist: run npm run build in ${checkout}`);
      return [side, { checkout, script }];
    }),
  );
}

async function compare(session, options) {
  const builds = buildsOf(options);
  // Each build keeps its own keys: two versions need not agree on what is under a prefix.
  const prefixes = Object.fromEntries(SIDES.map((side) => [side, `${session.redis.prefix}-${side}`]));
  const apps = Object.fromEntries(
    SIDES.map((side) => [
      side,
      { name: `build-${side}`, env: { CACHE_ENABLED: 'true', CACHE_PREFIX: prefixes[side] }, script: builds[side].script },
    ]),
  );
  for (const side of SIDES) log(`build ${side.toUpperCase()}: ${builds[side].checkout}`);
  const context = await prepare(session, options, {}, apps);
  try {
    const { traffic } = context;
    // Each build writes its own orders and reviews its own part of the delivered ones.
    const loads = Object.fromEntries(
      SIDES.map((side, index) => [side, workloadTraffic(traffic, options.workload, { share: [index, SIDES.length] })]),
    );
    if (options.workload !== 'analytics') {
      for (const side of SIDES) await warm(context, context.apps[side], traffic.hotReadPaths());
    }
    const windows = { a: [], b: [] };
    for (let pair = 0; pair < options.pairs; pair++) {
      for (const side of pair % 2 === 0 ? SIDES : [...SIDES].reverse()) {
        session.checkpoint();
        const app = context.apps[side];
        const { pick, onAnswer, admin } = loads[side];
        const result = await measure(`${app.baseUrl}/`, app.child.pid, {
          connections: options.connections,
          warmup: pair === 0 ? options.warmup : REWARM_SECONDS,
          duration: options.duration,
          redisPid: session.redisPid,
          requests: requestsFor(pick, { token: context.token, everyRequest: admin, onAnswer }),
        });
        windows[side].push(result);
        log(
          `pair ${pair + 1} ${side.toUpperCase()}: ${Math.round(result.requests_per_second)} req/s, ` +
            `${result.server_cpu_us_per_request.toFixed(1)} us of server CPU per request ` +
            `(${result.server_system_cpu_us_per_request.toFixed(1)} in the kernel; ${result.server_write_calls_per_request.toFixed(2)} write and ` +
            `${result.server_read_calls_per_request.toFixed(2)} read calls), p50 ${result.latency_ms.p50.toFixed(2)} ms, ` +
            `${result.errors + result.timeouts} errors, ${result.non2xx} non-2xx; cores: server ${result.cpu_cores.server}, ` +
            `Postgres ${result.cpu_cores.postgres}, load generator ${result.cpu_cores.load_generator}`,
        );
      }
    }
    report(options, builds, windows);
  } finally {
    await context.close();
    for (const side of SIDES) await deleteKeysUnder(session.redisUrl, prefixes[side]);
  }
}

function report(options, builds, windows) {
  const cpu = (side) => windows[side].map((window) => window.server_cpu_us_per_request);
  const rate = (side) => windows[side].map((window) => window.requests_per_second);
  const lower = cpu('b').filter((value, pair) => value < cpu('a')[pair]).length;
  const faster = rate('b').filter((value, pair) => value > rate('a')[pair]).length;
  const differences = cpu('a').map((value, pair) => value - cpu('b')[pair]);
  const failed = SIDES.filter((side) => windows[side].some((window) => window.errors + window.timeouts + window.non2xx > 0));
  console.log(
    [
      '',
      `${options.workload}, ${options.pairs} alternated pairs of ${options.duration} s windows, ${options.connections} connections:`,
      `  A ${builds.a.checkout}: median ${median(cpu('a')).toFixed(1)} us of server CPU per request, ${Math.round(median(rate('a')))} req/s`,
      `  B ${builds.b.checkout}: median ${median(cpu('b')).toFixed(1)} us of server CPU per request, ${Math.round(median(rate('b')))} req/s`,
      `  B used less CPU per request in ${lower} of ${options.pairs} pairs (median difference A - B ${median(differences).toFixed(1)} us) ` +
        `and served more req/s in ${faster} of ${options.pairs}`,
      ...(failed.length > 0
        ? [`  warning: build ${failed.join(' and ').toUpperCase()} answered errors or non-2xx: compare with care`]
        : []),
      '',
    ].join('\n'),
  );
}

const argv = process.argv.slice(2);
const options = readCommandLine(
  'bench/ab-scenario.mjs',
  OPTIONS,
  'Each build answers from its own Redis prefix; both use one scratch database, and each writes its own orders.',
);
applyScale(argv, options);
process.exit(await runBenchSession((session) => compare(session, options)));
