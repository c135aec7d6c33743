import { eventually } from './support/eventually.js';
/*
 * A small server-sent-events client for the real-time suites: reads a text/event-stream over
 * fetch and hands out each event (type and parsed JSON data) or comment as it arrives.
 */

export interface SseEvent {
  type: string;
  data: any;
  /** The reconnection delay the server asked for, in ms, when the event carried one. */
  retry?: number;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  ended = false;
  private buffer = '';
  private waiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  private constructor(
    readonly status: number,
    readonly contentType: string,
    private readonly body: ReadableStream<Uint8Array> | null,
    readonly errorBody?: any,
  ) {}

  /** Opens the stream; an error status is returned with its JSON body, not read as a stream. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const response = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' }, signal: abort.signal });
    const contentType = response.headers.get('content-type') ?? '';
    if (!contentType.includes('text/event-stream')) {
      return new SseClient(response.status, contentType, null, await response.json());
    }
    const client = new SseClient(response.status, contentType, response.body);
    client.abort.signal.addEventListener('abort', () => abort.abort());
    void client.pump();
    return client;
  }

  /** Waits until `count` events (comments excluded) have arrived; fails after `timeoutMs`. */
  async next(count = this.events.length + 1, timeoutMs = 10_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count) {
      if (this.ended) throw new Error(`the stream ended after ${this.events.length} event(s), expected ${count}`);
      if (Date.now() > deadline) throw new Error(`no event ${count} within ${timeoutMs} ms (have ${JSON.stringify(this.events)})`);
      await new Promise<void>((done) => {
        this.waiters.push(done);
        setTimeout(done, 100);
      });
    }
    return this.events[count - 1];
  }

  /** Waits for the server to end the stream. */
  async end(timeoutMs = 10_000): Promise<void> {
    await eventually('the server to end the stream', () => this.ended, { timeoutMs, intervalMs: 20 });
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(): Promise<void> {
    const reader = this.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        let boundary: number;
        while ((boundary = this.buffer.indexOf('\n\n')) >= 0) {
          this.parse(this.buffer.slice(0, boundary));
          this.buffer = this.buffer.slice(boundary + 2);
        }
      }
    } catch {
      // Closed by the client.
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  private parse(block: string): void {
    let type = 'message';
    let retry: number | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      else if (line.startsWith('retry:')) retry = Number(line.slice(6).trim());
    }
    if (data.length === 0) return;
    this.events.push({ type, data: JSON.parse(data.join('\n')), ...(retry === undefined ? {} : { retry }) });
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
