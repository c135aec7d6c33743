import http from 'node:http';
import { eventually, sleep } from '../eventually.js';
import { committedContract } from './contract.js';

/*
 * A small steady load for the fault suite: N workers, each sending one request at a time with a
 * pause between them, recording what every request got and how long it took. Latency is
 * reported (printed), never asserted; what a test asserts is what each request was answered.
 */

export interface LoadRequest {
  /** A label for the table, e.g. "cached read" or "write". */
  kind: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Sample {
  phase: string;
  kind: string;
  method: string;
  path: string;
  body?: unknown;
  /** When it was sent (epoch ms). */
  at: number;
  /** 0: no HTTP answer at all (connection failed, or no answer within the driver's timeout). */
  status: number;
  ms: number;
  retryAfter: string | null;
  cache: string | null;
  text: string;
  error?: string;
  /** Where the answer departs from the OpenAPI document (status, content type, body, headers); empty when it keeps it or there was none. */
  contract: string[];
}

export interface LoadOptions {
  baseUrl: string;
  workers: number;
  /** Pause after each request, per worker: the load is steady, not a saturation test. */
  pauseMs: number;
  /** A request without an answer after this long counts as hung (status 0). */
  timeoutMs?: number;
  /** What worker `worker` sends next. */
  next: (worker: number) => LoadRequest;
  /**
   * A new TCP connection for every request instead of keep-alive: whether the server accepts
   * new connections is then seen on every request (for shutdown).
   */
  freshConnections?: boolean;
}

interface Answer {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

/** One request on a connection of its own (`agent: false`), closed after the answer. */
function onFreshConnection(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: init.method, headers: init.headers, agent: false, timeout: init.timeoutMs }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const headers = response.headers;
        resolve({ status: response.statusCode ?? 0, headers: { get: (name) => (headers[name] as string | undefined) ?? null }, text });
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('no answer in time'), { name: 'TimeoutError' })));
    request.on('error', reject);
    request.end(init.body);
  });
}

export class LoadDriver {
  readonly samples: Sample[] = [];
  phase = 'baseline';
  private running = false;
  private paused?: Promise<void>;
  private inFlight = 0;
  private workers: Promise<void>[] = [];

  constructor(private readonly options: LoadOptions) {}

  start(phase = this.phase): void {
    this.phase = phase;
    this.running = true;
    this.workers = Array.from({ length: this.options.workers }, (_, worker) => this.work(worker));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /**
   * Lets the requests in flight finish, runs `change` with none in flight, then carries on in
   * `phase`: no request straddles the change, so each phase's rules apply to all of its samples.
   */
  async switchTo(phase: string, change: () => unknown = () => {}): Promise<void> {
    let resume!: () => void;
    this.paused = new Promise<void>((resolve) => (resume = resolve));
    await eventually('the requests in flight to finish', () => this.inFlight === 0, { timeoutMs: 60_000, intervalMs: 1 });
    try {
      await change();
    } finally {
      this.phase = phase;
      this.paused = undefined;
      resume();
    }
  }

  of(phase: string, kind?: string): Sample[] {
    return this.samples.filter((sample) => sample.phase === phase && (kind === undefined || sample.kind === kind));
  }

  private async work(worker: number): Promise<void> {
    while (this.running) {
      if (this.paused) await this.paused;
      this.inFlight++;
      try {
        this.samples.push(await this.send(this.options.next(worker)));
      } finally {
        this.inFlight--;
      }
      // Pacing: each worker pauses between two requests.
      await sleep(this.options.pauseMs);
    }
  }

  private async send(request: LoadRequest): Promise<Sample> {
    const phase = this.phase;
    const started = performance.now();
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const base = { phase, kind: request.kind, method: request.method, path: request.path, body: request.body, at: Date.now() };
    try {
      const url = this.options.baseUrl + request.path;
      const body = request.body === undefined ? undefined : JSON.stringify(request.body);
      const timeoutMs = this.options.timeoutMs ?? 10_000;
      const response: Answer = this.options.freshConnections
        ? await onFreshConnection(url, { method: request.method, headers, body, timeoutMs })
        : await fetch(url, { method: request.method, headers, body, signal: AbortSignal.timeout(timeoutMs) }).then(async (answer) => ({
            status: answer.status,
            headers: answer.headers,
            text: await answer.text(),
          }));
      const ms = performance.now() - started;
      const verdict = committedContract().check({
        method: request.method,
        path: request.path,
        status: response.status,
        header: (name) => response.headers.get(name) ?? undefined,
        text: response.text,
      });
      return {
        ...base,
        status: response.status,
        ms,
        retryAfter: response.headers.get('retry-after'),
        cache: response.headers.get('x-cache'),
        text: response.text,
        contract: verdict.problems,
      };
    } catch (error) {
      return {
        ...base,
        status: 0,
        ms: performance.now() - started,
        retryAfter: null,
        cache: null,
        text: '',
        error: (error as Error).name === 'TimeoutError' ? 'no answer in time' : describeFailure(error),
        contract: [],
      };
    }
  }
}

/** The socket-level reason a request got no answer, e.g. ECONNREFUSED or ECONNRESET. */
function describeFailure(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause ?? error;
  if (typeof cause === 'object' && cause !== null) {
    const { code, message } = cause as { code?: string; message?: string };
    const described = code ?? message;
    if (described !== undefined) return described;
  }
  return String(cause);
}

/** The answers that depart from the OpenAPI document, one line each (at most `limit`). */
export function contractProblems(samples: Sample[], limit = 10): string[] {
  const problems = samples
    .filter((sample) => sample.contract.length > 0)
    .map((sample) => `[${sample.phase}] ${sample.method} ${sample.path} → ${sample.status}: ${sample.contract.join('; ')}`);
  return problems.length > limit ? [...problems.slice(0, limit), `… and ${problems.length - limit} more`] : problems;
}

/** The value below which `share` of the sorted values fall (nearest rank). */
export function percentile(values: number[], share: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))];
}

export interface Row {
  label: string;
  sent: number;
  failures: number;
  statuses: string;
  p50: number;
  p99: number;
  max: number;
}

/** One row of the report: `failed` says whether a sample is a failure in this phase. */
export function row(label: string, samples: Sample[], failed: (sample: Sample) => boolean): Row {
  // Requests without an answer are told apart by why (refused, reset, no answer in time).
  const counts = new Map<string, number>();
  for (const sample of samples) {
    const outcome = sample.status === 0 ? `0 (${sample.error})` : String(sample.status);
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  const ms = samples.map((sample) => sample.ms);
  return {
    label,
    sent: samples.length,
    failures: samples.filter(failed).length,
    statuses: [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([outcome, n]) => `${outcome} x${n}`)
      .join(', '),
    p50: percentile(ms, 0.5),
    p99: percentile(ms, 0.99),
    max: ms.length ? Math.max(...ms) : Number.NaN,
  };
}

const fixed = (ms: number) => (Number.isNaN(ms) ? '-' : ms.toFixed(1));

/** Prints the rows as a Markdown table under `title`. */
export function printTable(title: string, rows: Row[], labelHeading = 'phase / kind'): void {
  const lines = [
    `\n${title}`,
    `| ${labelHeading} | sent | failures | statuses | p50 ms | p99 ms | max ms |`,
    '|---|---:|---:|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.label} | ${r.sent} | ${r.failures} | ${r.statuses} | ${fixed(r.p50)} | ${fixed(r.p99)} | ${fixed(r.max)} |`),
  ];
  console.log(lines.join('\n'));
}
