// The tag index's footprint and the cost of invalidating a large tag, against the real Redis and
// the built cache tier (dist/). Run with `npm run bench:tags` (REDIS_URL, default
// redis://127.0.0.1:6379). See bench/README.md.
//
// 1. Stores the entries of N distinct anonymous restaurant searches (each a different free-text
//    `location`, finding nothing) exactly as the app does (key, tags and TTL from the route's
//    policy, through SET_IF_NOT_INVALIDATED), reports Redis memory, then waits until the entries
//    expire and checks the tag sets expired with them.
// 2. Stores N entries under one tag and invalidates it, with SLOWLOG recording every command, and
//    reports the longest single Redis call of the invalidation. slowlog-* settings are restored.
import { createClient } from '@keyv/redis';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildEntry } from '../dist/cache/cache-entry.js';
import { cacheKeyFor } from '../dist/cache/cache-keys.js';
import { cacheKeyOf } from '../dist/cache/cache-namespaces.js';
import { CachePolicies } from '../dist/cache/cache-policies.js';
import { INVALIDATION_CHUNK, RedisTier } from '../dist/cache/redis-tier.js';
import { describeMachine, writeAtomically } from './lib/report.mjs';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const COUNT = Number(process.env.BENCH_TAG_COUNT ?? 100_000);
/** Short, so the run can watch the index expire; the production search TTL is 300 s, the mechanism the same. */
const SEARCH_TTL_MS = Number(process.env.BENCH_TAG_TTL_MS ?? 150_000);
const IN_FLIGHT = 64;
/** Which parts to run (comma-separated): `memory`, `invalidation`; both by default, and only a full run writes the results file. */
const PARTS = (process.env.BENCH_TAG_PARTS ?? 'memory,invalidation').split(',');
const CLIENT_NAME = `tiffin-bench-tags-${randomBytes(3).toString('hex')}`;
const RESULTS = join(import.meta.dirname, 'results');

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;

