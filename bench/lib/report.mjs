import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { REPO_ROOT } from './app-process.mjs';

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function describeMachine() {
  const processors = cpus();
  return {
    cpu_model: processors[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    load_average_at_start: loadavg().map((value) => Math.round(value * 100) / 100),
    git_commit: git('rev-parse', '--short', 'HEAD'),
    // The build compiles the working tree, including changes nobody has committed yet.
    uncommitted_src_changes: (git('status', '--porcelain', '--', 'src') ?? '') !== '',
  };
}

export const integer = (value) => Math.round(value).toLocaleString('en-US');
export const millis = (value) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
export const ratio = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a');
/** The middle value, or the mean of the two middle values of an even count. */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** The BENCH_APP_ENV variables a run gave Tiffin's apps, as ", NAME=value, ..." (empty without any). */
const overridesOf = (settings) =>
  Object.entries(settings.app_env_overrides ?? {})
    .map(([name, value]) => `, ${name}=${value}`)
    .join('');

export function markdownReport(report) {
  const { machine, settings } = report;
  const rows = report.scenarios.map(
    (scenario) =>
      `| ${scenario.id} | ${scenario.title} | ${scenario.app} | \`${scenario.path}\` | ${scenario.x_cache ?? '-'} | ${integer(scenario.requests_per_second)} | ` +
      `${millis(scenario.latency_ms.p50)} | ${millis(scenario.latency_ms.p99)} | ${ratio(scenario.ratio_to_bare)} | ` +
      `${scenario.errors} | ${scenario.non2xx} |`,
  );
  const cpuRows = report.scenarios
    .filter((scenario) => scenario.cpu_cores)
    .map(
      ({ id, cpu_cores: cpu, server_cpu_us_per_request: perRequest }) =>
        `| ${id} | ${cpu.server.toFixed(2)} | ${perRequest.toFixed(1)} | ${cpu.load_generator.toFixed(2)} | ${cpu.rest_of_machine.toFixed(2)} | ${(cpu.stolen_by_host ?? 0).toFixed(2)} | ` +
        `${cpu.server_waiting_for_a_core?.toFixed(2) ?? 'n/a'} |`,
    );
  const cpuSection =
    cpuRows.length === 0
      ? ''
      : `
CPU during each measured window, in cores (${machine.cores} available). A server below ~1.0 was
not the bottleneck (waiting on Redis/Postgres, or starved); a load generator near 1.0 means the
client, not the server, set the pace; "rest" is Postgres/Redis plus any other work on the machine;
"stolen" is the hypervisor's steal time, cores this machine wanted and did not get; "waiting" is
the time the server's main thread was ready to run while the cores ran something else.

| # | server | server CPU per request (us) | load generator | rest of machine | stolen by the host | server waiting for a core |
|---|---:|---:|---:|---:|---:|---:|
${cpuRows.join('\n')}
`;
  const ratioRows = report.ratios.map(
    (entry) =>
      `| ${entry.label} | ${entry.of} / ${entry.to} | **${ratio(entry.ratio)}** | ${entry.threshold === undefined ? '-' : `${entry.threshold.toFixed(2)}x`} | ` +
      `${entry.threshold === undefined ? '-' : entry.met ? 'met' : 'NOT met'} | ${ratio(entry.cpu_ratio)} |`,
  );
  return `# Cache benchmark: GET /restaurants/{id}/with-menu against bare Fastify and the usual Nest recipe

${report.generated_at} on ${machine.cpu_model} (${machine.cores} cores, ${machine.memory_gb} GB), Node ${machine.node}, ${machine.os};
load average at start ${machine.load_average_at_start.join(' / ')}, at end ${machine.load_average_at_end.join(' / ')}; commit ${machine.git_commit ?? 'unknown'}${machine.uncommitted_src_changes ? ' (with uncommitted changes in src/)' : ''}.

Tiffin's production build (\`node dist/main.js\`, NODE_ENV=production, LOG_LEVEL=log with stdout to a file${overridesOf(settings)}) against Postgres and Redis,
and the peers of bench/peers/; autocannon in the bench process, ${settings.connections} connections, ${settings.duration_seconds} s measured per scenario in
${settings.rounds} slices, the scenarios taking turns (warm-up ${settings.warmup_seconds} s before a scenario's first slice, 1 s before the
others), one server under load at a time.
Body: ${integer(report.body_bytes)} bytes (a restaurant with ${report.menu_items} menu items), byte-identical in scenarios 1-3, 5 and 6.

| # | Scenario | Server | Route | X-Cache | req/s | p50 ms | p99 ms | vs bare | errors | non-2xx |
|---|---|---|---|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}
${cpuSection}
Ratios of this run (req/s of the first scenario over the second's; the goals are judged on it).
"By CPU" is the second's server CPU per request over the first's: the same comparison by what each
request cost the server, which competing work on the machine skews less.

| Ratio | scenarios | req/s ratio | goal | | by CPU |
|---|---|---:|---:|---|---:|
${ratioRows.join('\n')}

${report.warnings.map((warning) => `Warning: ${warning}.\n`).join('')}The run took ${Math.round(report.run_seconds)} s (without the build).
`;
}

/** Writes through a temporary file, so a reader never sees half a report. */
export function writeAtomically(path, content) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}
