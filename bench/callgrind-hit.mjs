// Instructions per request of an L1 hit, an L2 hit and GET /health, and of bare Fastify sending
// the same answer: each server runs under valgrind's callgrind, which counts the instructions the
// process executes whatever else the machine is doing (req/s and CPU time on a shared machine
// are not). See bench/README.md. Build first (npm run build).
// Usage: node bench/callgrind-hit.mjs [--requests 2000] [--warmup-requests 30000] [--connections 32]
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchFailure } from './lib/failure.mjs';
import { createRestaurantWithMenu } from './lib/fixture.mjs';
import { readCommandLine } from './lib/options.mjs';
import { BARE_FASTIFY, writeRecording } from './lib/peers.mjs';
import { expectXCache, get, SCENARIOS, tierHits, withMenuPath } from './lib/scenarios.mjs';
import { log, runBenchSession } from './lib/session.mjs';

const OPTIONS = ['requests', 'warmup-requests', 'connections', 'scenarios'];
/** One directory per run: runs may go on side by side (the counts do not depend on the machine's load). */
const OUT_DIR = join(import.meta.dirname, 'profiles', 'callgrind', String(process.pid));
/** Starting Nest under valgrind takes minutes on a loaded machine. */
const READY_TIMEOUT_MS = 600_000;
const DUMP_TIMEOUT_MS = 120_000;

/** Counting starts switched off: start-up and the warm-up run without instrumentation (much faster). */
const valgrind = (name) => [
  'valgrind',
  '--tool=callgrind',
  '--instr-atstart=no',
  '--dump-line=no',
  `--callgrind-out-file=${join(OUT_DIR, `${name}.%p.out`)}`,
];

/**
 * Sends a command to callgrind in the server. vgdb finds the server's pipes by a name holding the
 * HOST variable, which the server has (the address it listens on) and the bench may not; it
 * reports a failure on its output, not in its exit code.
 */
function control(pid, ...args) {
  const output = execFileSync('callgrind_control', [...args, String(pid)], {
    stdio: 'pipe',
    timeout: DUMP_TIMEOUT_MS,
    env: { ...process.env, HOST: '127.0.0.1' },
  }).toString();
  if (/error/i.test(output)) throw new BenchFailure(`callgrind_control ${args.join(' ')} ${pid}: ${output}`);
}

/**
 * Exactly `amount` GETs of `path`, `connections` at a time over keep-alive connections; every
 * answer must be 200.
 */
async function send(app, path, amount, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let sent = 0;
  const failures = [];
  const one = () =>
    new Promise((resolve) => {
      const request = http.get(`${app.baseUrl}${path}`, { agent }, (response) => {
        response.resume().on('end', () => resolve(response.statusCode));
      });
      request.on('error', (error) => resolve(error.message));
    });
  const worker = async () => {
    while (sent < amount) {
      sent++;
      const status = await one();
      if (status !== 200) failures.push(status);
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    agent.destroy();
  }
  if (failures.length > 0) {
    throw new BenchFailure(`${app.name} ${path}: ${failures.length} of ${amount} requests failed (first: ${failures[0]})`);
  }
}

/** Instructions counted since the last zeroing or dump: dumps, then reads the newest dump's total. */
async function dumpTotal(app) {
  const before = new Set(readdirSync(OUT_DIR));
  control(app.child.pid, '--dump');
  const deadline = Date.now() + DUMP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const created = readdirSync(OUT_DIR).filter((file) => !before.has(file) && file.includes(`.${app.child.pid}.`));
    for (const file of created) {
      const match = /^(?:summary|totals):\s+(\d+)/m.exec(readFileSync(join(OUT_DIR, file), 'utf8'));
      if (match) return Number(match[1]);
    }
    await sleep(200);
  }
  throw new BenchFailure(`${app.name}: no callgrind dump appeared in ${OUT_DIR}`);
}

/**
 * Instructions per request of `path` on a server running under callgrind: a long warm-up with
 * counting off (the JIT settles), then N requests and 2N requests counted separately; their
 * difference over N is the cost of one request, without what the process does regardless of
 * requests during a window (timers, Redis pings).
 */
async function perRequest(app, path, options, label) {
  log(`${label}: ${options['warmup-requests']} warm-up requests (not counted)`);
  await send(app, path, options['warmup-requests'], options.connections);
  control(app.child.pid, '--instr=on');
  control(app.child.pid, '--zero');
  const n = options.requests;
  await send(app, path, n, options.connections);
  const once = await dumpTotal(app);
  await send(app, path, 2 * n, options.connections);
  const twice = await dumpTotal(app);
  control(app.child.pid, '--instr=off');
  const result = { label, requests: n, instructions_n: once, instructions_2n: twice, per_request: Math.round((twice - once) / n) };
  log(
    `${label}: ${once.toLocaleString('en')} instructions for ${n} requests, ${twice.toLocaleString('en')} for ${2 * n}: ` +
      `${result.per_request.toLocaleString('en')} per request (${Math.round(once / n).toLocaleString('en')} from N alone)`,
  );
  return result;
}

