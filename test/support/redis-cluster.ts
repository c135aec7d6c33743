import { createClient } from '@keyv/redis';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IN_CI } from './services.js';

const run = promisify(execFile);

type NodeClient = ReturnType<typeof createClient>;

export interface ClusterNode {
  port: number;
  url: string;
  process: ChildProcess;
}

/** A Redis Cluster of 3 masters with 1 replica each, on loopback, in a temporary folder. */
export interface RedisClusterHarness {
  nodes: ClusterNode[];
  /** REDIS_CLUSTER_NODES for an app: every node as a seed. */
  seeds: string;
  /** Runs a command on one node (by port) and returns its reply. */
  command(port: number, ...args: string[]): Promise<unknown>;
  /** Every key on one node matching a glob, by SCAN. */
  scan(port: number, match: string): Promise<string[]>;
  /** Ports of the current masters. */
  masterPorts(): Promise<number[]>;
  /** The port of the master that serves `key`'s slot now. */
  masterOf(key: string): Promise<number>;
  /** Promotes a replica of the master on `masterPort` with CLUSTER FAILOVER; resolves once it is master and the cluster is ok. */
  failOver(masterPort: number): Promise<number>;
  /**
   * Kills the master on `masterPort` (SIGKILL: no goodbye to the cluster or its clients) and
   * resolves once the other nodes have promoted its replica and each survivor reports
   * cluster_state:ok; fails with what was not reached if that takes longer than {@link FAILOVER_DEADLINE_MS}.
   */
  killMaster(masterPort: number): Promise<KilledMaster>;
  stop(): Promise<void>;
}

export interface KilledMaster {
  /** The replica that took the dead master's slots. */
  promoted: number;
  /** From the kill until the replica said role:master. */
  promotedAfterMs: number;
  /** From the kill until every surviving node said cluster_state:ok. */
  clusterOkAfterMs: number;
}

const NODE_TIMEOUT_MS = 2000;
const START_DEADLINE_MS = 60_000;
/**
 * A dead master is promoted away after the node timeout (failure detection), the majority's FAIL
 * vote and the replica's election delay (500 ms and up): a few seconds here, bounded generously
 * for a loaded machine.
 */
const FAILOVER_DEADLINE_MS = 60_000;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Six ports whose cluster bus ports (port + 10000) are free too. */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let attempt = 0; ports.length < count && attempt < 500; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 9000);
    if (ports.some((taken) => Math.abs(taken - port) < 1)) continue;
    if ((await portFree(port)) && (await portFree(port + 10000))) ports.push(port);
  }
  if (ports.length < count) throw new Error('no free loopback ports for a Redis Cluster');
  return ports;
}

const alive = (node: ClusterNode) => node.process.exitCode === null && node.process.signalCode === null;

async function binaryAvailable(name: string): Promise<boolean> {
  try {
    await run(name, ['--version']);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, check: () => Promise<T | undefined | false>, deadlineMs = START_DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `Redis Cluster: ${what} not reached within ${deadlineMs} ms${lastError instanceof Error ? ` (${lastError.message})` : ''}`,
  );
}

/**
 * Starts the cluster from the machine's redis-server and redis-cli, or returns undefined after
 * saying why the suite is skipped; under CI=true a missing binary fails instead.
 */
export async function redisClusterForSuite(suite: string): Promise<RedisClusterHarness | undefined> {
  if (!(await binaryAvailable('redis-server')) || !(await binaryAvailable('redis-cli'))) {
    if (IN_CI) throw new Error(`${suite} needs redis-server and redis-cli on PATH (CI=true: failing, not skipping)`);
    console.warn(`SKIPPED ${suite}: redis-server or redis-cli not on PATH`);
    return undefined;
  }
  return startRedisCluster();
}

