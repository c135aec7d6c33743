import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './app-process.mjs';
import { BenchFailure } from './failure.mjs';

const READY_TIMEOUT_MS = 10_000;

/** True once a Redis on `port` answers PING (inline command, so no client library is needed). */
function answersPing(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(reply.startsWith('+PONG')));
    socket.on('error', () => {});
  });
}

/**
 * A Redis server of the bench's own (the machine's `redis-server`, loopback, no persistence,
 * `noeviction` as the README asks of production), so that its INFO counters hold the bench's apps'
 * commands alone even on a machine whose shared Redis serves other work. `stop()` ends it and
 * removes its folder.
 */
export async function startPrivateRedis() {
  const dir = await mkdtemp(join(tmpdir(), 'tiffin-bench-redis-'));
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let spawnError;
  child.once('error', (error) => (spawnError = error));
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && !child.killed) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError) break;
    if (await answersPing(port)) return { url, port, pid: child.pid, stop };
    await sleep(50);
  }
  await stop();
  throw new BenchFailure(
    `redis-server did not start on port ${port}${spawnError ? ` (${spawnError.message})` : ''}; set BENCH_REDIS_URL to use another Redis`,
  );
}
