import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface EmbeddedPostgresOptions {
  /** Directory holding the data, or undefined for a throwaway in-memory database. */
  dataDir?: string;
  /** 0 picks a free port. */
  port: number;
}

export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

export class EmbeddedPostgresLockedError extends Error {
  override readonly name = 'EmbeddedPostgresLockedError';
}

/*
 * PGlite runs in a worker thread: in the main thread every query would block the event loop.
 * The worker is started from source text so the same code runs from dist/ and under jest.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { PGlite } = require(workerData.pglitePath);
  const { PGLiteSocketServer } = require(workerData.socketPath);
  // pg_trgm backs the menu-item search indexes; PGlite loads only the extensions it is given.
  const { pg_trgm } = require(workerData.pgTrgmPath);
  const options = { extensions: { pg_trgm } };
  const db = workerData.dataDir ? await PGlite.create(workerData.dataDir, options) : await PGlite.create(options);
  // One connection: with more, large messages from different connections interleave.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: workerData.port, maxConnections: 1 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  parentPort.on('message', async (message) => {
    if (message !== 'stop') return;
    await server.stop();
    await db.close();
    parentPort.postMessage({ type: 'stopped' });
  });
  parentPort.postMessage({ type: 'ready', port });
})().catch((error) => parentPort.postMessage({ type: 'error', message: String(error && error.stack || error) }));
`;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Two processes on one PGlite directory lose rows silently, so the directory is locked. */
function acquireLock(dataDir: string): () => void {
  const lockPath = join(dataDir, '.tiffin.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new EmbeddedPostgresLockedError(
          `The embedded database at ${dataDir} is in use by process ${owner}; stop it or set EMBEDDED_DB_DIR to another directory`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new EmbeddedPostgresLockedError(`Could not lock the embedded database at ${dataDir}`);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  let releaseLock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    releaseLock = acquireLock(dataDir);
  }
  const require = createRequire(import.meta.url);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      dataDir: dataDir ? join(dataDir, 'pgdata') : undefined,
      port: options.port,
      pglitePath: require.resolve('@electric-sql/pglite'),
      socketPath: require.resolve('@electric-sql/pglite-socket'),
      pgTrgmPath: require.resolve('@electric-sql/pglite/contrib/pg_trgm'),
    },
  });

  let port: number;
  // Worker's listener type is EventEmitter's `(...args: any[]) => void`; each listener below takes its event's own arguments.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const listeners: Record<string, (...args: any[]) => void> = {};
  try {
    port = await new Promise<number>((resolvePort, reject) => {
      listeners.error = reject;
      listeners.exit = (code: number) => reject(new Error(`embedded Postgres worker exited with code ${code}`));
      listeners.message = (message: { type: string; port?: number; message?: string }) =>
        message.type === 'ready' ? resolvePort(message.port!) : reject(new Error(message.message));
      for (const [event, listener] of Object.entries(listeners)) worker.once(event, listener);
    });
  } catch (error) {
    await worker.terminate();
    releaseLock();
    throw error;
  } finally {
    // Only our own listeners: removeAllListeners() would also drop the ones Worker needs to deliver messages.
    for (const [event, listener] of Object.entries(listeners)) worker.off(event, listener);
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: () =>
      (stopping ??= (async () => {
        const stopped = new Promise<void>((done) => {
          worker.once('message', () => done());
          worker.once('exit', () => done());
        });
        worker.postMessage('stop');
        await Promise.race([stopped, new Promise((done) => setTimeout(done, 5000).unref())]);
        await worker.terminate();
        releaseLock();
      })()),
  };
}
