// Where Postgres spends a write's time: one workload of the suite with writes (mixed, or writes alone) on the cache-on build,
// with pg_stat_statements counting every statement over the measured window (the statements inside
// the write functions too). Needs a Postgres that preloads pg_stat_statements (BENCH_DATABASE_URL;
// how to start one is in bench/README.md). See bench/README.md.
// Usage: node bench/write-statements.mjs [--workload mixed|writes|place|advance|review] [--scale small] [--duration 15] [--warmup 3] [--connections 32] [--top 25]
import { join } from 'node:path';
import pg from 'pg';
import { BenchFailure } from './lib/failure.mjs';
import { measure } from './lib/load.mjs';
import { readCommandLine } from './lib/options.mjs';
import { describeMachine, integer, writeAtomically } from './lib/report.mjs';
import { log, runBenchSession } from './lib/session.mjs';
import { applyScale, prepare, warm, workloadTraffic } from './lib/suite.mjs';
import { requestsFor } from './lib/workload.mjs';

const RESULTS = join(import.meta.dirname, 'results');
const OPTIONS = ['workload', 'scale', 'restaurants', 'customers', 'orders', 'duration', 'warmup', 'connections', 'top'];

/** The statements of this database only, by total time; `toplevel` false: run inside a function. */
const STATEMENTS = `
  SELECT toplevel, calls, total_exec_time, mean_exec_time, shared_blks_hit, shared_blks_read, shared_blks_dirtied,
         shared_blks_written, wal_fpi, wal_bytes, regexp_replace(query, '\\s+', ' ', 'g') AS query
    FROM pg_stat_statements
   WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
   ORDER BY total_exec_time DESC`;

/** The suite's workloads with writes; the mixed one reads a warmed cache, as in the suite. */
const TITLES = {
  writes: 'writes alone',
  place: 'orders placed alone',
  advance: 'status changes alone',
  review: 'reviews alone',
  mixed: 'mixed traffic (95% hot reads, 5% writes), per write',
};
const WARMED = ['mixed'];
const RESET = `SELECT pg_stat_statements_reset(), pg_stat_reset_shared('wal'), pg_stat_reset_shared('bgwriter')`;

/** What the whole cluster did over the window: WAL written, and who wrote dirty buffers out. */
const CLUSTER = `
  SELECT w.wal_records, w.wal_fpi, w.wal_bytes::bigint AS wal_bytes, w.wal_write, w.wal_sync,
         b.checkpoints_timed + b.checkpoints_req AS checkpoints, b.buffers_checkpoint, b.buffers_clean,
         b.buffers_backend, b.buffers_alloc
    FROM pg_stat_wal w, pg_stat_bgwriter b`;

async function enableStatements(url, databaseName) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    // Nested statements too; for the app's connections, which open after this.
    await client.query(`ALTER DATABASE "${databaseName}" SET pg_stat_statements.track = 'all'`);
  } catch (error) {
    throw new BenchFailure(
      `pg_stat_statements is not usable on this Postgres (${error.message}): point BENCH_DATABASE_URL at one started with ` +
        `shared_preload_libraries=pg_stat_statements (bench/README.md)`,
    );
  } finally {
    await client.end();
  }
}

