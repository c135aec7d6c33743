import { integer, millis, ratio } from './report.mjs';
import { preemptionsPerThousand } from './cpu.mjs';

const percent = (value) => (Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : 'n/a');
const fixed = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const met = (goal) => (goal.met ? 'met' : '**NOT met**');

const SCENARIO_TITLES = {
  constant: 'Constant route (`GET /health`, the ceiling)',
  hot_reads: 'Hot reads (restaurant, menu, with-menu, search; Zipf ids)',
  mixed: 'Mixed: 95% hot reads, 5% writes (orders placed, statuses advanced, reviews)',
  analytics: 'Analytics dashboard (8 analytics routes; Zipf ids, admin token) with 5% writes alongside',
  writes: 'Writes alone (the mixed writes, no reads)',
  place_alone: 'Orders placed alone',
  advance_alone: 'Order statuses advanced alone',
  review_alone: 'Reviews alone',
};

/** The main table: one row per scenario and app, in the order they ran. */
export function scenarioTable(report) {
  const rows = [];
  for (const [name, sides] of Object.entries(report.scenarios)) {
    for (const side of ['on', 'off']) {
      const row = sides[side];
      if (!row) continue;
      rows.push(
        `| ${SCENARIO_TITLES[name]} | ${side} | ${integer(row.requests_per_second)} | ${millis(row.latency_ms.p50)} | ${millis(row.latency_ms.p95)} | ` +
          `${millis(row.latency_ms.p99)} | ${ratio(row.ratio_to_constant)} | ${row.errors} | ${row.non2xx} | ` +
          `${name === 'constant' || side === 'off' ? '-' : percent(row.hit_ratio)} | ${fixed(row.db_transactions_per_request, 3)} |`,
      );
    }
  }
  return [
    '| Scenario | Cache | req/s | p50 ms | p95 ms | p99 ms | vs constant | errors | non-2xx | hit ratio | DB transactions / request |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** Redis commands and bytes per request in each window, with the commands that made up most of them. */
function redisTable(report) {
  const rows = [];
  for (const sides of Object.values(report.scenarios)) {
    for (const row of Object.values(sides)) {
      if (!row.redis_per_request) continue;
      const top = Object.entries(row.redis.by_command)
        .sort(([, a], [, b]) => b - a)
        .slice(0, 4)
        .map(([command, calls]) => `${command} ${fixed(calls / row.requests, 3)}`)
        .join(', ');
      rows.push(
        `| ${row.scenario} | ${row.app} | ${fixed(row.redis_per_request.commands, 3)} | ${integer(row.redis_per_request.bytes_in)} | ` +
          `${integer(row.redis_per_request.bytes_out)} | ${top} |`,
      );
    }
  }
  return [
    '| Scenario | App | commands / request | bytes in / request | bytes out / request | most frequent (per request) |',
    '|---|---|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}

function cpuTable(report) {
  const rows = [];
  for (const sides of Object.values(report.scenarios)) {
    for (const row of Object.values(sides)) {
      if (!row.cpu_cores) continue;
      rows.push(
        `| ${row.scenario} | ${row.app} | ${fixed(row.cpu_cores.server)} | ${fixed(row.server_cpu_us_per_request, 1)} | ` +
          `${fixed(row.cpu_cores.redis)} | ${fixed(row.redis_cpu_us_per_request, 1)} | ` +
          `${fixed(row.cpu_cores.postgres)} | ${fixed(row.postgres_cpu_us_per_request, 1)} | ` +
          `${fixed(row.cpu_cores.load_generator)} | ${fixed(row.cpu_cores.rest_of_machine)} | ${fixed(row.cpu_cores.stolen_by_host)} | ` +
          `${fixed(row.cpu_cores.server_waiting_for_a_core)} | ${fixed(preemptionsPerThousand(row), 1)} |`,
      );
    }
  }
  return [
    '| Scenario | App | server | server CPU per request (us) | Redis | Redis CPU per request (us) | Postgres | Postgres CPU per request (us) | load generator | rest of machine | stolen by the host | server waiting for a core | server preempted per 1,000 requests |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/**
 * The mixed/hot-reads ratio by server CPU per request, and the cores the server had: on a machine
 * where Postgres and the load generator share the cores with the server, the req/s ratio also
 * measures how much CPU the server got.
 */
function mixedByCpu({ hot_reads: hot, mixed }) {
  const [hotCpu, mixedCpu] = [hot.on.server_cpu_us_per_request, mixed.on.server_cpu_us_per_request];
  if (!hotCpu || !mixedCpu) return '';
  const [hotCores, cores] = [hot.on.cpu_cores, mixed.on.cpu_cores];
  return (
    `By server CPU per request: ${ratio(hotCpu / mixedCpu)} (${fixed(hotCpu, 1)} µs per hot read, ${fixed(mixedCpu, 1)} µs per mixed request; ` +
    `in the mixed window the server had ${fixed(cores.server)} of a core, Postgres ${fixed(cores.postgres)}, the load generator ${fixed(cores.load_generator)}` +
    (cores.server_waiting_for_a_core === undefined
      ? ').'
      : `; the server's main thread waited for a core ${fixed(cores.server_waiting_for_a_core)} of the time, against ${fixed(hotCores.server_waiting_for_a_core)} in the hot reads).`)
  );
}

/** The same ratio from alternated pairs of short windows (see alternatedMixedToHot in suite.mjs). */
function alternatedLine(goal, { pairs, seconds }) {
  const l1 = (pair) =>
    pair.hot.l1_share_of_reads === undefined
      ? ''
      : `; L1 answered ${percent(pair.hot.l1_share_of_reads)} and ${percent(pair.mixed.l1_share_of_reads)} of the reads`;
  const waiting = (pair) =>
    pair.hot.server_waiting_for_a_core === undefined
      ? ''
      : `; the server waited for a core ${fixed(pair.hot.server_waiting_for_a_core)} and ${fixed(pair.mixed.server_waiting_for_a_core)}`;
  const each = pairs.map((pair) => `${pair.ratio.toFixed(3)}x (${pair.first} first${l1(pair)}${waiting(pair)})`).join(', ');
  return (
    `- The same ratio from ${goal.pairs} pairs of ${seconds} s windows taken in turn on the cache-on app: median ${goal.value.toFixed(3)}x in req/s ` +
    `(goal ${goal.threshold}x or more): ${met(goal)}; median ${ratio(goal.by_cpu)} by server CPU per request. Each pair: ${each}.`
  );
}

export function goalsList(report) {
  const { goals, stampede, redis_memory: redis } = report;
  const share = report.settings.write_share_in_mixed;
  return [
    `- Cached hot reads at ${ratio(goals.hot_reads.value)} of the constant route (goal ${goals.hot_reads.threshold}x or more): ${met(goals.hot_reads)}.`,
    `- Mixed traffic with the cache at ${ratio(goals.mixed.value)} of the constant route (goal ${goals.mixed.threshold}x or more): ${met(goals.mixed)}.`,
    ...(goals.mixed_to_hot_reads
      ? [
          `- Mixed traffic with the cache at ${goals.mixed_to_hot_reads.value.toFixed(3)}x of the hot reads in req/s (goal ${goals.mixed_to_hot_reads.threshold}x or more): ${met(goals.mixed_to_hot_reads)}. ` +
            mixedByCpu(report.scenarios),
        ]
      : []),
    ...(goals.mixed_to_hot_reads_alternated
      ? [alternatedLine(goals.mixed_to_hot_reads_alternated, report.scenarios.mixed.on.alternated)]
      : []),
    ...(goals.write_cpu?.per_kind
      ? [
          `- Server CPU per write, each kind alone: ${Object.entries(goals.write_cpu.per_kind)
            .map(([kind, us]) => `${kind} ${integer(us)} µs`)
            .join(', ')} (goal ${integer(goals.write_cpu.threshold)} µs or less for each): ${met(goals.write_cpu)}. ` +
            `The mixed writes alone: ${integer(goals.write_cpu.mix)} µs; derived from the mixed window instead ((mixed − ${1 - share} × hot reads) / ${share}, which counts what writes do to the reads around them): ${integer(goals.write_cpu.derived_from_mixed)} µs.`,
        ]
      : []),
    `- Hit ratio in the mixed scenario ${percent(goals.hit_ratio.value)} (goal ${percent(goals.hit_ratio.threshold)} or more): ${met(goals.hit_ratio)}.`,
    `- Stale reads after the mixed scenario: ${goals.stale_reads.value} of ${goals.stale_reads.compared} responses compared with the database (goal none): ${met(goals.stale_reads)}.`,
    ...(goals.analytics_hit_ratio
      ? [
          `- Hit ratio of the analytics dashboard with the mixed writes alongside ${percent(goals.analytics_hit_ratio.value)} (goal ${percent(goals.analytics_hit_ratio.threshold)} or more): ${met(goals.analytics_hit_ratio)}. ` +
            `Of its reads, ${goals.analytics_hit_ratio.reads.hits} hits, ${goals.analytics_hit_ratio.reads.first_read_misses} misses of paths the run had never read (the long tail of ids), ` +
            `${goals.analytics_hit_ratio.reads.repeat_misses} misses of paths read before (${goals.analytics_hit_ratio.reads.repeat_misses_after_a_write_to_its_entity ?? 'n/a'} of them after a write to their restaurant or customer since that read): ` +
            `${percent(goals.analytics_hit_ratio.reads.repeat_read_hit_ratio)} of repeated reads were hits.`,
          `- Analytics staleness: the oldest platform-wide figure served was ${goals.analytics_staleness.value} s old (Age header; bound ${goals.analytics_staleness.threshold} s); ` +
            `${goals.analytics_staleness.compared} figures served compared with the database ${goals.analytics_staleness.checked_after_seconds} s after the last write, ${goals.analytics_staleness.mismatches} differed: ${met(goals.analytics_staleness)}.`,
        ]
      : []),
    `- Stampede, ${integer(stampede.on.requests)} concurrent requests for one cold key: ${stampede.on.loads} load(s) with the cache ` +
      `(${stampede.on.db_transactions} DB transactions), against ${stampede.off.db_transactions} DB transactions without (goal 1 load): ${met(goals.stampede_loads)}.`,
    `- Analytics plans for one restaurant and one customer over ${integer(report.settings.sizes.orders)} orders: ${goals.plans.value} of ${goals.plans.checked} ` +
      `scan orders sequentially (goal none; plans in bench-explain.md): ${met(goals.plans)}.`,
    `- Redis memory per cached restaurant-with-menu entry: ${integer(redis.bytes_per_entry.average ?? Number.NaN)} bytes on average ` +
      `(median ${integer(redis.bytes_per_entry.p50 ?? Number.NaN)}, max ${integer(redis.bytes_per_entry.max ?? Number.NaN)}; ${redis.sampled} of ${redis.with_menu_entries} entries sampled), ` +
      `${fixed(redis.mb_per_1000_entries)} MB per 1000 entries; every key under the bench prefix: ${redis.all_keys} keys, ${fixed(redis.all_keys_mb)} MB.`,
  ].join('\n');
}

export function suiteMarkdown(report) {
  const { machine, settings, seed } = report;
  const stampedeRows = Object.values(report.stampede).map(
    (row) =>
      `| ${row.app} | \`${row.path}\` | ${row.requests} | ${fixed(row.seconds)} | ${row.loads} | ${row.db_transactions} | ${row.errors} | ` +
      `${Object.entries(row.statuses)
        .map(([status, n]) => `${status}: ${n}`)
        .join(', ')} | ` +
      `${Object.entries(row.x_cache)
        .map(([outcome, n]) => `${outcome} ${n}`)
        .join(', ')} |`,
  );
  const planRows = report.plans.map(
    (plan) =>
      `| ${plan.route} | ${plan.scope} | ${plan.subject} | ${fixed(plan.execution_ms, 1)} | ${plan.sequential_scans.join(', ') || 'none'} |`,
  );
  const rows = Object.entries(seed.rows)
    .map(([table, n]) => `${table} ${integer(n)}`)
    .join(', ');
  return `# Benchmark suite

${report.generated_at} on ${machine.cpu_model} (${machine.cores} cores, ${machine.memory_gb} GB), Node ${machine.node}, ${machine.os};
load average ${machine.load_average_at_start.join(' / ')} at start, ${machine.load_average_at_end.join(' / ')} at the end; commit ${machine.git_commit ?? 'unknown'}${machine.uncommitted_src_changes ? ' (with uncommitted changes in src/)' : ''}.

Scale \`${settings.scale}\`: ${rows} (seeded in ${fixed(seed.elapsed_seconds, 1)} s).
Production build (${settings.server}) against Postgres and Redis on the same machine; autocannon in the bench
process, ${settings.connections} connections, ${settings.warmup_seconds} s warm-up then ${settings.duration_seconds} s measured per window,
one server under load at a time.${
    Object.keys(settings.app_env_overrides ?? {}).length > 0
      ? ` **What-if run**: both apps with ${Object.entries(settings.app_env_overrides)
          .map(([name, value]) => `${name}=${value}`)
          .join(', ')} (BENCH_APP_ENV).`
      : ''
  } "vs constant" compares with \`GET /health\` of the same app; DB transactions per request
are \`pg_stat_database.xact_commit + xact_rollback\` of the bench database over the window (each autocommitted query is one).

${scenarioTable(report)}

## Goals

${goalsList(report)}

## Stampede

| App | Key | requests | seconds | loads | DB transactions | errors | statuses | X-Cache |
|---|---|---:|---:|---:|---:|---:|---|---|
${stampedeRows.join('\n')}

## Analytics plans (EXPLAIN ANALYZE, cache bypassed)

| Route | Scope | Subject | execution ms | sequential scans |
|---|---|---|---:|---|
${planRows.join('\n')}

## Redis per request

From Redis's own counters (\`INFO stats\`, \`INFO commandstats\`) before and after each window${
    settings.shared_redis
      ? ', on a Redis shared with other work (BENCH_REDIS_URL): they include its commands too'
      : ', on a Redis server the bench started for itself: only its two apps talk to it'
  }. "in" is what Redis received, "out" what it sent.

${redisTable(report)}

## CPU during each window (cores, ${machine.cores} available)

The server near 1.0 was the bottleneck. Redis is the bench's own server (n/a with BENCH_REDIS_URL); Postgres is every
\`postgres\` process on the machine (the apps' pooled backends do the work; a backend that exits within a window takes its
time with it); "rest of machine" is everything else, which skews the numbers when it is not near 0; "stolen by the host" is
the hypervisor's steal time (\`/proc/stat\`): cores this machine wanted and did not get, which slows every process alike.
"Server waiting for a core" is the time the server's main thread (the one running JavaScript) was ready to run while the
cores ran something else (\`/proc/<pid>/schedstat\`), and "preempted" counts how often it was taken off a core with work
left (involuntary context switches): the server's work delayed by Postgres, Redis and the load generator on the same cores.

${cpuTable(report)}

${report.warnings.map((warning) => `Warning: ${warning}.\n`).join('')}The run took ${Math.round(report.run_seconds)} s (without the build).
`;
}

export function explainMarkdown(report, plans) {
  const sections = plans.map(
    (plan) => `## ${plan.route} (${plan.scope}${plan.subject === '-' ? '' : `, ${plan.subject}`})

Parameters: \`${JSON.stringify(plan.parameters)}\`; execution ${fixed(plan.execution_ms, 1)} ms; sequential scans: ${plan.sequential_scans.join(', ') || 'none'}.

\`\`\`
${plan.plan}
\`\`\`
`,
  );
  return `# EXPLAIN (ANALYZE, BUFFERS) of the analytics, real-time and menu-item search queries

${report.generated_at}, scale \`${report.settings.scale}\` (${integer(report.settings.sizes.orders)} orders), after the benchmark's traffic. Each
statement is the app's own SQL, captured from its repositories; "most ordered" and "median" are the restaurant and the
customer with the most orders and the median number of orders.

${sections.join('\n')}`;
}
