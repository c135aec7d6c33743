// GET /health latency while sign-ins at the production bcrypt cost are in flight.
// `npm run build && node bench/signin-latency.mjs --label after` (loopback only, bounded in count
// and time). `--app-dir <dir>` measures another build of the app (e.g. an earlier commit's dist/).
// Writes bench/results/signin-latency-<label>.json and .md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createBenchDatabase, serviceUrls } from './lib/services.mjs';

const { values } = parseArgs({
  options: {
    label: { type: 'string', default: 'after' },
    'app-dir': { type: 'string', default: join(import.meta.dirname, '..') },
    rounds: { type: 'string', default: '12' },
    'in-flight': { type: 'string', default: '50' },
    'sign-ins': { type: 'string', default: '150' },
    'probe-interval-ms': { type: 'string', default: '10' },
  },
});
const ROUNDS = Number(values.rounds);
const IN_FLIGHT = Number(values['in-flight']);
const SIGN_INS = Number(values['sign-ins']);
const PROBE_INTERVAL_MS = Number(values['probe-interval-ms']);
/** Hard bounds: the whole run never takes longer, whatever the machine does. */
const DEADLINE_MS = 240_000;
const IDLE_PROBES = 200;
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const PASSWORD = 'a long enough password';
const log = (message) => console.error(`[signin-latency] ${message}`);

async function freePort() {
  const server = createServer();
  await new Promise((done, fail) => server.once('error', fail).listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (ms) => Math.round(ms * 100) / 100;
  return {
    count: sorted.length,
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted.at(-1)),
  };
}

async function timed(url, init) {
  const started = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status };
}

async function main() {
  const appDir = resolve(values['app-dir']);
  const { adminDatabaseUrl } = serviceUrls();
  const database = await createBenchDatabase(adminDatabaseUrl);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(appDir, 'dist', 'main.js')], {
    cwd: appDir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: database.url,
      JWT_SECRET: randomBytes(32).toString('hex'),
      ADMIN_TOKEN,
      JOBS_ENABLED: 'false',
      SWAGGER_ENABLED: 'false',
      AUTH_BCRYPT_ROUNDS: String(ROUNDS),
      // Every attempt comes from one address for one account: the limits are not what is measured.
      RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE: '1000000',
      ANONYMOUS_RATE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    const readyBy = Date.now() + 60_000;
    while (
      (await fetch(`${base}/health`)
        .then((r) => r.status)
        .catch(() => 0)) !== 200
    ) {
      if (Date.now() > readyBy || child.exitCode !== null) throw new Error('the app did not start');
      await sleep(200);
    }
    const email = 'signin-latency@example.com';
    const created = await fetch(`${base}/admin/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ email, password: PASSWORD, role: 'restaurant_owner' }),
    });
    if (created.status !== 201) throw new Error(`creating the account answered ${created.status}`);

    const idle = [];
    for (let probe = 0; probe < IDLE_PROBES; probe++) idle.push((await timed(`${base}/health`)).ms);

    const deadline = Date.now() + DEADLINE_MS;
    let started = 0;
    let finished = 0;
    const signInStatuses = {};
    const signInMs = [];
    const signIn = async () => {
      while (started < SIGN_INS && Date.now() < deadline) {
        started++;
        const { ms, status } = await timed(`${base}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD }),
        });
        signInStatuses[status] = (signInStatuses[status] ?? 0) + 1;
        signInMs.push(ms);
        finished++;
      }
    };
    const loadStarted = performance.now();
    const workers = Array.from({ length: IN_FLIGHT }, signIn);
    const loaded = [];
    // Probes count only while all IN_FLIGHT sign-ins are still running (before the last ones drain).
    while (started < SIGN_INS && Date.now() < deadline) {
      loaded.push((await timed(`${base}/health`)).ms);
      await sleep(PROBE_INTERVAL_MS);
    }
    await Promise.all(workers);
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const report = {
      label: values.label,
      generated_at: new Date().toISOString(),
      app_dir: appDir === resolve(join(import.meta.dirname, '..')) ? '.' : appDir,
      machine: { cpus: cpus().length, load_average_at_end: loadavg().map((load) => Math.round(load * 100) / 100), node: process.version },
      settings: { bcrypt_rounds: ROUNDS, in_flight: IN_FLIGHT, sign_ins: SIGN_INS, probe_interval_ms: PROBE_INTERVAL_MS },
      health_idle: summary(idle),
      health_during_sign_ins: summary(loaded),
      sign_ins: {
        finished,
        statuses: signInStatuses,
        seconds: Math.round(loadSeconds * 10) / 10,
        per_second: Math.round((finished / loadSeconds) * 10) / 10,
        latency: summary(signInMs),
      },
    };
    const results = join(import.meta.dirname, 'results');
    writeFileSync(join(results, `signin-latency-${values.label}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(
      join(results, `signin-latency-${values.label}.md`),
      `# GET /health while sign-ins are in flight (${values.label})

${report.generated_at}, Node ${process.version}, ${report.machine.cpus} cores (shared; load average at the end ${report.machine.load_average_at_end.join(' / ')}).
Production build (${report.app_dir}), NODE_ENV=production, AUTH_BCRYPT_ROUNDS=${ROUNDS}, Postgres on loopback, no Redis.
${IN_FLIGHT} sign-ins kept in flight until ${SIGN_INS} were started; one GET /health at a time, ${PROBE_INTERVAL_MS} ms apart, meanwhile.

| | probes | p50 ms | p99 ms | max ms |
| --- | ---: | ---: | ---: | ---: |
| GET /health, idle | ${report.health_idle.count} | ${report.health_idle.p50_ms} | ${report.health_idle.p99_ms} | ${report.health_idle.max_ms} |
| GET /health, ${IN_FLIGHT} sign-ins in flight | ${report.health_during_sign_ins.count} | ${report.health_during_sign_ins.p50_ms} | ${report.health_during_sign_ins.p99_ms} | ${report.health_during_sign_ins.max_ms} |

Sign-ins: ${finished} in ${report.sign_ins.seconds} s (${report.sign_ins.per_second}/s), statuses ${JSON.stringify(signInStatuses)}, p50 ${report.sign_ins.latency.p50_ms} ms, p99 ${report.sign_ins.latency.p99_ms} ms.
`,
    );
    log(JSON.stringify({ idle: report.health_idle, loaded: report.health_during_sign_ins, sign_ins: report.sign_ins }));
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => (child.exitCode !== null ? done() : child.once('exit', done)));
    await database.drop();
  }
}

main().catch((error) => {
  console.error(`[signin-latency] ${error.stack ?? error}`);
  process.exitCode = 1;
});