async function run(session, options) {
  if (!(options.workload in TITLES))
    throw new BenchFailure(`--workload ${options.workload} has no writes: use one of ${Object.keys(TITLES).join(', ')}`);
  const machine = describeMachine();
  await enableStatements(session.database.url, session.database.name);
  const context = await prepare(session, options);
  try {
    const { traffic, apps, benchDb } = context;
    const app = apps.on;
    const { pick, onAnswer, admin } = workloadTraffic(traffic, options.workload);
    if (WARMED.includes(options.workload)) await warm(context, app, traffic.hotReadPaths());
    log(
      `loading ${options.workload} on ${app.name}: ${options.warmup} s warm-up + ${options.duration} s measured, ${options.connections} connections`,
    );
    // The writes answered in the window, by kind (a mixed window's reads are the rest of its requests).
    const writesInWindow = { place: 0, advance: 0, review: 0 };
    let inWindow = false;
    const result = await measure(`${app.baseUrl}/`, app.child.pid, {
      ...options,
      requests: requestsFor(pick, {
        token: context.token,
        everyRequest: admin,
        onAnswer: (chosen, status, body) => {
          if (inWindow && chosen.kind && status < 300) writesInWindow[chosen.kind]++;
          onAnswer?.(chosen, status, body);
        },
      }),
      beforeWindow: async () => {
        await benchDb.query(RESET);
        inWindow = true;
      },
    });
    const writes = writesInWindow.place + writesInWindow.advance + writesInWindow.review;
    if (writes === 0) throw new BenchFailure(`no write was answered in the ${options.workload} window`);
    const { rows } = await benchDb.query(STATEMENTS);
    const [cluster] = (await benchDb.query(CLUSTER)).rows;
    const postgresUs = (result.cpu_cores?.postgres ?? Number.NaN) * result.seconds * 1e6;
    const serverUs = (result.cpu_cores?.server ?? Number.NaN) * result.seconds * 1e6;
    const perWrite = (count) => (Number(count) / writes).toFixed(2);
    const perCall = (row, column) => (Number(row[column]) / row.calls).toFixed(2);
    const msPerWrite = (ms) => (ms / writes).toFixed(3);
    const topLevelMs = rows.filter((row) => row.toplevel).reduce((sum, row) => sum + row.total_exec_time, 0);
    const markdown = [
      `# Postgres statements of the ${TITLES[options.workload]}`,
      '',
      `${new Date().toISOString()} on ${machine.cpu_model} (${machine.cores} cores), Node ${process.version}, commit ${machine.git_commit}, ` +
        `load average ${machine.load_average_at_start.join(' / ')} at the start; scale \`${options.scale}\` (${integer(context.sizes.orders)} orders), ` +
        `${options.connections} connections, ${options.duration} s measured.`,
      '',
      `${integer(result.requests)} requests in the window (${integer(result.requests_per_second)} per second), ${integer(writes)} of them ` +
        `writes answered 2xx (${Object.entries(writesInWindow)
          .map(([kind, count]) => `${kind} ${integer(count)}`)
          .join(', ')}), ${result.non2xx} non-2xx, ${result.errors} errors.`,
      `Postgres at ${result.cpu_cores?.postgres ?? 'n/a'} of a core: ${integer(postgresUs / writes)} µs of Postgres CPU per write; ` +
        `the server at ${result.cpu_cores?.server ?? 'n/a'}: ${integer(serverUs / writes)} µs per write` +
        (WARMED.includes(options.workload) ? " (all of the window's CPU, reads included, over its writes)." : '.'),
      `Time in the statements the app sent (top level), per write: ${msPerWrite(topLevelMs)} ms. Mean times are wall time in Postgres ` +
        "(a nested statement's time is also in its function's).",
      '',
      `The cluster over the window, per write: ${perWrite(cluster.wal_records)} WAL records, ${perWrite(cluster.wal_fpi)} full-page images, ` +
        `${integer(cluster.wal_bytes / writes)} bytes of WAL (${cluster.wal_sync} syncs in all); ${perWrite(cluster.buffers_alloc)} buffers ` +
        `allocated, dirty buffers written out by backends ${perWrite(cluster.buffers_backend)}, by the background writer ` +
        `${perWrite(cluster.buffers_clean)}, by checkpoints ${perWrite(cluster.buffers_checkpoint)} (${cluster.checkpoints} checkpoints).`,
      "Blocks are 8 kB pages of shared buffers: hit (found there), read (from the OS), dirtied, written (by the statement's backend), per call.",
      '',
      '| level | calls | per write | total ms | mean ms | hit | read | dirtied | written | WAL FPI | WAL bytes | statement |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
      ...rows
        .slice(0, options.top)
        .map(
          (row) =>
            `| ${row.toplevel ? 'top' : 'nested'} | ${integer(row.calls)} | ${(row.calls / writes).toFixed(2)} | ` +
            `${integer(row.total_exec_time)} | ${row.mean_exec_time.toFixed(3)} | ${perCall(row, 'shared_blks_hit')} | ` +
            `${perCall(row, 'shared_blks_read')} | ${perCall(row, 'shared_blks_dirtied')} | ${perCall(row, 'shared_blks_written')} | ` +
            `${perCall(row, 'wal_fpi')} | ${integer(Number(row.wal_bytes) / row.calls)} | \`${row.query.slice(0, 110).replaceAll('|', '\\|')}\` |`,
        ),
    ].join('\n');
    writeAtomically(join(RESULTS, 'write-statements.md'), `${markdown}\n`);
    console.log(`\n${markdown}\n`);
    log('written to bench/results/write-statements.md');
  } finally {
    await context.close();
  }
}

const options = readCommandLine(
  'bench/write-statements.mjs',
  OPTIONS,
  'Build first (npm run build). BENCH_DATABASE_URL: a Postgres preloading pg_stat_statements.',
);
applyScale(process.argv.slice(2), options);
process.exit(await runBenchSession((session) => run(session, options)));
