import { describe, expect, it } from '@jest/globals';
import { type ArgumentsHost, ConflictException, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { HttpExceptionFilter } from './http-exception.filter.js';

/** A reply that records what the filter sent. */
function fakeHost() {
  const sent = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(payload: string) {
      sent.body = JSON.parse(payload);
      return reply;
    },
  };
  const request = { method: 'POST', url: '/orders/customers/1/orders?x=1', id: 'req-1', body: {}, headers: {}, raw: {} };
  const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
  return { host, sent };
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('HttpExceptionFilter', () => {
  Logger.overrideLogger(false);

  it('answers Postgres being unreachable with a 503, Retry-After and the error body', () => {
    const { host, sent } = fakeHost();
    new HttpExceptionFilter().catch(new QueryFailedError('SELECT 1', [], refused), host);
    expect(sent).toEqual({
      status: 503,
      headers: { 'retry-after': '5', 'content-type': 'application/json; charset=utf-8' },
      body: {
        status: 503,
        error: 'Service Unavailable',
        message: 'The database is unavailable; retry later',
        path: '/orders/customers/1/orders',
        request_id: 'req-1',
      },
    });
  });

  it('keeps an unexpected failure a 500 without Retry-After', () => {
    const { host, sent } = fakeHost();
    new HttpExceptionFilter().catch(new TypeError('boom'), host);
    expect(sent.status).toBe(500);
    expect(sent.headers['retry-after']).toBeUndefined();
  });

  it('leaves an HTTP exception as it is, whatever caused it', () => {
    const { host, sent } = fakeHost();
    new HttpExceptionFilter().catch(new ConflictException('Order 1 has already been reviewed', { cause: refused }), host);
    expect(sent.status).toBe(409);
    expect(sent.headers['retry-after']).toBeUndefined();
  });
});
