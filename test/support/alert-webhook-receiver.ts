import http from 'node:http';

export interface ReceivedCall {
  /** The status this receiver answered; 0 while stalled. */
  status: number;
  body: { event: string; alert: { id: number; rule: string; status: string }; reason: string };
}

/**
 * A local HTTP endpoint that records every POST; it answers 500 to the next `failNext` calls
 * (about `failRule`'s alerts only, when set). While `stalled`, calls are recorded on arrival but
 * answered only by {@link unstall}.
 */
export class WebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  failNext = 0;
  /**
   * The rule whose alerts' calls are failed; others are answered 204. On a loaded machine another
   * rule (the response time's) may open or resolve an alert between a test's calls, and its call
   * must not use up the failures the test counts on.
   */
  failRule?: string;
  stalled = false;
  private readonly held: (() => void)[] = [];
  private server?: http.Server;

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const call: ReceivedCall = { status: 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
        this.calls.push(call);
        const answer = () => {
          const failing = this.failNext > 0 && (this.failRule === undefined || call.body.alert.rule === this.failRule);
          call.status = failing ? 500 : 204;
          if (failing) this.failNext--;
          response.writeHead(call.status).end();
        };
        if (this.stalled) this.held.push(answer);
        else answer();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as { port: number }).port}/alerts-hook`;
  }

  unstall(): void {
    this.stalled = false;
    for (const answer of this.held.splice(0)) answer();
  }

  /** Every call for one event of one alert, in order. */
  callsFor(event: string, alertId: number): ReceivedCall[] {
    return this.calls.filter((call) => call.body.event === event && call.body.alert.id === alertId);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
