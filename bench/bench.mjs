// The benchmark suite: bulk data, then hot reads, mixed traffic, the analytics dashboard and a
// stampede, each with the cache on and off against the constant route of the same app, plus the
// plans of the analytics queries and Redis memory per entry. See bench/README.md.
// Run with `npm run bench -- --scale tiny|small|medium|full`.
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { windowsFileOf } from './cpuprofile-summary.mjs';
import { analyticsStatements, explainAll, menuItemSearchStatements, realtimeStatements } from './lib/explain.mjs';
import { appEnvOverrides, readCommandLine } from './lib/options.mjs';
import { describeMachine, writeAtomically } from './lib/report.mjs';
import { log, RATE_LIMIT_PER_MINUTE, runBenchSession } from './lib/session.mjs';
import {
  alternatedMixedToHot,
  applyScale,
  CONTENDED_CORES,
  GOALS,
  ANALYTICS_MAX_STALENESS_SECONDS,
  ANALYTICS_WARM_IDS,
  analyticsFigureCheck,
  analyticsWithWrites,
  mixedTraffic,
  prepare,
  redisMemory,
  round,
  staleReadCheck,
  stampede,
  warm,
  window,
  WRITE_SHARE,
} from './lib/suite.mjs';
import { explainMarkdown, suiteMarkdown } from './lib/suite-report.mjs';
import { KINDS, WriteState } from './lib/workload.mjs';

const RESULTS = join(import.meta.dirname, 'results');
const PROFILES = join(import.meta.dirname, 'profiles');
const OPTIONS = ['scale', 'restaurants', 'customers', 'orders', 'duration', 'warmup', 'connections', 'profile'];

/**
 * With `--profile cache-on`: where the run writes (its figures, slowed by the profiler, are kept
 * apart from the committed results) and the cache-on server's node flags.
 */
function outputOf(options) {
  if (options.profile === 'none') return { directory: RESULTS, prefix: 'bench', flags: {} };
  const name = `suite-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  mkdirSync(PROFILES, { recursive: true });
  return {
    directory: PROFILES,
    prefix: name,
    profile: join(PROFILES, `${name}.cpuprofile`),
    flags: { on: ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`, `--cpu-prof-name=${name}.cpuprofile`] },
  };
}

