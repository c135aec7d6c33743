// Profiles one scenario of the cache bench: the server runs with --cpu-prof under the same load,
// and the samples of the measured window are summarised. See bench/README.md.
// Usage: node bench/profile-hit.mjs [--scenario l1|l2|off|constant|bare] [--duration 10] ...
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summariseProfile, windowFileOf } from './cpuprofile-summary.mjs';
import { BenchFailure } from './lib/failure.mjs';
import { createRestaurantWithMenu } from './lib/fixture.mjs';
import { measure } from './lib/load.mjs';
import { readCommandLine } from './lib/options.mjs';
import { BARE_FASTIFY, writeRecording } from './lib/peers.mjs';
import { expectXCache, get, SCENARIOS, withMenuPath } from './lib/scenarios.mjs';
import { log, runBenchSession } from './lib/session.mjs';

const PROFILES = join(import.meta.dirname, 'profiles');
const OPTIONS = ['scenario', 'duration', 'warmup', 'connections', 'top'];

async function startTiffin(session, scenario, flags) {
  const app = await session.startApp(scenario.app, scenario.env, flags);
  const { restaurantId } = await createRestaurantWithMenu(app.baseUrl, session.adminToken);
  const path = scenario.path ?? withMenuPath(restaurantId);
  if (scenario.xCache) await expectXCache(app, path, scenario.xCache, session.checkpoint);
  return { app, path };
}

/** The bare peer under the profiler, answering what an unprofiled Tiffin L1 hit answered (as in bench:cache). */
async function startBarePeer(session, flags) {
  const tiffin = await startTiffin(session, SCENARIOS.l1, []);
  const recorded = await get(tiffin.app, tiffin.path);
  await tiffin.app.stop();
  const recording = writeRecording({ route: '/restaurants/:id/with-menu', ...recorded });
  const app = await session.startApp(SCENARIOS.bare.app, { PEER_RECORDING: recording }, flags, {
    script: BARE_FASTIFY,
    readyPath: '/ready',
  });
  return { app, path: tiffin.path };
}

async function profile(session, options) {
  const scenario = SCENARIOS[options.scenario];
  const name = `${options.scenario}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  mkdirSync(PROFILES, { recursive: true });
  const flags = ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`, `--cpu-prof-name=${name}.cpuprofile`];
  const { app, path } = scenario.peer === 'bare' ? await startBarePeer(session, flags) : await startTiffin(session, scenario, flags);

  log(`loading ${path} on ${app.name} (${scenario.title}): ${options.warmup} s warm-up + ${options.duration} s profiled`);
  let window;
  const result = await measure(`${app.baseUrl}${path}`, app.child.pid, {
    ...options,
    onWindow: (fromUs, toUs) => (window = { fromUs, toUs }),
  });
  log(
    `${Math.round(result.requests_per_second)} req/s with the profiler on (it costs throughput: compare microseconds per request, not rates)`,
  );
  session.checkpoint();
  const exit = await app.stop();
  if (exit.code !== 0) throw new BenchFailure(`${app.name} exited with ${exit.code ?? exit.signal}; the profile may be missing`);

  const file = join(PROFILES, `${name}.cpuprofile`);
  if (!readdirSync(PROFILES).includes(`${name}.cpuprofile`)) throw new BenchFailure(`${file} was not written`);
  const data = JSON.parse(readFileSync(file, 'utf8'));
  const onProfileClock = window.fromUs >= data.startTime && window.toUs <= data.endTime;
  if (onProfileClock) {
    writeFileSync(windowFileOf(file), `${JSON.stringify({ ...window, requests: result.requests })}\n`);
  } else {
    log('warning: the measured window is not on the profile clock; summarising the whole profile');
  }
  const summary = summariseProfile(data, { ...(onProfileClock ? { ...window, requests: result.requests } : {}), top: options.top });
  writeFileSync(join(PROFILES, `${name}.txt`), `${summary}\n`);
  console.log(`\n${summary}\n`);
  log(`profile: ${file} (Chrome DevTools > Performance opens it); summary: ${name}.txt`);
  log(`compare with another scenario: node bench/cpuprofile-summary.mjs ${file} --compare <other>.cpuprofile`);
}

const options = readCommandLine(
  'bench/profile-hit.mjs',
  OPTIONS,
  'Build first (npm run build). Profiles go to bench/profiles/ (not committed).',
);
process.exit(await runBenchSession((session) => profile(session, options)));