/** Checks that every request of a measurement came from the tier it names (the app's own hit counter). */
async function expectTierHits(app, tier, adminToken, before, expected) {
  const hits = (await tierHits(app, tier, adminToken)) - before;
  if (hits < expected) throw new BenchFailure(`${app.name}: ${hits} ${tier} hits for ${expected} requests`);
}

const SCENARIO_NAMES = ['l1', 'health', 'l1-after-health', 'l2', 'bare'];

async function run(session, options) {
  const wanted = options.scenarios.split(',');
  const unknown = wanted.find((name) => !SCENARIO_NAMES.includes(name));
  if (unknown) throw new BenchFailure(`--scenarios: unknown "${unknown}" (known: ${SCENARIO_NAMES.join(', ')})`);
  mkdirSync(OUT_DIR, { recursive: true });
  const start = (name, env, extra = {}) =>
    session.startApp(name, env, [], { wrapper: valgrind(name), readyTimeoutMs: READY_TIMEOUT_MS, ...extra });
  const results = [];
  // Every request of a measurement (warm-up, N and 2N) must be a hit of its tier.
  const counted = options.requests * 3 + options['warmup-requests'];

  // The first app runs the migrations and creates the data; it answers the L1 hits and /health.
  // Under valgrind the app is slow enough for its Redis calls to overrun their bounds: the
  // invalidation bus then counts as down and L1 is not trusted. CALLGRIND_WITHOUT_REDIS=1 runs the
  // app that answers the L1 hits and /health without Redis (rate limits counted in the process).
  if (process.env.CALLGRIND_WITHOUT_REDIS === '1') delete session.env.REDIS_URL;
  // Started under valgrind only when counted; otherwise it just creates the data and records the answer.
  const l1 = wanted.some((name) => name.startsWith('l1') || name === 'health')
    ? await start(SCENARIOS.l1.app, SCENARIOS.l1.env)
    : await session.startApp(SCENARIOS.l1.app, SCENARIOS.l1.env);
  const { restaurantId } = await createRestaurantWithMenu(l1.baseUrl, session.adminToken);
  const path = withMenuPath(restaurantId);
  const recorded = await expectXCache(l1, path, 'HIT-L1', session.checkpoint, 60_000);
  if (wanted.includes('l1')) {
    const before = await tierHits(l1, 'l1', session.adminToken);
    results.push(await perRequest(l1, path, options, 'L1 hit'));
    await expectTierHits(l1, 'l1', session.adminToken, before, counted);
  }
  if (wanted.includes('health')) results.push(await perRequest(l1, SCENARIOS.constant.path, options, 'GET /health'));
  // The bench's L1 scenario shares its process with /health, their windows taking turns.
  if (wanted.includes('l1-after-health')) results.push(await perRequest(l1, path, options, 'L1 hit, after /health'));
  await l1.stop();

  if (wanted.includes('l2')) {
    const l2 = await start(SCENARIOS.l2.app, SCENARIOS.l2.env);
    await expectXCache(l2, path, 'HIT-L2', session.checkpoint, 60_000);
    const before = await tierHits(l2, 'l2', session.adminToken);
    results.push(await perRequest(l2, path, options, 'L2 hit'));
    await expectTierHits(l2, 'l2', session.adminToken, before, counted);
    await l2.stop();
  }

  if (wanted.includes('bare')) {
    const recording = writeRecording({
      route: '/restaurants/:id/with-menu',
      status: recorded.status,
      headers: recorded.headers,
      body: recorded.body,
    });
    const bare = await start(SCENARIOS.bare.app, { PEER_RECORDING: recording }, { script: BARE_FASTIFY, readyPath: '/ready' });
    const bareAnswer = await get(bare, path);
    if (!bareAnswer.body.equals(recorded.body)) throw new BenchFailure('the bare peer does not send the recorded body');
    results.push(await perRequest(bare, path, options, 'bare Fastify'));
    await bare.stop();
  }

  const bareCost = results.find((result) => result.label === 'bare Fastify')?.per_request;
  console.log('\n| Scenario | instructions per request | bare Fastify / scenario |\n|---|---:|---:|');
  for (const result of results) {
    const ratio = bareCost ? `${(bareCost / result.per_request).toFixed(2)}x` : '-';
    console.log(`| ${result.label} | ${result.per_request.toLocaleString('en')} | ${ratio} |`);
  }
  console.log(
    `\n${options.requests} and ${2 * options.requests} requests counted after ${options['warmup-requests']} warm-up requests, ` +
      `${options.connections} connections.`,
  );
}

const options = readCommandLine(
  'bench/callgrind-hit.mjs',
  OPTIONS,
  'Build first (npm run build). Dumps go to bench/profiles/callgrind/ (not committed).',
);
process.exit(await runBenchSession((session) => run(session, options)));
