import { setTimeout as sleep } from 'node:timers/promises';
import { withRedis } from './services.mjs';

/**
 * Counters read before and after a measured window and diffed: the app's cache counters (from its
 * /metrics), Redis's command and byte counts, and the bench database's transaction and tuple counts (pg_stat_database; Postgres
 * publishes a backend's counts at most about once a second, hence the pause before each read).
 */

const CACHE_SERIES = {
  tiffin_cache_misses_total: 'misses',
  tiffin_cache_loads_total: 'loads',
  tiffin_cache_bypasses_total: 'bypasses',
  tiffin_cache_stale_served_total: 'stale_serves',
  tiffin_cache_sets_total: 'sets',
  tiffin_cache_sets_refused_total: 'sets_refused',
  tiffin_cache_invalidations_total: 'invalidations',
  tiffin_cache_errors_total: 'errors',
};
const STATS_SETTLE_MS = 1500;

const zeroCounters = () => ({ hits_l1: 0, hits_l2: 0, ...Object.fromEntries(Object.values(CACHE_SERIES).map((name) => [name, 0])) });

/** Cache counters by namespace, from the Prometheus text of GET /metrics. */
export async function cacheCounters(app, token) {
  const response = await fetch(`${app.baseUrl}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  const byNamespace = {};
  const counters = (namespace) => (byNamespace[namespace] ??= zeroCounters());
  for (const line of (await response.text()).split('\n')) {
    const match = /^(tiffin_cache_[a-z_]+)\{([^}]*)\} ([0-9.e+-]+)$/.exec(line);
    if (!match) continue;
    const [, name, labels, value] = match;
    const namespace = /namespace="([^"]+)"/.exec(labels)?.[1];
    if (!namespace) continue;
    if (name === 'tiffin_cache_hits_total') {
      const tier = /tier="([^"]+)"/.exec(labels)?.[1];
      counters(namespace)[tier === 'l1' ? 'hits_l1' : 'hits_l2'] += Number(value);
    } else if (CACHE_SERIES[name]) {
      counters(namespace)[CACHE_SERIES[name]] += Number(value);
    }
  }
  return byNamespace;
}

export function diffCache(before, after) {
  const total = zeroCounters();
  const namespaces = {};
  for (const [namespace, counters] of Object.entries(after)) {
    const diff = {};
    for (const [name, value] of Object.entries(counters)) {
      diff[name] = value - (before[namespace]?.[name] ?? 0);
      total[name] += diff[name];
    }
    if (Object.values(diff).some((value) => value !== 0)) namespaces[namespace] = diff;
  }
  const hits = total.hits_l1 + total.hits_l2;
  const lookups = hits + total.misses + total.stale_serves;
  return { ...total, hit_ratio: lookups > 0 ? hits / lookups : null, namespaces };
}

export async function databaseCounters(admin, databaseName) {
  await sleep(STATS_SETTLE_MS);
  const { rows } = await admin.query(
    `SELECT xact_commit + xact_rollback AS transactions, tup_returned, tup_fetched, tup_inserted + tup_updated + tup_deleted AS tup_written,
            blks_read, blks_hit
       FROM pg_stat_database WHERE datname = $1`,
    [databaseName],
  );
  return Object.fromEntries(Object.entries(rows[0]).map(([name, value]) => [name, Number(value)]));
}

export function diffDatabase(before, after) {
  return Object.fromEntries(Object.keys(after).map((name) => [name, after[name] - before[name]]));
}

/**
 * Redis's own counters (INFO stats and commandstats): commands processed, bytes in and out, calls
 * per command. Read before and after a window and diffed: with the bench's own Redis they count
 * its apps' commands alone.
 */
export function redisCounters(redisUrl) {
  return withRedis(redisUrl, async (client) => {
    const info = await client.info('all');
    const field = (name) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN);
    const commands = {};
    for (const [, command, calls] of info.matchAll(/^cmdstat_([a-z|_-]+):calls=(\d+)/gm)) commands[command] = Number(calls);
    return {
      commands: field('total_commands_processed'),
      bytes_in: field('total_net_input_bytes'),
      bytes_out: field('total_net_output_bytes'),
      by_command: commands,
    };
  });
}

/**
 * The difference of two {@link redisCounters} readings, less the INFO call of the first (the few
 * connection set-up commands of each reading's client stay in: a handful against a window's thousands).
 */
export function diffRedis(before, after) {
  const byCommand = {};
  for (const [command, calls] of Object.entries(after.by_command)) {
    const diff = calls - (before.by_command[command] ?? 0) - (command === 'info' ? 1 : 0);
    if (diff > 0) byCommand[command] = diff;
  }
  return {
    commands: after.commands - before.commands - 1,
    bytes_in: after.bytes_in - before.bytes_in,
    bytes_out: after.bytes_out - before.bytes_out,
    by_command: byCommand,
  };
}