export async function startRedisCluster(): Promise<RedisClusterHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'tiffin-redis-cluster-'));
  const ports = await freePorts(6);
  const clients = new Map<number, NodeClient>();
  const nodes: ClusterNode[] = ports.map((port) => ({
    port,
    url: `redis://127.0.0.1:${port}`,
    process: spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        String(NODE_TIMEOUT_MS),
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    ),
  }));
  // A client whose node died has closed itself (it does not reconnect), and destroying it again throws.
  const discard = (port: number) => {
    const existing = clients.get(port);
    if (existing?.isOpen) existing.destroy();
    clients.delete(port);
  };
  const client = async (port: number) => {
    let existing = clients.get(port);
    if (!existing?.isReady) {
      discard(port);
      existing = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } });
      existing.on('error', () => {});
      await existing.connect();
      clients.set(port, existing);
    }
    return existing;
  };
  const command = async (port: number, ...args: string[]) => (await client(port)).sendCommand(args);
  /** A command whose reply is text (INFO, CLUSTER NODES, PING). */
  const text = async (port: number, ...args: string[]) => (await client(port)).sendCommand<string>(args);
  const info = async (port: number, section: string) => await text(port, 'INFO', section);
  const clusterOk = async (port: number) => (await text(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok');
  const masterPorts = async () => {
    const ports: number[] = [];
    for (const node of nodes.filter(alive)) {
      if ((await info(node.port, 'replication').catch(() => '')).includes('role:master')) ports.push(node.port);
    }
    return ports;
  };
  const kill = (node: ClusterNode) =>
    new Promise<void>((resolve) => {
      if (!alive(node)) return resolve();
      node.process.once('exit', () => resolve());
      node.process.kill('SIGKILL');
    });
  /** The replica of the master on `masterPort` that is in sync with it now. */
  const onlineReplica = async (masterPort: number) => {
    const match = /slave0:ip=[^,]+,port=(\d+),state=online/.exec(await info(masterPort, 'replication'));
    return match ? Number(match[1]) : undefined;
  };
  const stop = async () => {
    for (const port of [...clients.keys()]) discard(port);
    await Promise.all(nodes.map(kill));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const node of nodes) await until(`node ${node.port} answering`, async () => (await text(node.port, 'PING')) === 'PONG');
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    for (const node of nodes) await until(`cluster_state:ok on ${node.port}`, () => clusterOk(node.port));
    // Every replica in sync, so a failover has a replica to promote.
    await until('3 masters with a replica each', async () => {
      const masters = await masterPorts();
      if (masters.length !== 3) return false;
      const links = await Promise.all(masters.map((port) => info(port, 'replication')));
      return links.every((text) => /slave0:.*state=online/.test(text));
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes,
    seeds: nodes.map((node) => node.url).join(','),
    command,
    scan: async (port, match) => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = (await command(port, 'SCAN', cursor, 'MATCH', match, 'COUNT', '1000')) as unknown as [string, string[]];
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      return keys;
    },
    masterPorts,
    masterOf: async (key: string) => {
      const slot = Number(await command(nodes.find(alive)!.port, 'CLUSTER', 'KEYSLOT', key));
      for (const port of await masterPorts()) {
        const myself = (await text(port, 'CLUSTER', 'NODES')).split('\n').find((line) => line.includes('myself'))!;
        const ranges = myself
          .split(' ')
          .slice(8)
          .map((range) => range.split('-').map(Number));
        if (ranges.some(([from, to = from]) => slot >= from && slot <= to)) return port;
      }
      throw new Error(`no master serves slot ${slot}`);
    },
    failOver: async (masterPort: number) => {
      const replication = await info(masterPort, 'replication');
      const replicaPort = Number(/slave0:ip=[^,]+,port=(\d+)/.exec(replication)?.[1]);
      if (!replicaPort) throw new Error(`master ${masterPort} has no replica to promote`);
      await command(replicaPort, 'CLUSTER', 'FAILOVER');
      await until(`replica ${replicaPort} promoted`, async () => (await info(replicaPort, 'replication')).includes('role:master'));
      for (const node of nodes.filter(alive)) await until(`cluster_state:ok on ${node.port}`, () => clusterOk(node.port));
      return replicaPort;
    },
    killMaster: async (masterPort: number) => {
      const master = nodes.find((node) => node.port === masterPort);
      if (!master || !alive(master)) throw new Error(`no live node on ${masterPort}`);
      // A replica still syncing (e.g. a master demoted by an earlier failover) would refuse to take over.
      const replicaPort = await until(`a replica of ${masterPort} in sync`, () => onlineReplica(masterPort));
      const killedAt = Date.now();
      await kill(master);
      discard(masterPort);
      const left = () => Math.max(0, FAILOVER_DEADLINE_MS - (Date.now() - killedAt));
      await until(
        `replica ${replicaPort} promoted after master ${masterPort} was killed`,
        async () => (await info(replicaPort, 'replication')).includes('role:master'),
        left(),
      );
      const promotedAfterMs = Date.now() - killedAt;
      for (const node of nodes.filter(alive)) {
        await until(`cluster_state:ok on ${node.port} after master ${masterPort} was killed`, () => clusterOk(node.port), left());
      }
      return { promoted: replicaPort, promotedAfterMs, clusterOkAfterMs: Date.now() - killedAt };
    },
    stop,
  };
}
