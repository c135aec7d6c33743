import { describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance, type onRequestHookHandler } from 'fastify';
import { registerTurnBatching } from './turn-batching.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** The hook as registered, called the way Fastify calls it. */
function registeredHook(): (done: () => void) => void {
  let hook: onRequestHookHandler | undefined;
  registerTurnBatching({ addHook: (_name: string, handler: onRequestHookHandler) => (hook = handler) } as unknown as FastifyInstance);
  return (done) => (hook as unknown as (request: unknown, reply: unknown, done: () => void) => void)({}, {}, done);
}

describe('registerTurnBatching', () => {
  it('goes on at once with the first request of a turn and with the others at its end', async () => {
    const onRequest = registeredHook();
    const went: string[] = [];

    for (const name of ['a', 'b', 'c']) onRequest(() => went.push(name));
    expect(went).toEqual(['a']);

    await nextTurn();
    expect(went).toEqual(['a', 'b', 'c']);
  });

  it('goes on at once with the first request of the next turn', async () => {
    const onRequest = registeredHook();
    const went: string[] = [];
    onRequest(() => went.push('a'));
    onRequest(() => went.push('b'));
    await nextTurn();

    onRequest(() => went.push('c'));
    expect(went).toEqual(['a', 'b', 'c']);
  });

  it('answers every request of a turn in a real Fastify app', async () => {
    const fastify = Fastify();
    registerTurnBatching(fastify);
    fastify.get('/:name', (request) => ({ name: (request.params as { name: string }).name }));
    try {
      const names = ['a', 'b', 'c', 'd'];
      const responses = await Promise.all(names.map((name) => fastify.inject({ method: 'GET', url: `/${name}` })));
      expect(responses.map((response) => response.json<{ name: string }>().name)).toEqual(names);
    } finally {
      await fastify.close();
    }
  });
});
