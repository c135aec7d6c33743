import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { PRIMARY_POSITION_SQL, REPLICA_POSITION_SQL } from '../../src/database/replicas/wal-position.js';
import { eventually } from './eventually.js';
import { IN_CI } from './services.js';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** Where Debian's postgresql-15 puts its server binaries (they are not on PATH). */
export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const BINARIES = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];

export interface PostgresPair {
  /** Superuser URLs (trust auth) of the primary and its streaming replica, on the `postgres` database. */
  primaryUrl: string;
  replicaUrl: string;
  /** The same server URLs on another database (created on the primary, replicated to the replica). */
  urlsFor(database: string): { primary: string; replica: string };
  /** Stops replaying WAL on the replica (it keeps answering, with data as of now) / resumes. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Waits until the replica has replayed everything the primary has written so far. */
  waitForReplay(timeoutMs?: number): Promise<void>;
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  /** Stops both servers and removes their folders. */
  stop(): Promise<void>;
}

/**
 * Whether the suite can run: the binaries exist. Outside CI their absence skips the suite with a
 * message; under CI=true it fails it.
 */
export function postgresBinariesForSuite(suite: string): boolean {
  const missing = BINARIES.filter((name) => !existsSync(join(POSTGRES_BIN, name)));
  if (missing.length === 0) return true;
  const message = `${suite} needs ${missing.join(', ')} in ${POSTGRES_BIN} (set POSTGRES_BIN)`;
  if (IN_CI) throw new Error(`${message}; CI=true: failing, not skipping`);
  console.warn(`SKIPPED ${message}`);
  return false;
}

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` OS user. */
const asRoot = process.getuid?.() === 0;
async function runPostgresTool(name: string, args: string[]): Promise<string> {
  const binary = join(POSTGRES_BIN, name);
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  try {
    const { stdout } = await run(file, argv, { timeout: 120_000 });
    return stdout;
  } catch (error) {
    const failed = error as Error & { stderr?: string; stdout?: string };
    throw new Error(`${name} ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`, { cause: error });
  }
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A Postgres primary (wal_level=replica) and one streaming replica (`pg_basebackup -R`, hot
 * standby) in a temporary folder, on free loopback ports, with trust authentication. Durability
 * is switched off (fsync): these are throwaway servers.
 */
export async function startPostgresPair(): Promise<PostgresPair> {
  const root = await mkdtemp(join(tmpdir(), 'tiffin-pg-pair-'));
  if (asRoot) await chown(root, ...(await postgresOwner()));
  await chmod(root, 0o700);
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const serverOptions = (port: number) =>
    [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${root}`,
      '-c wal_level=replica',
      '-c max_wal_senders=5',
      '-c hot_standby=on',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
  const pgCtl = (dir: string, port: number, action: 'start' | 'stop') =>
    action === 'start'
      ? runPostgresTool('pg_ctl', ['-D', dir, '-l', `${dir}.log`, '-o', serverOptions(port), '-w', '-t', '60', 'start'])
      : runPostgresTool('pg_ctl', ['-D', dir, '-m', 'fast', '-w', '-t', '60', 'stop']);
  const url = (port: number, database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const primaryUrl = url(primaryPort);
  const replicaUrl = url(replicaPort);
  let primaryRunning = false;
  let replicaRunning = false;

  const waitForReplay = async (timeoutMs = 30_000) => {
    const target = Number((await query(primaryUrl, PRIMARY_POSITION_SQL)).rows[0].lsn);
    await eventually(
      `the replica to replay up to byte ${target} of WAL`,
      async () => Number((await query(replicaUrl, REPLICA_POSITION_SQL)).rows[0]?.lsn) >= target,
      { timeoutMs, intervalMs: 50 },
    );
  };

  const stop = async () => {
    if (replicaRunning) await pgCtl(replicaDir, replicaPort, 'stop').catch(() => {});
    if (primaryRunning) await pgCtl(primaryDir, primaryPort, 'stop').catch(() => {});
    replicaRunning = primaryRunning = false;
    await rm(root, { recursive: true, force: true });
  };

  try {
    await mkdir(primaryDir);
    if (asRoot) await chown(primaryDir, ...(await postgresOwner()));
    await runPostgresTool('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await pgCtl(primaryDir, primaryPort, 'start');
    primaryRunning = true;
    await runPostgresTool('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
    ]);
    await pgCtl(replicaDir, replicaPort, 'start');
    replicaRunning = true;
    await eventually(
      'the replica to accept connections in recovery',
      async () => (await query(replicaUrl, 'SELECT pg_is_in_recovery() AS r')).rows[0].r === true,
      {
        timeoutMs: 30_000,
      },
    );
    await query(primaryUrl, 'CREATE TABLE replication_probe (at timestamptz DEFAULT now())');
    await waitForReplay();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    primaryUrl,
    replicaUrl,
    urlsFor: (database) => ({ primary: url(primaryPort, database), replica: url(replicaPort, database) }),
    pauseReplay: async () => void (await query(replicaUrl, 'SELECT pg_wal_replay_pause()')),
    resumeReplay: async () => void (await query(replicaUrl, 'SELECT pg_wal_replay_resume()')),
    waitForReplay,
    stopReplica: async () => {
      await pgCtl(replicaDir, replicaPort, 'stop');
      replicaRunning = false;
    },
    startReplica: async () => {
      await pgCtl(replicaDir, replicaPort, 'start');
      replicaRunning = true;
    },
    stop,
  };
}

async function postgresOwner(): Promise<[number, number]> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return [Number(uid.trim()), Number(gid.trim())];
}
