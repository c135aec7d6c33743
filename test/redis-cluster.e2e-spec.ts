import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { TieredCache } from '../src/cache/tiered-cache.js';
import { RateLimitCounter } from '../src/redis/rate-limit-counter.js';
import { RedisConnection, SharedRedis } from '../src/redis/redis-connection.js';
import { eventually } from './support/eventually.js';
import { insertRestaurant } from './support/fixtures.js';
import { type KilledMaster, redisClusterForSuite, type RedisClusterHarness } from './support/redis-cluster.js';
import { SERVER_DATABASE_URL, IN_CI } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SUITE = 'test/redis-cluster.e2e-spec.ts';
if (!SERVER_DATABASE_URL && IN_CI) throw new Error(`${SUITE} needs DATABASE_URL (a Postgres server) under CI=true`);
const cluster = SERVER_DATABASE_URL ? await redisClusterForSuite(SUITE) : undefined;
if (!SERVER_DATABASE_URL) console.warn(`SKIPPED ${SUITE}: two instances need a Postgres server (set DATABASE_URL)`);
const describeOnCluster = cluster ? describe : describe.skip;

const ENTRIES = 90;

describeOnCluster('Tiffin on a Redis Cluster (3 masters, 1 replica each)', () => {
  const prefix = `tiffin-cluster-${randomBytes(4).toString('hex')}`;
  let harness: RedisClusterHarness;
  let a: TestApp;
  let b: TestApp;
  let restaurants: number[] = [];

  const env = () => ({
    REDIS_CLUSTER_NODES: harness.seeds,
    CACHE_PREFIX: prefix,
    CACHE_LEASE_WAIT_MS: '10000',
  });
  const outcome = async (app: TestApp, path: string) => (await app.http.get(path)).headers.get('x-cache');

  /** Our keys on each master now, by SCAN on the node itself. */
  const keysPerMaster = async (match: string): Promise<Map<number, string[]>> => {
    const perMaster = new Map<number, string[]>();
    for (const port of await harness.masterPorts()) perMaster.set(port, await harness.scan(port, match));
    return perMaster;
  };

  beforeAll(async () => {
    harness = cluster!;
    a = await startTestApp({ env: env() });
    b = await startTestApp({ env: env(), database: a.database });
    for (const app of [a, b])
      await eventually('the cluster connection subscribed', () => app.app.get(SharedRedis).connection?.subscriptionsReady);
    restaurants = [];
    for (let index = 0; index < ENTRIES; index++) restaurants.push(await insertRestaurant(a.db, { name: `Clustered ${index}` }));
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await harness?.stop();
  });

  it('answers MISS, HIT-L1 on the same instance, and HIT-L2 from the cluster on the other', async () => {
    const path = `/restaurants/${restaurants[0]}`;
    expect(await outcome(a, path)).toBe('MISS');
    expect(await outcome(a, path)).toBe('HIT-L1');
    expect(await outcome(b, path)).toBe('HIT-L2');
  });

  it('spreads entries over every master, each next to the tag-set shards that index it', async () => {
    for (const id of restaurants) await a.http.get(`/restaurants/${id}`);
    const entries = await keysPerMaster(`${prefix}:restaurants:*`);
    const counts = [...entries.values()].map((keys) => keys.length);
    console.log(
      `entries per master (${ENTRIES} restaurants read): ${JSON.stringify(Object.fromEntries([...entries].map(([port, keys]) => [port, keys.length])))}`,
    );
    expect(counts).toHaveLength(3);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(ENTRIES);
    // Twelve key groups, four per master: about a third each (hash of the cache key picks the group).
    for (const count of counts) expect(count).toBeGreaterThan(ENTRIES / 6);
    const tagSets = await keysPerMaster(`${prefix}:_meta:tag:*`);
    for (const [port, keys] of entries) {
      const groups = new Set(keys.map((key) => /\{[^}]*\}/.exec(key)![0]));
      const sets = tagSets.get(port)!;
      for (const group of groups) expect(sets.some((set) => set.includes(group))).toBe(true);
    }
  });

  it('a write on A reaches B: no stale read, whatever slot the entry is in', async () => {
    for (const id of restaurants.slice(0, 12)) {
      const path = `/restaurants/${id}`;
      await b.http.get(path);
      expect(await outcome(b, path)).toBe('HIT-L1');
      const renamed = `Renamed ${id}`;
      expect((await a.admin.put(path, { name: renamed })).status).toBe(200);
      expect((await b.http.get(path)).body.name).toBe(renamed);
    }
  });

  it('invalidates a tag whose entries are spread over every master', async () => {
    for (let skip = 0; skip < 36; skip++) await b.http.get(`/restaurants?skip=${skip}&limit=1`);
    const before = [...(await keysPerMaster(`${prefix}:restaurants:*skip*`)).values()];
    expect(before.every((keys) => keys.length > 0)).toBe(true);
    const created = await a.admin.post('/restaurants', {
      name: 'Invalidates Lists',
      cuisine_type: 'Thai',
      address: '1 Slot St',
      phone_number: '+1-555-0100',
    });
    expect(created.status).toBe(201);
    const after = [...(await keysPerMaster(`${prefix}:restaurants:*skip*`)).values()];
    expect(after.flat()).toEqual([]);
    expect(await outcome(b, '/restaurants?skip=0&limit=1')).toBe('MISS');
  });

  it('lists keys and memory across every master', async () => {
    const listed: string[] = [];
    let cursor = '0';
    do {
      const page = await a.admin.get(`/cache/keys/restaurants?cursor=${cursor}&count=25`);
      expect(page.status).toBe(200);
      listed.push(...page.body.keys.map((key: { key: string }) => key.key));
      cursor = page.body.cursor;
    } while (cursor !== '0');
    const inRedis = [...(await keysPerMaster(`${prefix}:restaurants:*`)).values()].flat();
    expect(new Set(listed).size).toBe(inRedis.length);
    expect(listed.every((key) => key.startsWith('restaurants:') && !key.includes('{'))).toBe(true);
    const memory = await a.admin.get('/cache/memory-usage');
    expect(memory.status).toBe(200);
    expect(memory.body.redis.nodes).toHaveLength(3);
    const summed = memory.body.redis.nodes.reduce((sum: number, node: { used_memory_bytes: number }) => sum + node.used_memory_bytes, 0);
    expect(memory.body.redis.used_memory_bytes).toBe(summed);
  });

  it('counts rate-limit hits and hands out leases across instances', async () => {
    const key = `cluster-${randomBytes(3).toString('hex')}`;
    const counts = [];
    for (const app of [a, b, a, b]) counts.push((await app.app.get(RateLimitCounter).hit(key, 60_000, 3, 0)).hits);
    expect(counts).toEqual([1, 2, 3, 4]);
    const leaseA = await a.app.get(SharedRedis).connection!.acquireLease('cluster-test', 5000);
    expect(leaseA).toBeDefined();
    expect(await b.app.get(SharedRedis).connection!.acquireLease('cluster-test', 5000)).toBeUndefined();
    await a.app.get(SharedRedis).connection!.releaseLease('cluster-test', leaseA!);
    expect(await b.app.get(SharedRedis).connection!.acquireLease('cluster-test', 5000)).toBeDefined();
  });

  it('a clear empties every master and both instances', async () => {
    await b.http.get(`/restaurants/${restaurants[1]}`);
    const cleared = await a.admin.delete('/cache/clear');
    expect(cleared.status).toBe(200);
    expect(cleared.body.other_instances.expected).toBe(1);
    expect([...(await keysPerMaster(`${prefix}:restaurants:*`)).values()].flat()).toEqual([]);
    expect(await outcome(b, `/restaurants/${restaurants[1]}`)).toBe('MISS');
  });

  it('a master failing over under load costs no request and leaves no stale read', async () => {
    const watched = restaurants.slice(20, 32);
    const names = new Map<number, string>();
    let failed = 0;
    let reads = 0;
    let writes = 0;
    let running = true;
    const load = (async () => {
      let step = 0;
      while (running) {
        const id = watched[step % watched.length];
        const reader = step % 2 === 0 ? a : b;
        const response = await reader.http.get(`/restaurants/${id}`).catch(() => undefined);
        reads++;
        if (!response || response.status !== 200) failed++;
        if (step % 5 === 0) {
          const name = `Load ${step}`;
          const written = await a.admin.put(`/restaurants/${id}`, { name }).catch(() => undefined);
          writes++;
          if (!written || written.status !== 200) failed++;
          else names.set(id, name);
        }
        step++;
      }
    })();
    await eventually('some traffic before the failover', () => reads > 20, { timeoutMs: 30_000 });
    // The master of the invalidation channel: both instances' subscriptions have to follow it.
    const master = await harness.masterOf(`${prefix}:_meta:invalidate`);
    const promoted = await harness.failOver(master);
    for (const app of [a, b]) {
      const connection = app.app.get(SharedRedis).connection!;
      await eventually(
        'the sharded subscriptions on the promoted master',
        () => connection.resubscriptions > 0 && connection.subscriptionsReady,
      );
    }
    await eventually('traffic after the failover', () => reads > 80, { timeoutMs: 60_000 });
    running = false;
    await load;
    expect(await harness.masterPorts()).toContain(promoted);
    // After the failover: every write is seen at once by both instances.
    let stale = 0;
    const staleSeen: string[] = [];
    for (const id of watched) {
      const name = `After failover ${id}`;
      expect((await a.admin.put(`/restaurants/${id}`, { name })).status).toBe(200);
      for (const [index, app] of [a, b, a, b].entries()) {
        const read = await app.http.get(`/restaurants/${id}`);
        if (read.body.name !== name) {
          stale++;
          staleSeen.push(`${index % 2 === 0 ? 'A' : 'B'} ${read.headers.get('x-cache')} ${read.body.name}`);
        }
      }
    }
    console.log(
      `failover of master ${master} to ${promoted}: ${reads} reads, ${writes} writes, ${failed} failed; ${stale} stale reads of ${watched.length * 4} after ${staleSeen.slice(0, 6).join('; ')}`,
    );
    expect(failed).toBe(0);
    expect(stale).toBe(0);
  }, 120_000);

  it('a master killed under load fails over to its replica: no request fails, no stale read afterwards', async () => {
    // The master of the invalidation channel: both instances' subscriptions have to follow its
    // replica. Half the watched restaurants have their entry (and its tag shards) on it too.
    const master = await harness.masterOf(`${prefix}:_meta:invalidate`);
    const candidates = restaurants.slice(40);
    for (const id of candidates) await a.http.get(`/restaurants/${id}`);
    const idsOn = (keys: string[]) => new Set(keys.map((key) => Number(/restaurant:(\d+)$/.exec(key)?.[1])));
    const onMaster = idsOn((await keysPerMaster(`${prefix}:restaurants:*`)).get(master)!);
    const watched = [
      ...candidates.filter((id) => onMaster.has(id)).slice(0, 6),
      ...candidates.filter((id) => !onMaster.has(id)).slice(0, 6),
    ];
    expect(watched).toHaveLength(12);
    let failed = 0;
    let reads = 0;
    let writes = 0;
    const failures: string[] = [];
    let running = true;
    const load = async (reader: TestApp, writer: TestApp, offset: number) => {
      let step = offset;
      while (running) {
        const id = watched[step % watched.length];
        const read = await reader.http.get(`/restaurants/${id}`).catch((error: Error) => error);
        reads++;
        if (read instanceof Error || read.status !== 200) {
          failed++;
          failures.push(`read ${id}: ${read instanceof Error ? read.message : read.status}`);
        }
        if (step % 4 === 0) {
          const written = await writer.admin.put(`/restaurants/${id}`, { name: `Kill load ${step}` }).catch((error: Error) => error);
          writes++;
          if (written instanceof Error || written.status !== 200) {
            failed++;
            failures.push(`write ${id}: ${written instanceof Error ? written.message : written.status}`);
          }
        }
        step++;
      }
    };
    // Both instances read and write at once, each on its own half of the steps.
    const traffic = Promise.all([load(a, b, 0), load(b, a, 1)]);
    const connections = [a, b].map((app) => app.app.get(SharedRedis).connection!);
    const resubscribedBefore = connections.map((connection) => connection.resubscriptions);
    let killed: KilledMaster;
    let subscribedAfterMs: number[];
    let readsInWindow: number;
    // The traffic stops whatever happens, so a failed wait fails the test instead of hanging it.
    try {
      await eventually('some traffic before the kill', () => reads > 40, { timeoutMs: 30_000 });
      const readsBefore = reads;
      const killedAt = Date.now();
      killed = await harness.killMaster(master);
      subscribedAfterMs = await Promise.all(
        connections.map(async (connection, index) => {
          await eventually(
            'the sharded subscriptions on the promoted replica',
            () => connection.resubscriptions > resubscribedBefore[index] && connection.subscriptionsReady,
            { timeoutMs: 30_000 },
          );
          return Date.now() - killedAt;
        }),
      );
      // Each instance's subscriber connection, and no other, on the promoted replica.
      const [, subscribers] = (await harness.command(killed.promoted, 'PUBSUB', 'SHARDNUMSUB', `${prefix}:_meta:invalidate`)) as [
        string,
        number,
      ];
      expect(subscribers).toBe(2);
      readsInWindow = reads - readsBefore;
      await eventually('traffic after the promotion', () => reads > readsBefore + readsInWindow + 40, { timeoutMs: 30_000 });
    } finally {
      running = false;
      await traffic;
    }
    expect(await harness.masterPorts()).toContain(killed.promoted);
    // Any invalidation deferred while the master was dead has landed before the checks below.
    for (const app of [a, b]) {
      const tiers = app.app.get(TieredCache);
      await eventually('deferred invalidations replayed', () => tiers.deferredInvalidations === 0, { timeoutMs: 30_000 });
    }
    // After the promotion: every write, from either instance, is seen at once by both.
    let stale = 0;
    const staleSeen: string[] = [];
    for (const [step, id] of watched.entries()) {
      const name = `After kill ${id}`;
      expect((await (step % 2 === 0 ? a : b).admin.put(`/restaurants/${id}`, { name })).status).toBe(200);
      for (const [index, app] of [a, b, a, b].entries()) {
        const read = await app.http.get(`/restaurants/${id}`);
        if (read.body.name !== name) {
          stale++;
          staleSeen.push(`${index % 2 === 0 ? 'A' : 'B'} ${read.headers.get('x-cache')} ${read.body.name}`);
        }
      }
    }
    console.log(
      `master ${master} killed (6 of the 12 watched entries on it), replica ${killed.promoted} promoted after ${killed.promotedAfterMs} ms, ` +
        `cluster ok after ${killed.clusterOkAfterMs} ms, subscriptions back after ${subscribedAfterMs.join(' / ')} ms (A / B); ` +
        `${reads} reads (${readsInWindow} from the kill until both were back), ${writes} writes, ${failed} failed ${failures.slice(0, 6).join('; ')}; ` +
        `${stale} stale reads of ${watched.length * 4} after ${staleSeen.slice(0, 6).join('; ')}`,
    );
    expect(failed).toBe(0);
    expect(stale).toBe(0);
  }, 180_000);

  it('an instance starting while a master is dead, before its replica takes over, connects and follows the promotion', async () => {
    // The kill above left one master without a replica: this kills one that still has one.
    let master: number | undefined;
    for (const port of await harness.masterPorts()) {
      if (/connected_slaves:[1-9]/.test((await harness.command(port, 'INFO', 'replication')) as string)) master = port;
    }
    expect(master).toBeDefined();
    const probe = `${prefix}:start-probe`;
    let key = '';
    for (let index = 0; !key; index++) if ((await harness.masterOf(`${probe}:${index}`)) === master) key = `${probe}:${index}`;
    const channel = key;
    const node = harness.nodes.find((candidate) => candidate.port === master)!;
    let promoted = false;
    const killing = harness.killMaster(master!).finally(() => (promoted = true));
    await eventually('the master dead', () => node.process.exitCode !== null || node.process.signalCode !== null);
    const startedAt = Date.now();
    const connection = new RedisConnection({ clusterNodes: harness.seeds.split(','), prefix, timeoutMs: 1000, onError: () => undefined });
    const heard: string[] = [];
    connection.subscribe(channel, (payload) => heard.push(payload));
    connection.start();
    try {
      // Up at once, serving the other masters' slots: its first topology read does not wait for the dead node.
      await eventually('the connection up', () => connection.ready, { timeoutMs: 30_000 });
      const connectedAfterMs = Date.now() - startedAt;
      expect({ connectedAfterMs, promoted }).toEqual({ connectedAfterMs, promoted: false });
      const killed = await killing;
      await eventually(
        "a key of the dead master's slots written and read on the promoted replica",
        async () => {
          await connection.client.set(key, 'after');
          return (await connection.client.get(key)) === 'after';
        },
        { timeoutMs: 30_000 },
      );
      await eventually(
        "a message on a channel of the dead master's slots heard",
        async () => {
          await connection.publish(channel, 'hello');
          return heard.includes('hello') && connection.subscriptionsReady;
        },
        { timeoutMs: 30_000 },
      );
      console.log(
        `connected ${connectedAfterMs} ms after starting with master ${master} dead; ` +
          `replica ${killed.promoted} promoted ${killed.promotedAfterMs} ms after the kill; reads, writes and messages followed it`,
      );
    } finally {
      await connection.stop();
    }
  }, 120_000);
});