async function usedMemory(client) {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

async function scanKeys(client, match) {
  const found = [];
  for await (const keys of client.scanIterator({ MATCH: match, COUNT: 1000 })) found.push(...keys);
  return found;
}

/** The bytes Redis attributes to each key under the prefix (MEMORY USAGE, every member counted). */
async function footprint(client, prefix) {
  const keys = await scanKeys(client, `${prefix}:*`);
  let entries = 0;
  let tagSets = 0;
  let other = 0;
  for (let start = 0; start < keys.length; start += 1000) {
    const batch = keys.slice(start, start + 1000);
    const usages = await Promise.all(batch.map((key) => client.memoryUsage(key, { SAMPLES: 0 })));
    batch.forEach((key, index) => {
      const bytes = Number(usages[index] ?? 0);
      if (key.startsWith(`${prefix}:_meta:tag:`)) tagSets += bytes;
      else if (key.startsWith(`${prefix}:_meta:`)) other += bytes;
      else entries += bytes;
    });
  }
  const tagSetKeys = keys.filter((key) => key.startsWith(`${prefix}:_meta:tag:`));
  return { keys: keys.length, tag_sets: tagSetKeys.length, entry_bytes: entries, tag_set_bytes: tagSets, meta_bytes: other };
}

async function startTier(prefix) {
  const tier = new RedisTier({
    url: REDIS_URL,
    prefix,
    timeoutMs: 5000,
    invalidationTimeoutMs: 60_000,
    onError: () => {},
    onBusReady: () => {},
  });
  tier.start();
  const deadline = Date.now() + 10_000;
  while (!tier.ready) {
    if (Date.now() > deadline) throw new Error(`Redis at ${REDIS_URL} not ready`);
    await sleep(20);
  }
  await tier.client.clientSetName(CLIENT_NAME);
  return tier;
}

/** Stores `count` search entries as the app would for anonymous searches finding nothing. */
async function storeSearches(tier, count, ttlMs, label) {
  const policy = CachePolicies.restaurantSearch;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const query = { location: `${label}-${index}-${randomBytes(4).toString('hex')}` };
      const payload = [];
      const tags = [...policy.tags({}, query), ...policy.resultTags(payload, query)];
      const entry = buildEntry({ body: JSON.stringify(payload), total: 0, tags, ttlMs }, 1);
      const key = cacheKeyOf(policy.namespace, cacheKeyFor(policy, {}, query));
      if (!(await tier.setIfNotInvalidated(key, entry, await tier.sequence()))) throw new Error(`store refused: ${key}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return Math.round(performance.now() - started);
}

async function memoryAfterSearches(client, prefix) {
  const tier = await startTier(prefix);
  try {
    const before = await usedMemory(client);
    const storeMs = await storeSearches(tier, COUNT, SEARCH_TTL_MS, 'memory');
    const after = await usedMemory(client);
    const stored = await footprint(client, prefix);
    const tagKeys = await scanKeys(client, `${prefix}:_meta:tag:*`);
    const tagTtls = await Promise.all(tagKeys.map(async (key) => [key.slice(prefix.length + 11), await client.pTTL(key)]));
    // Redis expires the entries; the tag sets (whose TTL is their newest entry's) must follow.
    const waitStarted = performance.now();
    while ((await client.exists(tagKeys)) > 0 && performance.now() - waitStarted < SEARCH_TTL_MS + 60_000) await sleep(500);
    const expired = await footprint(client, prefix);
    return {
      searches: COUNT,
      entry_ttl_ms: SEARCH_TTL_MS,
      store_ms: storeMs,
      used_memory_delta_mb: mb(after - before),
      footprint_mb: { entries: mb(stored.entry_bytes), tag_sets: mb(stored.tag_set_bytes), meta: mb(stored.meta_bytes) },
      keys: stored.keys,
      tag_sets: stored.tag_sets,
      tag_set_ttls_ms: Object.fromEntries(tagTtls),
      after_expiry: {
        waited_ms: Math.round(performance.now() - waitStarted),
        keys_left: expired.keys,
        tag_sets_left: expired.tag_sets,
        bytes_left: expired.entry_bytes + expired.tag_set_bytes + expired.meta_bytes,
      },
    };
  } finally {
    await tier.stop();
  }
}

async function slowlogSettings(client) {
  const config = await client.configGet('slowlog-*');
  return { threshold: config['slowlog-log-slower-than'], maxLen: config['slowlog-max-len'] };
}

async function invalidationCalls(client, prefix) {
  const tier = await startTier(prefix);
  const saved = await slowlogSettings(client);
  try {
    // Fill one tag quickly (pipelines), as SET_IF_NOT_INVALIDATED leaves it: entries plus a tag set with a TTL.
    const tagSet = `${prefix}:_meta:tag:restaurants:lists`;
    for (let start = 0; start < COUNT; start += 1000) {
      const multi = client.multi();
      const batch = Array.from(
        { length: Math.min(1000, COUNT - start) },
        (_, index) => `${prefix}:search:restaurant-search?location=slowlog-${start + index}`,
      );
      for (const key of batch) multi.set(key, '{"value":{"body":"[]"}}', { PX: 600_000 });
      multi.sAdd(tagSet, batch);
      multi.pExpire(tagSet, 600_000);
      await multi.exec();
    }
    const members = await client.sCard(tagSet);
    const [last] = await client.sendCommand(['SLOWLOG', 'GET', '1']);
    const lastId = last ? Number(last[0]) : -1;
    await client.configSet({ 'slowlog-log-slower-than': '0', 'slowlog-max-len': '100000' });
    let callsMade = 0;
    const evaluate = tier.client.eval.bind(tier.client);
    tier.client.eval = (...args) => (callsMade++, evaluate(...args));
    const started = performance.now();
    const { removed } = await tier.invalidateTags(['restaurants:lists']);
    const wallMs = performance.now() - started;
    const log = await client.sendCommand(['SLOWLOG', 'GET', '-1']);
    await client.configSet({ 'slowlog-log-slower-than': saved.threshold, 'slowlog-max-len': saved.maxLen });
    const ours = log
      .filter((entry) => Number(entry[0]) > lastId && entry[5] === CLIENT_NAME)
      .map((entry) => ({ micros: Number(entry[2]), command: String(entry[3][0]) }));
    const durations = ours.map((entry) => entry.micros).sort((a, b) => a - b);
    const leftover = await client.exists(tagSet);
    return {
      tag_members: members,
      chunk: INVALIDATION_CHUNK,
      entries_removed: removed.length,
      tag_set_left: leftover === 1,
      redis_calls_made: callsMade,
      // SLOWLOG keeps at most slowlog-max-len entries of every client; fewer than made means some were pushed out.
      redis_calls_logged: ours.length,
      longest_call_ms: durations.length ? durations.at(-1) / 1000 : null,
      median_call_ms: durations.length ? durations[Math.floor(durations.length / 2)] / 1000 : null,
      total_redis_ms: Math.round(durations.reduce((sum, micros) => sum + micros, 0) / 100) / 10,
      wall_ms: Math.round(wallMs),
      calls_over_10_ms: durations.filter((micros) => micros > 10_000).length,
    };
  } finally {
    const now = await slowlogSettings(client);
    if (now.threshold !== saved.threshold || now.maxLen !== saved.maxLen) {
      await client.configSet({ 'slowlog-log-slower-than': saved.threshold, 'slowlog-max-len': saved.maxLen });
    }
    await tier.stop();
  }
}

async function deleteUnder(client, prefix) {
  for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) if (keys.length) await client.unlink(keys);
}

const client = createClient({ url: REDIS_URL });
await client.connect();
const prefix = `tiffin-bench-tags-${randomBytes(4).toString('hex')}`;
try {
  const machine = describeMachine();
  const server = /redis_version:(\S+)/.exec(await client.info('server'))[1];
  const policy = (await client.configGet('maxmemory-policy'))['maxmemory-policy'];
  let memory = null;
  if (PARTS.includes('memory')) {
    console.log(`Storing ${COUNT} anonymous search entries (TTL ${SEARCH_TTL_MS} ms) under ${prefix} ...`);
    memory = await memoryAfterSearches(client, `${prefix}-m`);
    console.log(JSON.stringify(memory, null, 2));
  }
  let invalidation = null;
  if (PARTS.includes('invalidation')) {
    console.log(`Invalidating a ${COUNT}-member tag with SLOWLOG recording every call ...`);
    invalidation = await invalidationCalls(client, `${prefix}-i`);
    console.log(JSON.stringify(invalidation, null, 2));
  }
  const report = {
    measured_at: new Date().toISOString(),
    machine: {
      ...machine,
      redis: server,
      maxmemory_policy: policy,
      load_average_at_end: loadavg().map((value) => Math.round(value * 100) / 100),
    },
    memory,
    invalidation,
  };
  if (memory && invalidation) {
    writeAtomically(join(RESULTS, 'tag-index.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`Written to ${join(RESULTS, 'tag-index.json')}`);
  }
} finally {
  await deleteUnder(client, `${prefix}-m`);
  await deleteUnder(client, `${prefix}-i`);
  await client.close();
}
