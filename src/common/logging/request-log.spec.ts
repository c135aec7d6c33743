import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppConfig } from '../../config/app-config.js';
import type { LogLevelName } from '../../config/environment.js';
import { registerRequestLogging } from './request-log.js';
import { registerPreRouting } from '../http/pre-routing.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function appLogging(level: LogLevelName, json: boolean): FastifyInstance {
  const fastify = Fastify({ genReqId: () => 'request-1' });
  const preRouting = registerPreRouting(fastify, [], { cors: false });
  preRouting.answerWith((request) =>
    request.url === '/early' ? { status: 200, route: '/early', headers: ['content-length', '2'], body: Buffer.from('{}') } : undefined,
  );
  registerRequestLogging(fastify, { log: { level, json } } as AppConfig);
  fastify.get('/things/:id', () => ({ ok: true }));
  return fastify;
}

describe('registerRequestLogging', () => {
  let stdout: jest.SpiedFunction<typeof process.stdout.write>;
  afterEach(() => {
    stdout?.mockRestore();
    jest.restoreAllMocks();
  });
  const capture = () => (stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true));

  it('writes one JSON line per request, in the shape of the JSON logger, the lines of a turn in one write', async () => {
    const fastify = appLogging('log', true);
    capture();
    await Promise.all([fastify.inject('/things/7'), fastify.inject('/nowhere')]);
    await nextTurn();

    const chunks = stdout.mock.calls.map(([chunk]) => String(chunk));
    expect(chunks).toHaveLength(1);
    const lines = chunks[0].split('\n');
    expect(lines.pop()).toBe('');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual([
      {
        level: 'log',
        pid: process.pid,
        timestamp: expect.any(Number),
        message: { method: 'GET', route: '/things/:id', status: 200, duration_ms: expect.any(Number), request_id: 'request-1' },
        context: 'HTTP',
      },
      expect.objectContaining({ message: expect.objectContaining({ route: 'unmatched', status: 404 }) }),
    ]);
    await fastify.close();
  });

  it('logs an answer given before routing in the same shape, with its route and the request id it was sent', async () => {
    const fastify = appLogging('log', true);
    const address = await fastify.listen({ host: '127.0.0.1', port: 0 });
    capture();
    const response = await fetch(`${address}/early`, { headers: { 'x-request-id': 'early-1' } });
    expect(await response.text()).toBe('{}');
    await nextTurn();
    const entries = stdout.mock.calls.flatMap(([chunk]) =>
      String(chunk)
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );
    expect(entries).toEqual([
      expect.objectContaining({
        level: 'log',
        message: { method: 'GET', route: '/early', status: 200, duration_ms: expect.any(Number), request_id: 'early-1' },
        context: 'HTTP',
      }),
    ]);
    await fastify.close();
  });

  it('writes the pending lines when the app closes, before the end of the turn', async () => {
    const fastify = appLogging('log', true);
    capture();
    await fastify.inject('/things/1');
    const written = stdout.mock.calls.length;
    await fastify.close();
    expect(stdout.mock.calls.length).toBe(written + 1);
    expect(String(stdout.mock.calls.at(-1)?.[0])).toContain('"route":"/things/:id"');
  });

  it('leaves the exit listener it added when the app closes', async () => {
    const before = process.listenerCount('exit');
    const fastify = appLogging('log', true);
    expect(process.listenerCount('exit')).toBe(before + 1);
    await fastify.close();
    expect(process.listenerCount('exit')).toBe(before);
  });

  it('logs through Nest in the text format', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const fastify = appLogging('log', false);
    await fastify.inject('/things/7');
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^GET \/things\/:id 200 [\d.]+ms \[request-1\]$/));
    await fastify.close();
  });

  it('writes nothing below the level log', async () => {
    const fastify = appLogging('warn', true);
    capture();
    await fastify.inject('/things/7');
    await nextTurn();
    expect(stdout).not.toHaveBeenCalled();
    await fastify.close();
  });
});
