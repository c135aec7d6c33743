// Where Postgres spends a write's time: the suite's mixed writes alone against the cache-on build,
// with pg_stat_statements counting every statement over the measured window (the statements inside
// the write functions too). Needs a Postgres that preloads pg_stat_statements (BENCH_DATABASE_URL;
// how to start one is in bench/README.md). See bench/README.md.
// Usage: node bench/write-statements.mjs [--scale small] [--duration 15] [--warmup 3] [--connections 32] [--top 25]
import { join } from 'node:path';
import pg from 'pg';
import { BenchFailure } from './lib/failure.mjs';
import { measure } from './lib/load.mjs';
import { readCommandLine } from './lib/options.mjs';
import { describeMachine, integer, writeAtomically } from './lib/report.mjs';
import { log, runBenchSession } from './lib/session.mjs';
import { applyScale, prepare } from './lib/suite.mjs';
import { requestsFor, WriteState } from './lib/workload.mjs';

const RESULTS = join(import.meta.dirname, 'results');
const OPTIONS = ['scale', 'restaurants', 'customers', 'orders', 'duration', 'warmup', 'connections', 'top'];

/** The statements of this database only, by total time; `toplevel` false: run inside a function. */
const STATEMENTS = `
  SELECT toplevel, calls, total_exec_time, mean_exec_time, regexp_replace(query, '\\s+', ' ', 'g') AS query
    FROM pg_stat_statements
   WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
   ORDER BY total_exec_time DESC`;

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
  const machine = describeMachine();
  await enableStatements(session.database.url, session.database.name);
  const context = await prepare(session, options);
  try {
    const { traffic, apps, benchDb } = context;
    const app = apps.on;
    const writes = new WriteState(traffic);
    log(
      `loading the writes on ${app.name}: ${options.warmup} s warm-up + ${options.duration} s measured, ${options.connections} connections`,
    );
    const result = await measure(`${app.baseUrl}/`, app.child.pid, {
      ...options,
      requests: requestsFor(() => writes.next(), {
        token: context.token,
        everyRequest: true,
        onAnswer: (chosen, status, body) => writes.settle(chosen, status, body),
      }),
      beforeWindow: () => benchDb.query('SELECT pg_stat_statements_reset()'),
    });
    const { rows } = await benchDb.query(STATEMENTS);
    const msPerWrite = (ms) => (ms / result.requests).toFixed(3);
    const topLevelMs = rows.filter((row) => row.toplevel).reduce((sum, row) => sum + row.total_exec_time, 0);
    const markdown = [
      '# Postgres statements of the writes alone',
      '',
      `${new Date().toISOString()} on ${machine.cpu_model} (${machine.cores} cores), Node ${process.version}, commit ${machine.git_commit}, ` +
        `load average ${machine.load_average_at_start.join(' / ')} at the start; scale \`${options.scale}\` (${integer(context.sizes.orders)} orders), ` +
        `${options.connections} connections, ${options.duration} s measured.`,
      '',
      `${integer(result.requests)} writes in the window (${integer(result.requests_per_second)} per second), ${result.non2xx} non-2xx, ` +
        `${result.errors} errors; 2xx answers over warm-up and window: ` +
        `${Object.entries(writes.counts)
          .map(([kind, count]) => `${kind} ${integer(count)}`)
          .join(', ')}.`,
      `Postgres at ${result.cpu_cores?.postgres ?? 'n/a'} of a core: ${integer(result.postgres_cpu_us_per_request)} µs of Postgres CPU per write; ` +
        `the server at ${result.cpu_cores?.server ?? 'n/a'}: ${integer(result.server_cpu_us_per_request)} µs per write.`,
      `Time in the statements the app sent (top level), per write: ${msPerWrite(topLevelMs)} ms. Mean times are wall time in Postgres ` +
        "(a nested statement's time is also in its function's).",
      '',
      '| level | calls | per write | total ms | mean ms | statement |',
      '|---|---:|---:|---:|---:|---|',
      ...rows
        .slice(0, options.top)
        .map(
          (row) =>
            `| ${row.toplevel ? 'top' : 'nested'} | ${integer(row.calls)} | ${(row.calls / result.requests).toFixed(2)} | ` +
            `${integer(row.total_exec_time)} | ${row.mean_exec_time.toFixed(3)} | \`${row.query.slice(0, 110).replaceAll('|', '\\|')}\` |`,
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