async function bench(session, options) {
  const startedAt = performance.now();
  const machine = describeMachine();
  if (machine.load_average_at_start[0] > 0.5) {
    log(`warning: load average ${machine.load_average_at_start[0]} at start: other work on this machine skews the numbers`);
  }
  const output = outputOf(options);
  const context = await prepare(session, options, output.flags);
  const {
    apps: { on, off },
    data,
    traffic,
    benchDb,
    sizes,
    seed,
  } = context;
  try {
    const scenarios = {};
    const constantOf = async (app) => window(context, app, 'constant', () => ({ route: 'health', path: '/health' }));
    scenarios.constant = { on: await constantOf(on), off: await constantOf(off) };

    const hotRead = () => traffic.hotRead();
    await warm(context, on, traffic.hotReadPaths());
    scenarios.hot_reads = { on: await window(context, on, 'hot reads', hotRead) };
    const redis = await redisMemory(session);
    log(
      `   Redis: ${redis.with_menu_entries} with-menu entries, ${redis.bytes_per_entry.average} bytes each on average (${redis.mb_per_1000_entries} MB per 1000)`,
    );
    scenarios.hot_reads.off = await window(context, off, 'hot reads', hotRead);

    // A restaurant with many orders whose analytics nobody has asked for yet: a slow, cold key.
    const stampedePath = `/restaurants/${data.restaurantIds[Math.min(10, data.restaurantIds.length - 1)]}/analytics`;
    const stampedes = { on: await stampede(context, on, stampedePath), off: await stampede(context, off, stampedePath) };

    const writesOn = new WriteState(traffic);
    const mixedOn = mixedTraffic(traffic, writesOn);
    scenarios.mixed = { on: await window(context, on, 'mixed', mixedOn.pick, { onAnswer: mixedOn.onAnswer }) };
    scenarios.mixed.on.alternated = await alternatedMixedToHot(context, on, { hotRead, mixed: mixedOn });
    scenarios.mixed.on.writes = writesOn.counts;
    // The last write's invalidation reaches every instance before its response is sent; this
    // pause only lets the requests still in flight at the end of the window finish.
    await sleep(1000);
    const stale = await staleReadCheck(context, writesOn);
    log(`   stale-read check: ${stale.compared} responses compared with the database, ${stale.stale} stale`);
    const writesOff = new WriteState(traffic);
    writesOff.reviewable = writesOn.reviewable.splice(0, Math.floor(writesOn.reviewable.length / 2));
    const mixedOff = mixedTraffic(traffic, writesOff);
    scenarios.mixed.off = await window(context, off, 'mixed', mixedOff.pick, { onAnswer: mixedOff.onAnswer });
    scenarios.mixed.off.writes = writesOff.counts;

    // The dashboard with the mixed writes alongside. Beforehand its paths for the most ordered
    // restaurants and customers, and every date and period it asks for, are read once: the cache a
    // long-running dashboard has (the long tail of ids beyond them still misses in the window).
    const today = new Date().toISOString().slice(0, 10);
    const dashboardPaths = traffic.analyticsPaths(today, ANALYTICS_WARM_IDS);
    // Four at a time: the heaviest reports take seconds over 1M orders, and a full pool answers 503.
    // A path that fails to warm is only a later first read, so failures are reported, not fatal.
    const dashboardWarming = await warm(context, on, dashboardPaths, { admin: true, concurrency: 4, tolerateFailures: true });
    const writesDashboard = new WriteState(traffic);
    writesDashboard.reviewable = writesOff.reviewable.splice(0, Math.floor(writesOff.reviewable.length / 2));
    const dashboardOn = analyticsWithWrites(traffic, writesDashboard, today, dashboardPaths);
    scenarios.analytics = {
      on: await window(context, on, 'analytics', dashboardOn.pick, { admin: true, onAnswer: dashboardOn.onAnswer }),
    };
    scenarios.analytics.on.writes = writesDashboard.counts;
    scenarios.analytics.on.warming = dashboardWarming;
    const reads = dashboardOn.reads;
    scenarios.analytics.on.reads = { ...reads, repeat_read_hit_ratio: round(reads.hits / (reads.hits + reads.repeat_misses), 4) };
    log(
      `   analytics reads: ${reads.hits} hits, ${reads.first_read_misses} misses of paths never read before, ${reads.repeat_misses} misses of paths read before ` +
        `(${reads.repeat_misses_after_a_write_to_its_entity} of them after a write to their restaurant or customer) ` +
        `(hit ratio of repeated reads ${(scenarios.analytics.on.reads.repeat_read_hit_ratio * 100).toFixed(1)}%)`,
    );
    const windowEnded = Date.now();
    // Platform-wide figures may lag the last write by the bound: check them once it has passed.
    const boundSeconds = ANALYTICS_MAX_STALENESS_SECONDS;
    await sleep(Math.max(0, windowEnded + (boundSeconds + 2) * 1000 - Date.now()));
    const figures = await analyticsFigureCheck(context, dashboardOn.served);
    const staleness = {
      bound_seconds: boundSeconds,
      oldest_platform_age_seconds: dashboardOn.platform.oldest_age_seconds,
      oldest_platform_path: dashboardOn.platform.path,
      platform_answers: dashboardOn.platform.answers,
      checked_after_seconds: round((Date.now() - windowEnded) / 1000, 1),
      ...figures,
    };
    log(
      `   analytics staleness: oldest platform figure served ${staleness.oldest_platform_age_seconds} s old (bound ${boundSeconds} s); ` +
        `${figures.compared} figures compared with the database ${staleness.checked_after_seconds} s after the writes, ${figures.mismatches} differ`,
    );
    const writesDashboardOff = new WriteState(traffic);
    writesDashboardOff.reviewable = writesDashboard.reviewable.splice(0, Math.floor(writesDashboard.reviewable.length / 2));
    const dashboardOff = analyticsWithWrites(traffic, writesDashboardOff, today);
    scenarios.analytics.off = await window(context, off, 'analytics', dashboardOff.pick, { admin: true, onAnswer: dashboardOff.onAnswer });
    scenarios.analytics.off.writes = writesDashboardOff.counts;

    // The mixed scenario's writes alone, as fast as the connections send them: what a write costs,
    // measured. The mixed window only lets it be derived, with its reads' cost taken from the hot
    // reads and whatever writes do to the reads around them (misses they cause, fewer writes in
    // flight at once) counted as the writes'. Last, so the orders they add change no other window.
    let reviewable = writesDashboardOff.reviewable;
    const writesAlone = async (app) => {
      const writes = new WriteState(traffic);
      writes.reviewable = reviewable.splice(0, Math.floor(reviewable.length / 2));
      const row = await window(context, app, 'writes', () => writes.next(), {
        admin: true,
        onAnswer: (chosen, status, body) => writes.settle(chosen, status, body),
      });
      row.writes = writes.counts;
      return row;
    };
    scenarios.writes = { on: await writesAlone(on), off: await writesAlone(off) };

    // Each kind of write alone, with the cache on and off: an average over the mix would hide a
    // dear kind behind the cheap status changes that make up most of it. Orders placed here are
    // the ones moved on next; reviews take their own pool of delivered orders.
    const pools = { inProgress: [], reviewable: traffic.data.reviewsAlone };
    for (const kind of KINDS) {
      const alone = async (app) => {
        const writes = new WriteState(traffic, { only: kind });
        writes.inProgress = pools.inProgress;
        writes.reviewable = pools.reviewable;
        const row = await window(context, app, `${kind} alone`, () => writes.next(), {
          admin: true,
          onAnswer: (chosen, status, body) => writes.settle(chosen, status, body),
        });
        row.writes = writes.counts;
        return row;
      };
      scenarios[`${kind}_alone`] = { on: await alone(on), off: await alone(off) };
    }

    for (const rows of Object.values(scenarios)) {
      for (const [side, row] of Object.entries(rows))
        row.ratio_to_constant = row.requests_per_second / scenarios.constant[side].requests_per_second;
    }

    log('EXPLAIN (ANALYZE, BUFFERS) of the analytics queries');
    const middle = (ids) => ids[Math.floor(ids.length / 2)];
    const plans = [];
    for (const [label, restaurantId, customerId] of [
      ['most ordered', data.restaurantIds[0], data.customers[0]],
      ['median', middle(data.restaurantIds), middle(data.customers)],
    ]) {
      for (const plan of await explainAll(benchDb, await analyticsStatements({ restaurantId, customerId }))) {
        if (plan.scope === 'all orders' && label !== 'most ordered') continue;
        plans.push({ subject: plan.scope === 'all orders' ? '-' : label, ...plan });
      }
    }

    for (const plan of await explainAll(benchDb, await realtimeStatements({ restaurantId: data.restaurantIds[0] }))) {
      plans.push({ subject: plan.scope === 'all orders' ? '-' : 'most ordered', ...plan });
    }

    for (const plan of await explainAll(benchDb, await menuItemSearchStatements({ databaseUrl: session.database.url, q: 'curry' }))) {
      plans.push({ subject: '-', ...plan });
    }

    const warnings = [];
    for (const [index, pair] of scenarios.mixed.on.alternated.pairs.entries()) {
      for (const kind of ['hot', 'mixed']) {
        if (pair[kind].errors > 0 || pair[kind].non2xx > 0)
          warnings.push(`alternated pair ${index + 1}, ${kind}: ${pair[kind].errors} errors, ${pair[kind].non2xx} non-2xx responses`);
      }
    }
    for (const rows of Object.values(scenarios)) {
      for (const row of Object.values(rows)) {
        if (row.errors > 0 || row.non2xx > 0)
          warnings.push(`${row.scenario} on ${row.app}: ${row.errors} errors, ${row.non2xx} non-2xx responses`);
        const only = KINDS.find((kind) => row.scenario === `${kind} alone`);
        const others = only ? KINDS.filter((kind) => kind !== only && row.writes[kind] > 0) : [];
        if (others.length > 0)
          warnings.push(
            `${row.scenario} on ${row.app}: its pool ran out, so it also made ${others.map((kind) => `${row.writes[kind]} ${kind}`).join(', ')}`,
          );
        if (row.cpu_cores?.stolen_by_host > CONTENDED_CORES) {
          warnings.push(
            `the host took ${row.cpu_cores.stolen_by_host} cores from this machine during ${row.scenario} on ${row.app}: every figure of the window is slowed`,
          );
        }
        // The constant and cached hot reads use neither Postgres nor Redis much: other work competes.
        if (row.cpu_cores?.rest_of_machine > CONTENDED_CORES && row.scenario === 'constant') {
          warnings.push(
            `other work used ${row.cpu_cores.rest_of_machine} cores during ${row.scenario} on ${row.app}: the ratios are skewed`,
          );
        }
      }
    }
    const perRestaurantOrCustomer = plans.filter((plan) => plan.scope !== 'all orders');
    const goals = {
      hot_reads: { threshold: GOALS.hot_reads, value: scenarios.hot_reads.on.ratio_to_constant },
      mixed: { threshold: GOALS.mixed, value: scenarios.mixed.on.ratio_to_constant },
      mixed_to_hot_reads: {
        threshold: GOALS.mixed_to_hot_reads,
        value: scenarios.mixed.on.requests_per_second / scenarios.hot_reads.on.requests_per_second,
      },
      mixed_to_hot_reads_alternated: {
        threshold: GOALS.mixed_to_hot_reads,
        value: scenarios.mixed.on.alternated.median_ratio,
        by_cpu: scenarios.mixed.on.alternated.median_ratio_by_cpu,
        pairs: scenarios.mixed.on.alternated.pairs.length,
      },
      write_cpu: {
        threshold: GOALS.write_cpu_us,
        value: Math.max(...KINDS.map((kind) => scenarios[`${kind}_alone`].on.server_cpu_us_per_request)),
        per_kind: Object.fromEntries(KINDS.map((kind) => [kind, scenarios[`${kind}_alone`].on.server_cpu_us_per_request])),
        mix: scenarios.writes.on.server_cpu_us_per_request,
        // A write's share of the mixed window's server CPU, beyond the hot reads around it.
        derived_from_mixed:
          (scenarios.mixed.on.server_cpu_us_per_request - (1 - WRITE_SHARE) * scenarios.hot_reads.on.server_cpu_us_per_request) /
          WRITE_SHARE,
      },
      hit_ratio: { threshold: GOALS.hit_ratio, value: scenarios.mixed.on.hit_ratio },
      stale_reads: { threshold: 0, value: stale.stale, compared: stale.compared },
      analytics_hit_ratio: {
        threshold: GOALS.analytics_hit_ratio,
        value: scenarios.analytics.on.hit_ratio,
        reads: scenarios.analytics.on.reads,
      },
      analytics_staleness: { threshold: staleness.bound_seconds, value: staleness.oldest_platform_age_seconds, ...staleness },
      stampede_loads: { threshold: GOALS.stampede_loads, value: stampedes.on.loads },
      plans: {
        threshold: 0,
        value: perRestaurantOrCustomer.filter((plan) => plan.sequential_scans.includes('orders')).length,
        checked: perRestaurantOrCustomer.length,
      },
    };
    goals.hot_reads.met = goals.hot_reads.value >= goals.hot_reads.threshold;
    goals.mixed.met = goals.mixed.value >= goals.mixed.threshold;
    goals.mixed_to_hot_reads.met = goals.mixed_to_hot_reads.value >= goals.mixed_to_hot_reads.threshold;
    goals.mixed_to_hot_reads_alternated.met = goals.mixed_to_hot_reads_alternated.value >= goals.mixed_to_hot_reads_alternated.threshold;
    goals.write_cpu.met = goals.write_cpu.value <= goals.write_cpu.threshold;
    goals.hit_ratio.met = goals.hit_ratio.value !== null && goals.hit_ratio.value >= goals.hit_ratio.threshold;
    goals.stale_reads.met = stale.stale === 0 && stale.compared > 0;
    goals.analytics_hit_ratio.met =
      goals.analytics_hit_ratio.value !== null && goals.analytics_hit_ratio.value >= goals.analytics_hit_ratio.threshold;
    goals.analytics_staleness.met =
      staleness.oldest_platform_age_seconds <= staleness.bound_seconds && staleness.mismatches === 0 && staleness.compared > 0;
    goals.stampede_loads.met = stampedes.on.loads === GOALS.stampede_loads;
    goals.plans.met = goals.plans.value === 0;

    const report = {
      generated_at: new Date().toISOString(),
      machine: { ...machine, load_average_at_end: loadavg().map((value) => round(value)) },
      settings: {
        scale: options.scale,
        sizes,
        connections: options.connections,
        warmup_seconds: options.warmup,
        duration_seconds: options.duration,
        write_share_in_mixed: WRITE_SHARE,
        app_env_overrides: appEnvOverrides(),
        load_generator: 'autocannon, in the bench process',
        shared_redis: session.sharedRedis,
        server: `node dist/main.js, NODE_ENV=production, LOG_LEVEL=log (stdout to a file), JOBS_ENABLED=false, RATE_LIMIT_PER_MINUTE=${RATE_LIMIT_PER_MINUTE}`,
      },
      seed,
      scenarios,
      stale_read_check: stale,
      stampede: stampedes,
      redis_memory: redis,
      plans: plans.map(({ plan: _plan, ...summary }) => summary),
      goals,
      warnings,
      run_seconds: (performance.now() - startedAt) / 1000,
    };
    const markdown = suiteMarkdown(report);
    const { directory, prefix } = output;
    writeAtomically(join(directory, `${prefix}.md`), markdown);
    writeAtomically(join(directory, `${prefix}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeAtomically(join(directory, `${prefix}-explain.md`), explainMarkdown(report, plans));
    if (output.profile) {
      const windows = Object.fromEntries(
        Object.values(scenarios)
          .map((rows) => rows.on)
          .filter((row) => row?.window_us)
          .map((row) => [row.scenario, { fromUs: row.window_us.from, toUs: row.window_us.to, requests: row.requests }]),
      );
      writeAtomically(windowsFileOf(output.profile), `${JSON.stringify(windows, null, 2)}\n`);
    }
    console.log(`\n${markdown}`);
    for (const warning of warnings) log(`warning: ${warning}`);
    log(`results written to ${relative(process.cwd(), directory)}/${prefix}.md, ${prefix}.json and ${prefix}-explain.md`);
    if (output.profile) {
      log(
        `the cache-on server's profile is written when it stops: node bench/cpuprofile-summary.mjs ${relative(process.cwd(), output.profile)} --window mixed`,
      );
    }
  } finally {
    await context.close();
  }
}

async function main() {
  const argv = process.argv.slice(2);
  const options = readCommandLine('bench/bench.mjs', OPTIONS, 'Environment: BENCH_DATABASE_URL (an admin URL), BENCH_REDIS_URL.');
  applyScale(argv, options);
  return runBenchSession((session) => bench(session, options));
}

process.exit(await main());
