import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HttpClient } from '../http-client.js';
import { TEST_ADMIN_TOKEN } from '../test-app.js';
import { committedContract } from './contract.js';
import { freePort } from '../free-port.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ENTRY = join(ROOT, 'dist', 'main.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the signal sent by {@link AppProcess.signal} to the exit; undefined when none was sent. */
  afterSignalMs?: number;
}

/**
 * The production build (`node dist/main.js`) as a child process, as it runs in production: its
 * own event loop, its own crash behaviour, its exit code. Its clients check every answer against
 * the committed OpenAPI document.
 */
export class AppProcess {
  readonly http: HttpClient;
  readonly admin: HttpClient;
  /** Everything it printed, for the failure message of a test. */
  output = '';
  private signalledAt?: number;
  private readonly exited: Promise<Exit>;
  exit?: Exit;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    exited: Promise<Exit>,
  ) {
    this.http = new HttpClient(baseUrl, {}, committedContract());
    this.admin = this.http.with({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
    this.exited = exited;
  }

  /** Starts the build with `env` on a free port and resolves once it listens. */
  static async start(env: Record<string, string>, startTimeoutMs = 60_000): Promise<AppProcess> {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} does not exist: run \`npm run build\` before the fault suite`);
    const port = await freePort();
    const child = spawn(process.execPath, [ENTRY], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        // Warnings and errors only: a line per request would cost the app more than the load does.
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        JOBS_ENABLED: 'false',
        SWAGGER_ENABLED: 'false',
        ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        // The load comes from one address; the fault suite is not about rate limits.
        RATE_LIMIT_PER_MINUTE: '1000000',
        ANONYMOUS_RATE_LIMIT_PER_MINUTE: '1000000',
        // Fault suites place many orders for few customers; the orders suite tests the cap.
        MAX_OPEN_ORDERS_PER_CUSTOMER: '10000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let holder: AppProcess | undefined;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (holder) holder.output = output;
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exited = new Promise<Exit>((resolve) =>
      child.once('exit', (code, signal) => {
        const exit: Exit = { code, signal, afterSignalMs: holder?.signalledAt ? Date.now() - holder.signalledAt : undefined };
        if (holder) holder.exit = exit;
        resolve(exit);
      }),
    );
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + startTimeoutMs;
    let exit: Exit | undefined;
    void exited.then((value) => (exit = value));
    for (;;) {
      if (exit) throw new Error(`the app exited (code ${exit.code}, signal ${exit.signal}) before listening:\n${output}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the app did not answer GET /health within ${startTimeoutMs} ms:\n${output}`);
      }
      const alive = await fetch(`${baseUrl}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (alive) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    holder = new AppProcess(child, baseUrl, exited);
    holder.output = output;
    return holder;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  signal(signal: NodeJS.Signals): void {
    this.signalledAt = Date.now();
    this.child.kill(signal);
  }

  /** Resolves when the process exits; kills it after `timeoutMs` and says so. */
  async waitForExit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.child.kill('SIGKILL');
      throw new Error(`the app did not exit within ${timeoutMs} ms; killed it. Output:\n${this.output.slice(-4000)}`);
    }
    return outcome;
  }

  /** Stops it the way an orchestrator does (SIGTERM), killing it if it does not go. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    await this.waitForExit(20_000).catch(() => undefined);
  }
}
