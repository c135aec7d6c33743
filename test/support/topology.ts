import { afterAll } from '@jest/globals';
import { createClient, createCluster } from '@keyv/redis';
import { postgresBinariesForSuite, startPostgresPair, type PostgresPair } from './postgres-replica.js';
import { redisClusterForSuite, type RedisClusterHarness } from './redis-cluster.js';
import { deleteKeysUnderPrefix } from './redis-keys.js';
import { redisForSuite, servicesForMultiInstanceSuite } from './services.js';

/*
 * The deployment shapes a suite can be run on, chosen by TEST_TOPOLOGY:
 *   (unset)            the single Redis of REDIS_URL and the Postgres server of DATABASE_URL;
 *   redis-cluster      a Redis Cluster (3 masters, 1 replica each) started for the test file: apps
 *                      get REDIS_CLUSTER_NODES instead of REDIS_URL;
 *   postgres-replicas  a Postgres primary and a streaming replica started for the test file: apps
 *                      get the primary's DATABASE_URL and the replica's DATABASE_REPLICA_URLS.
 * Suites that support it take their Redis from {@link redisTargetForSuite}; test apps and scratch
 * databases follow the topology on their own. What a topology starts is stopped after the file.
 */
export type Topology = 'single' | 'redis-cluster' | 'postgres-replicas';

const TOPOLOGIES: readonly Topology[] = ['single', 'redis-cluster', 'postgres-replicas'];

function topologyFromEnvironment(value = ''): Topology {
  if (value === '') return 'single';
  if ((TOPOLOGIES as readonly string[]).includes(value)) return value as Topology;
  throw new Error(`TEST_TOPOLOGY must be one of ${TOPOLOGIES.join(', ')} (or unset for single); got "${value}"`);
}

export const TEST_TOPOLOGY: Topology = topologyFromEnvironment(process.env.TEST_TOPOLOGY);

type RedisClient = ReturnType<typeof createClient>;

/** The keyed commands a suite's own checks use; on a cluster each goes to its key's master. */
export type RawRedis = Pick<RedisClient, 'get' | 'set' | 'exists' | 'pTTL' | 'unlink' | 'sCard' | 'sMembers' | 'sAdd' | 'pExpire'> & {
  close(): Promise<void>;
};

/** The Redis (single or cluster) a suite and its apps use. */
export interface RedisTarget {
  clustered: boolean;
  /** The app environment that points an instance at it: REDIS_URL or REDIS_CLUSTER_NODES. */
  env: Record<string, string>;
  /** The single Redis's URL; undefined on a cluster. */
  url?: string;
  connect(): Promise<RawRedis>;
  /** Every key matching a glob, by SCAN (never KEYS) on every master. */
  scan(match: string): Promise<string[]>;
  /** Removes every key under `{prefix}:` and nothing else. */
  deleteKeysUnderPrefix(prefix: string): Promise<void>;
}

export function singleRedisTarget(url: string): RedisTarget {
  return {
    clustered: false,
    env: { REDIS_URL: url },
    url,
    connect: async () => {
      const client = createClient({ url });
      await client.connect();
      return client;
    },
    scan: async (match) => {
      const client = createClient({ url });
      await client.connect();
      try {
        const found: string[] = [];
        for await (const keys of client.scanIterator({ MATCH: match, COUNT: 500 })) found.push(...keys);
        return found;
      } finally {
        await client.close();
      }
    },
    deleteKeysUnderPrefix: (prefix) => deleteKeysUnderPrefix(url, prefix),
  };
}

function clusterRedisTarget(harness: RedisClusterHarness): RedisTarget {
  const scanMaster = (port: number, match: string) => harness.scan(port, match);
  return {
    clustered: true,
    env: { REDIS_CLUSTER_NODES: harness.seeds },
    connect: async () => {
      const cluster = createCluster({ rootNodes: harness.nodes.map((node) => ({ url: node.url })) });
      await cluster.connect();
      return cluster;
    },
    scan: async (match) => (await Promise.all((await harness.masterPorts()).map((port) => scanMaster(port, match)))).flat(),
    deleteKeysUnderPrefix: async (prefix) => {
      for (const port of await harness.masterPorts()) {
        // One key a call: keys of different slots cannot share a command on a cluster, even on one master.
        const keys = await scanMaster(port, `${prefix}:*`);
        await Promise.all(keys.map((key) => harness.command(port, 'UNLINK', key)));
      }
    },
  };
}

let cluster: Promise<RedisClusterHarness | undefined> | undefined;
let postgresPair: Promise<PostgresPair> | undefined;

/** Stops what this test file's topology started, after every suite in the file has closed its apps. */
afterAll(async () => {
  await (await cluster?.catch(() => undefined))?.stop();
  await (await postgresPair?.catch(() => undefined))?.stop();
}, 60_000);

/** The file's Redis Cluster under TEST_TOPOLOGY=redis-cluster, started on first use. */
function topologyCluster(suite: string): Promise<RedisClusterHarness> {
  cluster ??= redisClusterForSuite(suite);
  return cluster.then((started) => {
    // The topology was asked for by name: without its binaries the run fails, in or out of CI.
    if (!started) throw new Error(`${suite}: TEST_TOPOLOGY=redis-cluster needs redis-server and redis-cli on PATH`);
    return started;
  });
}

/** The file's primary and streaming replica under TEST_TOPOLOGY=postgres-replicas, started on first use. */
export function topologyPostgresPair(suite = 'a test file'): Promise<PostgresPair> {
  if (!postgresBinariesForSuite(suite)) {
    throw new Error(`${suite}: TEST_TOPOLOGY=postgres-replicas needs the Postgres server binaries (set POSTGRES_BIN)`);
  }
  postgresPair ??= startPostgresPair();
  return postgresPair;
}

/**
 * The Redis a suite runs on under the current topology, or undefined after saying why the suite is
 * skipped (only on the default topology, outside CI, as before). `multiInstance`: the suite runs
 * two instances on one database, which needs a Postgres server (or the topology's primary).
 */
export async function redisTargetForSuite(suite: string, { multiInstance }: { multiInstance: boolean }): Promise<RedisTarget | undefined> {
  switch (TEST_TOPOLOGY) {
    case 'redis-cluster': {
      if (multiInstance && !(await servicesForMultiInstanceSuite(suite))) return undefined;
      return clusterRedisTarget(await topologyCluster(suite));
    }
    case 'postgres-replicas': {
      await topologyPostgresPair(suite);
      const url = await redisForSuite(suite);
      return url ? singleRedisTarget(url) : undefined;
    }
    case 'single': {
      const url = multiInstance ? await servicesForMultiInstanceSuite(suite) : await redisForSuite(suite);
      return url ? singleRedisTarget(url) : undefined;
    }
  }
}

/** The Redis a test app gets when its suite names none: the topology's cluster, else REDIS_URL's. */
export async function defaultRedisTarget(): Promise<RedisTarget | undefined> {
  if (TEST_TOPOLOGY === 'redis-cluster') return clusterRedisTarget(await topologyCluster('a test app'));
  return process.env.REDIS_URL ? singleRedisTarget(process.env.REDIS_URL) : undefined;
}
