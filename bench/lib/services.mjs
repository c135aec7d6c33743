import { createClient } from '@keyv/redis';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { BenchFailure } from './failure.mjs';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Where the bench finds Postgres (an admin URL: it creates and drops its own database) and Redis.
 * Without BENCH_REDIS_URL, `redisUrl` is undefined: the session starts a Redis of its own.
 */
export function serviceUrls(env = process.env) {
  return {
    adminDatabaseUrl: env.BENCH_DATABASE_URL || DEFAULT_DATABASE_URL,
    redisUrl: env.BENCH_REDIS_URL || undefined,
  };
}

const redact = (url) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

async function withAdmin(adminUrl, work) {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await client.connect().catch((error) => {
    throw new BenchFailure(`Postgres at ${redact(adminUrl)} is not reachable (${error.message}); set BENCH_DATABASE_URL`);
  });
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database `tiffin_bench_<random>` on the admin URL's server; `drop()` removes it. */
export async function createBenchDatabase(adminUrl) {
  const name = `tiffin_bench_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

/** Runs `work` with a short-lived client of the Redis at `redisUrl`. */
export async function withRedis(redisUrl, work) {
  const client = createClient({
    url: redisUrl,
    disableOfflineQueue: true,
    socket: { connectTimeout: 3000, reconnectStrategy: false },
  });
  client.on('error', () => {});
  await client.connect().catch((error) => {
    throw new BenchFailure(`Redis at ${redact(redisUrl)} is not reachable (${error.message}); set BENCH_REDIS_URL`);
  });
  try {
    return await work(client);
  } finally {
    await client.close().catch(() => client.destroy());
  }
}

async function keysUnder(client, prefix, onBatch) {
  let count = 0;
  for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) {
    if (keys.length === 0) continue;
    count += keys.length;
    await onBatch(keys);
  }
  return count;
}

/** MEMORY USAGE (bytes, all samples) of up to `limit` keys matching `pattern`, and how many keys match. */
async function memoryUsage(client, pattern, limit) {
  const bytes = [];
  let keys = 0;
  for await (const batch of client.scanIterator({ MATCH: pattern, COUNT: 500 })) {
    keys += batch.length;
    for (const key of batch) {
      if (bytes.length >= limit) continue;
      const usage = await client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']);
      if (usage !== null) bytes.push(Number(usage));
    }
  }
  return { keys, sampled: bytes.length, bytes };
}

/** Deletes the keys under `{prefix}:` (SCAN + UNLINK) and nothing else; returns how many. */
export const deleteKeysUnder = (redisUrl, prefix) =>
  withRedis(redisUrl, (client) => keysUnder(client, prefix, (keys) => client.unlink(keys)));

/**
 * A CACHE_PREFIX of our own (the app keeps every key under `{prefix}:`). `cleanUp()` deletes the
 * keys under it with SCAN + UNLINK and nothing else, and returns how many it deleted.
 */
export async function createBenchPrefix(redisUrl) {
  const prefix = `tiffin-bench-${randomBytes(4).toString('hex')}`;
  const existing = await withRedis(redisUrl, (client) => keysUnder(client, prefix, async () => {}));
  if (existing > 0) throw new BenchFailure(`Redis already holds keys under "${prefix}:"; refusing to share them`);
  return {
    prefix,
    countKeys: () => withRedis(redisUrl, (client) => keysUnder(client, prefix, async () => {})),
    cleanUp: () => deleteKeysUnder(redisUrl, prefix),
    memoryUsage: (pattern, limit) => withRedis(redisUrl, (client) => memoryUsage(client, `${prefix}:${pattern}`, limit)),
  };
}
