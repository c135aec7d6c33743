import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchFailure } from './failure.mjs';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(REPO_ROOT, 'dist', 'main.js');
const OUTPUT_LINES_KEPT = 60;
const STOP_GRACE_MS = 8000;

/** Every child still running, so that any way out of the bench can end them. */
const running = new Set();

/** Last resort (an exception nobody caught, process.exit): children never outlive the bench. */
process.on('exit', () => {
  for (const app of running) app.child.kill('SIGKILL');
});

/** Ends every child still running: SIGTERM, then SIGKILL for those that do not exit in time. */
export async function stopAllApps() {
  await Promise.all([...running].map((app) => app.stop()));
}

/** A TCP port free on loopback right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Variables that would change what is measured if inherited from the caller's shell; the bench
 * sets the ones it needs itself.
 */
const INHERITED_BUT_IGNORED =
  /^(CACHE_|DATABASE_|REDIS_|EMBEDDED_DB_|JOBS_|JWT_|AUTH_|ADMIN_|RATE_LIMIT_|METRICS_PUBLIC$|NODE_OPTIONS$|PORT$|HOST$|LOG_LEVEL$|NODE_ENV$)/;

/** A line of the request log (JSON, context "HTTP"): left out of what describeOutput() shows. */
const REQUEST_LOG_LINE = /"context":"HTTP"\}$/;

/**
 * A server as a child process on a port of its own: the production build (`node dist/main.js`),
 * or another `script` (the peers of bench:cache) that answers `readyPath` once it serves.
 *
 * The app runs at LOG_LEVEL=log, as deployed by default, so every measured request pays for its
 * request log line. Its stdout goes to a file, as a deployment's does (a container runtime's log
 * file, journald), not to a pipe this process would have to drain on the cores it shares with the
 * server; the file is deleted when the app stops.
 */
export class AppProcess {
  constructor(name, child, port, nodeFlags, readyPath, stdoutFile) {
    this.name = name;
    this.child = child;
    this.port = port;
    this.nodeFlags = nodeFlags;
    this.readyPath = readyPath;
    this.stdoutFile = stdoutFile;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.output = [];
    this.exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => {
        this.record(`spawn failed: ${error.message}`);
        resolve({ code: null, signal: null });
      });
    });
    this.exited = undefined;
    void this.exit.then((status) => {
      this.exited = status;
      running.delete(this);
    });
    let partial = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) this.record(line);
    });
  }

  /** `wrapper`: a command that runs node (e.g. valgrind and its options), placed before it. */
  static async start(name, env, { nodeFlags = [], script = MAIN, readyPath = '/health', wrapper = [] } = {}) {
    if (!existsSync(script)) throw new BenchFailure(`${script} does not exist${script === MAIN ? ': build first (npm run build)' : ''}`);
    const port = await freePort();
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !INHERITED_BUT_IGNORED.test(key)));
    const [command, ...args] = [...wrapper, process.execPath, ...nodeFlags, script];
    const stdoutFile = join(tmpdir(), `tiffin-bench-${name}-${port}.log`);
    const stdout = openSync(stdoutFile, 'w');
    let child;
    try {
      child = spawn(command, args, {
        cwd: REPO_ROOT,
        env: { ...inherited, NODE_ENV: 'production', LOG_LEVEL: 'log', HOST: '127.0.0.1', PORT: String(port), ...env },
        stdio: ['ignore', stdout, 'pipe'],
      });
    } finally {
      closeSync(stdout);
    }
    const app = new AppProcess(name, child, port, nodeFlags, readyPath, stdoutFile);
    running.add(app);
    return app;
  }

  record(line) {
    if (line.trim() === '') return;
    this.output.push(line);
    if (this.output.length > OUTPUT_LINES_KEPT) this.output.shift();
  }

  /** What the child printed last apart from its request log (stdout, then stderr), for error messages. */
  describeOutput() {
    let printed = [];
    try {
      printed = readFileSync(this.stdoutFile, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '' && !REQUEST_LOG_LINE.test(line))
        .slice(-OUTPUT_LINES_KEPT);
    } catch {
      // Deleted once the app stopped: only stderr is left.
    }
    const lines = [...printed, ...this.output];
    return lines.length > 0 ? lines.map((line) => `    ${line}`).join('\n') : '    (no output)';
  }

  /**
   * Waits until GET {readyPath} answers 200; fails if the process exits or the time runs out. Three
   * minutes: on a shared, overloaded machine (load average near 20 on 2 cores) a start took over 60 s.
   */
  async waitUntilReady(timeoutMs = 180_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new BenchFailure(
          `${this.name} exited during start-up (code ${this.exited.code}, signal ${this.exited.signal}):\n${this.describeOutput()}`,
        );
      }
      const answered = await fetch(`${this.baseUrl}${this.readyPath}`, { signal: AbortSignal.timeout(1000) }).then(
        (response) => response.status === 200,
        () => false,
      );
      if (answered) return;
      await sleep(100);
    }
    throw new BenchFailure(`${this.name} did not answer GET ${this.readyPath} within ${timeoutMs / 1000} s:\n${this.describeOutput()}`);
  }

  /** SIGTERM (the app drains and exits, writing a --cpu-prof profile), SIGKILL after a grace period. */
  async stop() {
    if (this.exited) {
      rmSync(this.stdoutFile, { force: true });
      return this.exited;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      return await this.exit;
    } finally {
      clearTimeout(timer);
      rmSync(this.stdoutFile, { force: true });
    }
  }
}
