// Profiles one scenario of the suite with the cache on: the same data, warm-up and traffic as
// `npm run bench`, the cache-on server under `node --cpu-prof`, and the samples of the measured
// window summarised. See bench/README.md.
// Usage: node bench/profile-scenario.mjs [--workload hot_reads|mixed|writes|place|advance|review|analytics] [--scale small] ...
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summariseProfile, windowFileOf } from './cpuprofile-summary.mjs';
import { BenchFailure } from './lib/failure.mjs';
import { measure } from './lib/load.mjs';
import { readCommandLine } from './lib/options.mjs';
import { log, runBenchSession } from './lib/session.mjs';
import { applyScale, prepare, warm, workloadTraffic } from './lib/suite.mjs';
import { requestsFor } from './lib/workload.mjs';

const PROFILES = join(import.meta.dirname, 'profiles');
const OPTIONS = ['workload', 'scale', 'restaurants', 'customers', 'orders', 'duration', 'warmup', 'connections', 'top'];

async function profile(session, options) {
  const name = `${options.workload}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  mkdirSync(PROFILES, { recursive: true });
  const flags = ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`, `--cpu-prof-name=${name}.cpuprofile`];
  const context = await prepare(session, options, { on: flags });
  try {
    const { traffic, apps } = context;
    const app = apps.on;
    const { pick, onAnswer, admin } = workloadTraffic(traffic, options.workload);
    if (options.workload !== 'analytics') await warm(context, app, traffic.hotReadPaths());
    log(`loading ${options.workload} on ${app.name}: ${options.warmup} s warm-up + ${options.duration} s profiled`);
    let window;
    const result = await measure(`${app.baseUrl}/`, app.child.pid, {
      ...options,
      requests: requestsFor(pick, { token: context.token, everyRequest: admin, onAnswer }),
      onWindow: (fromUs, toUs) => (window = { fromUs, toUs }),
    });
    const cpu =
      result.server_cpu_us_per_request === undefined
        ? ''
        : `, ${Math.round(result.server_cpu_us_per_request)} us of server CPU per request`;
    log(`${Math.round(result.requests_per_second)} req/s${cpu} with the profiler on (compare microseconds per request, not rates)`);
    const exit = await app.stop();
    if (exit.code !== 0) throw new BenchFailure(`${app.name} exited with ${exit.code ?? exit.signal}; the profile may be missing`);
    const file = join(PROFILES, `${name}.cpuprofile`);
    const data = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(windowFileOf(file), `${JSON.stringify({ ...window, requests: result.requests })}\n`);
    const summary = summariseProfile(data, { ...window, requests: result.requests, top: options.top });
    writeFileSync(join(PROFILES, `${name}.txt`), `${summary}\n`);
    console.log(`\n${summary}\n`);
    log(`profile: ${file}; summary: ${name}.txt`);
  } finally {
    await context.close();
  }
}

const argv = process.argv.slice(2);
const options = readCommandLine(
  'bench/profile-scenario.mjs',
  OPTIONS,
  'Build first (npm run build). Profiles go to bench/profiles/ (not committed).',
);
applyScale(argv, options);
process.exit(await runBenchSession((session) => profile(session, options)));
