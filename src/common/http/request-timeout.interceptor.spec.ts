import { describe, expect, it } from '@jest/globals';
import { Controller, Get, ServiceUnavailableException, Sse } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, NEVER, of } from 'rxjs';
import { RequestTimeoutInterceptor, TimeLimit } from './request-timeout.interceptor.js';

@Controller()
class Routes {
  @Get()
  usual(): void {}

  @Get('bulk')
  @TimeLimit(60_000)
  bulk(): void {}

  @Sse('events')
  events(): void {}
}

function contextFor(handler: keyof Routes, headers: Record<string, string>) {
  return {
    getType: () => 'http',
    // Nest hands interceptors the handler function itself, unbound, to read its metadata.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getResponse: () => ({ header: (name: string, value: string) => (headers[name] = value) }) }),
  } as never;
}

describe('RequestTimeoutInterceptor', () => {
  const interceptor = new RequestTimeoutInterceptor(new Reflector(), 20);

  it('answers 503 with Retry-After when the handler does not answer within the limit', async () => {
    const headers: Record<string, string> = {};
    const answer = lastValueFrom(interceptor.intercept(contextFor('usual', headers), { handle: () => NEVER }));
    await expect(answer).rejects.toBeInstanceOf(ServiceUnavailableException);
    expect(headers['retry-after']).toBe('1');
  });

  it('passes an answer given in time through unchanged', async () => {
    await expect(lastValueFrom(interceptor.intercept(contextFor('usual', {}), { handle: () => of('done') }))).resolves.toBe('done');
  });

  it('gives a @TimeLimit route its own limit, and never times out an event stream', async () => {
    const errors: unknown[] = [];
    const subscriptions = (['bulk', 'events'] as const).map((handler) =>
      interceptor.intercept(contextFor(handler, {}), { handle: () => NEVER }).subscribe({ error: (error) => errors.push(error) }),
    );
    // Time passing with nothing happening: no error arrives within a while.
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const subscription of subscriptions) subscription.unsubscribe();
    expect(errors).toEqual([]);
  });
});
