// What one Redis server core does with Tiffin's own commands: redis-benchmark against a Redis of
// its own (the machine's redis-server on a free loopback port), one command kind at a time, with
// the server's CPU time read from /proc around each run. The capacity plan (docs/capacity.md)
// divides the commands per request the suite measured by these rates.
// Run with `npm run bench:redis` (after `npm run build`: the scripts come from dist/).
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { processSeconds } from './lib/cpu.mjs';
import { startPrivateRedis } from './lib/private-redis.mjs';
import { describeMachine, integer, writeAtomically } from './lib/report.mjs';
import { COUNT_HITS } from '../dist/redis/redis-scripts.js';

const RESULTS = join(import.meta.dirname, 'results');
const REQUESTS = 200_000;
const CLIENTS = 32;
/** A cached restaurant-with-menu entry's size in Redis, as the suite measured it at full scale. */
const ENTRY_BYTES = 10_350;

/** Each kind: what a Tiffin request sends to Redis for it, as redis-benchmark arguments. */
const KINDS = [
  { name: 'GET of a 10 KB entry (an L2 hit)', args: ['-t', 'get', '-d', String(ENTRY_BYTES), '-r', '10000'] },
  { name: 'SET of a 10 KB entry (a store, without its tag index)', args: ['-t', 'set', '-d', String(ENTRY_BYTES), '-r', '10000'] },
  {
    name: 'EVAL of the rate-limit count, one hit (PTTL, GET, INCRBY, PTTL)',
    args: ['EVAL', COUNT_HITS, '2', 'rate:__rand_int__', 'rate:__rand_int__:block', '60000', '1000000', '60000', '1'],
    random: true,
  },
  { name: 'PUBLISH of an invalidation message (no subscriber)', args: ['PUBLISH', 'channel', 'x'.repeat(200)] },
];

function run(url, kind) {
  const { port } = new URL(url);
  const args = ['-h', '127.0.0.1', '-p', port, '-n', String(REQUESTS), '-c', String(CLIENTS), '--csv'];
  if (kind.random) args.push('-r', '10000');
  const output = execFileSync('redis-benchmark', [...args, ...kind.args], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  // CSV: a header, then "name","rps",... per test.
  const line = output.trim().split('\n').at(-1);
  return Number(line.split(',')[1].replaceAll('"', ''));
}

const machine = describeMachine();
const redis = await startPrivateRedis();
const rows = [];
try {
  for (const kind of KINDS) {
    const cpuBefore = processSeconds(redis.pid);
    const requestsPerSecond = run(redis.url, kind);
    const cpuSeconds = processSeconds(redis.pid) - cpuBefore;
    const row = {
      kind: kind.name,
      requests: REQUESTS,
      requests_per_second: Math.round(requestsPerSecond),
      redis_cpu_us_per_command: Math.round((cpuSeconds / REQUESTS) * 1e6 * 10) / 10,
      commands_per_core_second: cpuSeconds > 0 ? Math.round(REQUESTS / cpuSeconds) : null,
    };
    rows.push(row);
    console.log(
      `${row.kind}: ${integer(row.requests_per_second)} req/s, ${row.redis_cpu_us_per_command} µs of Redis CPU each ` +
        `(${row.commands_per_core_second === null ? 'n/a' : integer(row.commands_per_core_second)} per core-second)`,
    );
  }
} finally {
  await redis.stop();
}
const report = {
  generated_at: new Date().toISOString(),
  machine: { ...machine, load_average_at_end: loadavg().map((value) => Math.round(value * 100) / 100) },
  redis_version: execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim(),
  settings: { requests: REQUESTS, clients: CLIENTS, entry_bytes: ENTRY_BYTES },
  rows,
};
writeAtomically(join(RESULTS, 'redis-capacity.json'), `${JSON.stringify(report, null, 2)}\n`);
writeAtomically(
  join(RESULTS, 'redis-capacity.md'),
  `# One Redis core with Tiffin's commands

${report.generated_at} on ${machine.cpu_model} (${machine.cores} cores), ${report.redis_version}; load average ${machine.load_average_at_start.join(' / ')} at start,
${report.machine.load_average_at_end.join(' / ')} at the end; commit ${machine.git_commit ?? 'unknown'}. redis-benchmark, ${CLIENTS} connections, ${integer(REQUESTS)} requests
per kind, no pipelining, against a Redis of its own on loopback; the benchmark client shares the machine.

| Command | req/s | Redis CPU per command (µs) | commands per Redis core-second |
|---|---:|---:|---:|
${rows.map((row) => `| ${row.kind} | ${integer(row.requests_per_second)} | ${row.redis_cpu_us_per_command} | ${row.commands_per_core_second === null ? 'n/a' : integer(row.commands_per_core_second)} |`).join('\n')}
`,
);
console.log('results written to bench/results/redis-capacity.md and redis-capacity.json');
