import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type MessageEvent, Sse } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { interval, map, type Observable } from 'rxjs';
import { registerRequestTimeLimit, TimeLimit } from './request-time-limit.js';

const LIMIT_MS = 50;

/** Handlers that wait until the test lets them go. */
const held: Array<() => void> = [];
const holdFor = (ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    held.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });

@Controller()
class Routes {
  @Get('quick')
  quick() {
    return { answered: 'quick' };
  }

  @Get('stuck')
  async stuck() {
    await holdFor(60_000);
    return { answered: 'late' };
  }

  @Get('bulk')
  @TimeLimit(10_000)
  async bulk() {
    await holdFor(4 * LIMIT_MS);
    return { answered: 'bulk' };
  }

  @Sse('events')
  events(): Observable<MessageEvent> {
    return interval(3 * LIMIT_MS).pipe(map((n) => ({ data: { n } })));
  }
}

@Module({ controllers: [Routes] })
class RoutesModule {}

describe('registerRequestTimeLimit', () => {
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(RoutesModule, new FastifyAdapter(), { logger: false });
    registerRequestTimeLimit(app.getHttpAdapter().getInstance(), LIMIT_MS);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const release of held.splice(0)) release();
    await app?.close();
  });

  it('answers 503 with Retry-After and the error body when a handler outlives the limit', async () => {
    const startedAt = Date.now();
    const response = await fetch(`${base}/stuck`);
    const waitedMs = Date.now() - startedAt;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toMatchObject({
      status: 503,
      path: '/stuck',
      message: `The request did not complete within ${LIMIT_MS} ms; retry later`,
    });
    expect(waitedMs).toBeGreaterThanOrEqual(LIMIT_MS);
  });

  it('drops the late answer of a handler that ends after its 503, and goes on serving', async () => {
    const stuck = fetch(`${base}/stuck`);
    expect((await stuck).status).toBe(503);
    for (const release of held.splice(0)) release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const next = await fetch(`${base}/quick`);
    expect(next.status).toBe(200);
    expect(await next.json()).toEqual({ answered: 'quick' });
  });

  it('gives a @TimeLimit route its own limit', async () => {
    const response = await fetch(`${base}/bulk`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ answered: 'bulk' });
  });

  it('leaves an event stream that has started answering open past the limit', async () => {
    const abort = new AbortController();
    const response = await fetch(`${base}/events`, { signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    // Two events, the second 6 limits after the stream opened.
    while ((text.match(/^data:/gm) ?? []).length < 2) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('data: {"n":1}');
    abort.abort();
  });
});
