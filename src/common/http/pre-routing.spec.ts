import { afterEach, describe, expect, it } from '@jest/globals';
import fastifyCors from '@fastify/cors';
import Fastify, { type FastifyInstance } from 'fastify';
import { type EarlyAnswer, type EarlyAnswered, registerPreRouting } from './pre-routing.js';

/*
 * The stage in front of Fastify, on a real Fastify server on loopback: what it answers, with which
 * headers, what it hands on, and what its observers get.
 */

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;
const early = (route: string): EarlyAnswer => ({
  status: 200,
  route,
  headers: ['x-cache', 'HIT-L1', 'content-length', '5'],
  body: Buffer.from('early'),
});

let fastify: FastifyInstance | undefined;
afterEach(async () => {
  await fastify?.close();
  fastify = undefined;
});

async function serve(answer: (url: string | undefined) => EarlyAnswer | Promise<EarlyAnswer | undefined> | undefined, cors = false) {
  fastify = Fastify();
  if (cors) await fastify.register(fastifyCors, { origin: ['https://app.example.com'], exposedHeaders: ['x-cache'] });
  const preRouting = registerPreRouting(fastify, [['x-frame-options', 'DENY']], { cors });
  preRouting.answerWith((request) => answer(request.url));
  const answered: EarlyAnswered[] = [];
  preRouting.observe((event) => answered.push(event));
  fastify.get('/*', () => 'routed');
  fastify.post('/*', () => 'routed');
  const address = await fastify.listen({ host: '127.0.0.1', port: 0 });
  return { address, answered, preRouting };
}

describe('PreRouting', () => {
  it('answers what its answerer answers, with the common headers, the request id and its own headers', async () => {
    const { address, answered } = await serve((url) => (url === '/hit' ? early('/hit') : undefined));
    const given = await fetch(`${address}/hit`, { headers: { 'x-request-id': 'abc-1' } });
    expect(given.status).toBe(200);
    expect(await given.text()).toBe('early');
    expect(given.headers.get('x-frame-options')).toBe('DENY');
    expect(given.headers.get('x-cache')).toBe('HIT-L1');
    expect(given.headers.get('x-request-id')).toBe('abc-1');

    const unnamed = await fetch(`${address}/hit`, { headers: { 'x-request-id': 'not a token!' } });
    expect(unnamed.headers.get('x-request-id')).toMatch(UUID);
    await unnamed.text();

    expect(answered).toEqual([
      expect.objectContaining({ route: '/hit', status: 200, requestId: 'abc-1', durationMs: expect.any(Number) }),
      expect.objectContaining({ route: '/hit', status: 200, requestId: unnamed.headers.get('x-request-id') }),
    ]);
  });

  it('hands every other request to Fastify: no answer, a promise of none, a method other than GET', async () => {
    const { address, answered } = await serve(async (url) => (url === '/later' ? early('/later') : undefined));
    expect(await (await fetch(`${address}/later`)).text()).toBe('early');
    expect(await (await fetch(`${address}/elsewhere`)).text()).toBe('routed');
    expect(await (await fetch(`${address}/later`, { method: 'POST' })).text()).toBe('routed');
    expect(answered.map(({ route }) => route)).toEqual(['/later']);
  });

  it('hands the request to Fastify when the answer fails', async () => {
    const { address } = await serve(() => Promise.reject(new Error('Redis is gone')));
    expect(await (await fetch(`${address}/anything`)).text()).toBe('routed');
  });

  it('survives an answerer that throws or answers a header Node refuses (Fastify answers) and an observer that throws (the connection is closed)', async () => {
    const { address, preRouting } = await serve((url) => {
      if (url === '/throws') throw new Error('a bug');
      if (url === '/bad-header') return { ...early('/bad-header'), headers: ['x-bad', 'line\nbreak'] };
      return url === '/observed' ? early('/observed') : undefined;
    });
    expect(await (await fetch(`${address}/throws`)).text()).toBe('routed');
    expect(await (await fetch(`${address}/bad-header`)).text()).toBe('routed');
    preRouting.observe(() => {
      throw new Error('a bug');
    });
    const observed = await fetch(`${address}/observed`).then(
      (response) => response.text(),
      () => 'closed',
    );
    expect(['early', 'closed']).toContain(observed);
    expect(await (await fetch(`${address}/elsewhere`)).text()).toBe('routed');
  });

  it('carries the CORS headers @fastify/cors gave a routed answer to the same Origin, and routes an Origin not seen yet', async () => {
    const { address, answered } = await serve((url) => (url === '/hit' ? early('/hit') : undefined), true);
    const corsHeaders = (response: Response) =>
      Object.fromEntries([...response.headers.entries()].filter(([name]) => name.startsWith('access-control-') || name === 'vary'));
    for (const origin of ['https://app.example.com', 'https://elsewhere.example.com', undefined]) {
      const headers: Record<string, string> = origin ? { origin } : {};
      const routed = await fetch(`${address}/elsewhere`, { headers });
      expect(await routed.text()).toBe('routed');
      const before = answered.length;
      const hit = await fetch(`${address}/hit`, { headers });
      expect([await hit.text(), answered.length]).toEqual(['early', before + 1]);
      expect(corsHeaders(hit)).toEqual(corsHeaders(routed));
    }
    const allowed = await fetch(`${address}/hit`, { headers: { origin: 'https://app.example.com' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const refused = await fetch(`${address}/hit`, { headers: { origin: 'https://elsewhere.example.com' } });
    expect([refused.headers.get('access-control-allow-origin'), refused.headers.get('vary')]).toEqual([null, 'Origin']);

    const before = answered.length;
    expect(await (await fetch(`${address}/hit`, { headers: { origin: 'https://new.example.com' } })).text()).toBe('routed');
    expect(await (await fetch(`${address}/hit`, { headers: { origin: 'https://new.example.com' } })).text()).toBe('early');
    expect(answered.length).toBe(before + 1);
  });

  it('takes one answerer, and only in front of a server with one request listener', () => {
    fastify = Fastify();
    const preRouting = registerPreRouting(fastify, [], { cors: false });
    preRouting.answerWith(() => undefined);
    expect(() => preRouting.answerWith(() => undefined)).toThrow('already has an answerer');
    const crowded = Fastify();
    crowded.server.on('request', () => undefined);
    expect(() => registerPreRouting(crowded, [], { cors: false })).toThrow("expected Fastify's one request listener, found 2");
  });
});
