import net from 'node:net';

type Mode = 'open' | 'refusing' | 'stalled';

/** One client connection and its upstream, with the bytes held back while the proxy stalls. */
interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  held: { to: net.Socket; chunk: Buffer }[];
  /** Chunks for the client held by `delayMs`, in arrival order, each with when it is due. */
  delayed: { chunk: Buffer; dueAt: number }[];
  drainTimer?: NodeJS.Timeout;
}

/**
 * A TCP proxy in front of a service, for fault tests.
 * - `drop()`: resets every open connection; new ones are accepted (a restart of the service).
 * - `cut()`: resets every open connection and stops listening until `restore()` (the service is gone).
 * - `stall()`: keeps every connection open, accepts new ones, and forwards nothing in either
 *   direction until `restore()`, which delivers what was held (a network partition that heals).
 * - `delayMs`: holds each chunk from the service for that many ms (a slow service).
 * - `loseReplies(n)`: the next `n` connections the service answers are reset instead of getting the
 *   answer: the request reached the service and did its work, the client never hears of it.
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly pairs = new Set<Pair>();
  private mode: Mode = 'open';
  delayMs = 0;
  port = 0;
  private repliesToLose = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    await this.listen(0);
  }

  private async listen(port: number): Promise<void> {
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  /** A Redis URL through the proxy. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** `url` (of any scheme) with its host and port replaced by the proxy's. */
  through(url: string): string {
    const rewritten = new URL(url);
    rewritten.hostname = '127.0.0.1';
    rewritten.port = String(this.port);
    return rewritten.toString();
  }

  drop(): void {
    for (const pair of this.pairs) this.reset(pair);
  }

  cut(): void {
    this.mode = 'refusing';
    // Nothing listens: connection attempts are refused by the system, as when the service is down.
    this.server?.close();
    this.server = undefined;
    this.drop();
  }

  loseReplies(count: number): void {
    this.repliesToLose = count;
  }

  stall(): void {
    this.mode = 'stalled';
  }

  /** Ends a cut or a stall; resolves once the proxy accepts connections again. */
  async restore(): Promise<void> {
    const wasCut = this.mode === 'refusing';
    this.mode = 'open';
    for (const pair of this.pairs) {
      for (const { to, chunk } of pair.held.splice(0)) this.write(to, chunk);
    }
    if (wasCut) await this.listen(this.port);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.cut();
    if (server) await new Promise<void>((resolve) => server.on('close', resolve));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair: Pair = { client, upstream, held: [], delayed: [] };
    this.pairs.add(pair);
    client.on('data', (chunk) => this.forward(pair, upstream, chunk));
    upstream.on('data', (chunk) => this.forward(pair, client, chunk));
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ]) {
      // A side that closes normally lets the other finish what it is sending; a failure resets both.
      socket.on('close', () => {
        this.pairs.delete(pair);
        other.end();
      });
      socket.on('error', () => this.reset(pair));
    }
  }

  private forward(pair: Pair, to: net.Socket, chunk: Buffer): void {
    if (this.mode === 'stalled') pair.held.push({ to, chunk });
    else if (to === pair.client && this.repliesToLose > 0) {
      this.repliesToLose--;
      this.reset(pair);
    } else if (to === pair.client && (this.delayMs > 0 || pair.delayed.length > 0)) {
      // TCP keeps order: one queue per connection, so no chunk overtakes one held before it (a
      // reply out of order would be matched to the wrong command), even when the delay shrinks.
      const last = pair.delayed.at(-1)?.dueAt ?? 0;
      pair.delayed.push({ chunk, dueAt: Math.max(Date.now() + this.delayMs, last) });
      this.scheduleDrain(pair);
    } else this.write(to, chunk);
  }

  private scheduleDrain(pair: Pair): void {
    if (pair.drainTimer || pair.delayed.length === 0) return;
    pair.drainTimer = setTimeout(
      () => {
        pair.drainTimer = undefined;
        while (pair.delayed.length > 0 && pair.delayed[0].dueAt <= Date.now()) this.write(pair.client, pair.delayed.shift()!.chunk);
        this.scheduleDrain(pair);
      },
      Math.max(pair.delayed[0].dueAt - Date.now(), 0),
    );
  }

  private write(to: net.Socket, chunk: Buffer): void {
    if (to.writable) to.write(chunk);
  }

  /** A reset rather than a FIN: the peer sees the connection fail, as when a service dies. */
  private reset(pair: Pair): void {
    this.pairs.delete(pair);
    abort(pair.client);
    abort(pair.upstream);
  }
}

/**
 * Resets `socket`, or closes it if its FIN is already on the way. A side whose peer has just
 * closed is ended by Node itself (allowHalfOpen is off), as is the upstream of a pair whose client
 * closed. While that shutdown is pending libuv refuses the reset (EINVAL), and Node 20 and 24
 * then drop the socket's handle without ever closing it: nothing reports it open, but the process
 * cannot exit (it spins at 100% CPU in its exit-time cleanup, waiting for that handle to close).
 * The fault specs stop the proxy just as their app process exits, its connections closing: in
 * about half of the runs of that sequence a process hung so. An ended socket has told its peer
 * already, so closing it plainly loses nothing.
 */
function abort(socket: net.Socket): void {
  if (socket.writableEnded) socket.destroy();
  else socket.resetAndDestroy();
}
