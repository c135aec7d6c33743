import { describe, expect, it } from '@jest/globals';
import type { HttpAdapterHost } from '@nestjs/core';
import type { AppConfig } from '../config/app-config.js';
import { buildEntry, type CacheEntry } from './cache-entry.js';
import { CacheFastPath, type EarlyHit } from './cache-fast-path.js';
import type { EarlyAnswer, EarlyAnswerer } from '../common/http/pre-routing.js';
import type { IncomingMessage } from 'node:http';
import type { CachePolicy } from './cache-policy.js';
import type { CachedRoute, CachedRoutes } from './cached-routes.js';
import { CACHE_REFRESH_HEADER, CACHE_REFRESH_TOKEN } from './http-cache.interceptor.js';
import type { TieredCache } from './tiered-cache.js';

/*
 * The onRequest hook with a fake Fastify, fake route index and fake tiers: which requests it
 * answers (fresh public hits in L1, then L2), which it passes on, the key it looks up, and what
 * the answer carries.
 */

const restaurantPolicy: CachePolicy = {
  name: 'restaurant',
  namespace: 'restaurants',
  ttl: 'restaurants',
  tags: (params) => [`restaurant:${params.id}`],
};
const customerPolicy: CachePolicy = {
  ...restaurantPolicy,
  name: 'customer',
  namespace: 'sessions',
  owner: (params) => `customer:${params.id}`,
};

const ROUTES: Record<string, CachedRoute> = {
  '/restaurants/:id': { route: '/restaurants/:id', policy: restaurantPolicy, isPublic: true },
  '/admin/restaurants/:id': { route: '/admin/restaurants/:id', policy: restaurantPolicy, isPublic: false },
  '/customers/:id': { route: '/customers/:id', policy: customerPolicy, isPublic: true },
};

type Hook = (request: unknown, reply: unknown, done: () => void) => void;

function setUp({ enabled = true, l1, l2 }: { enabled?: boolean; l1?: CacheEntry; l2?: CacheEntry | Error } = {}) {
  const hooks: { name: string; hook: Hook }[] = [];
  let early: EarlyAnswerer | undefined;
  const fastify = {
    addHook: (name: string, hook: Hook) => hooks.push({ name, hook }),
    preRouting: { answerWith: (answerer: EarlyAnswerer) => (early = answerer) },
  };
  const adapterHost = { httpAdapter: { getInstance: () => fastify } } as unknown as HttpAdapterHost;
  const routes = { routeFor: (route: string | undefined) => (route ? ROUTES[route] : undefined) } as unknown as CachedRoutes;
  const lookups: string[] = [];
  let shared = l2;
  const tiers = {
    freshPublicL1: (namespace: string, key: string) => (lookups.push(`L1 ${key}`), l1),
    freshPublicL2: async (namespace: string, key: string) => {
      lookups.push(`L2 ${key}`);
      if (shared instanceof Error) throw shared;
      return shared;
    },
  } as unknown as TieredCache;
  const config = { cache: { enabled, l1: { maxEntries: 100 } } } as AppConfig;
  const fastPath = new CacheFastPath(adapterHost, routes, tiers, config);
  fastPath.onModuleInit();
  /** Asks the answer before routing for a raw request, as the server's listener does. */
  const before = (url: string, headers: Record<string, string> = {}) => {
    const raw = { method: 'GET', url, headers } as unknown as IncomingMessage;
    return { raw, answer: early?.(raw) };
  };

  /** Sends one request through the hook; resolves once it either answered or passed it on. */
  const send = (request: {
    method?: string;
    route?: string;
    url?: string;
    raw?: object;
    params?: Record<string, string>;
    query?: Record<string, unknown>;
    headers?: Record<string, string>;
  }) =>
    new Promise<{ passedOn: boolean; status?: number; headers: Record<string, string>; body?: unknown; freshUntil?: number }>((resolve) => {
      const result = {
        passedOn: false,
        status: undefined as number | undefined,
        headers: {} as Record<string, string>,
        body: undefined as unknown,
      };
      const fastifyRequest = {
        method: request.method ?? 'GET',
        routeOptions: { url: request.route },
        originalUrl: request.url ?? '/unused',
        raw: request.raw ?? {},
        params: request.params ?? {},
        query: request.query ?? {},
        headers: request.headers ?? {},
        cacheFreshUntil: undefined as number | undefined,
      };
      const reply = {
        header(name: string, value: string) {
          result.headers[name] = value;
          return reply;
        },
        removeHeader(name: string) {
          delete result.headers[name];
          return reply;
        },
        code(status: number) {
          result.status = status;
          return reply;
        },
        send(body?: unknown) {
          result.body = body;
          resolve({ ...result, status: result.status ?? 200, freshUntil: fastifyRequest.cacheFreshUntil });
        },
      };
      expect(hooks.map(({ name }) => name)).toEqual(['onRequest']);
      hooks[0].hook(fastifyRequest, reply, () => resolve({ ...result, passedOn: true }));
    });
  return { hooks, lookups, send, before, fastPath, setL2: (entry: CacheEntry | undefined) => (shared = entry) };
}

const entry = (body: string, total?: number) => buildEntry({ body, tags: [], ttlMs: 60_000, total }, 5, Date.now() - 2100);

describe('CacheFastPath', () => {
  it('adds no hook when the cache is switched off', () => {
    const { hooks, before } = setUp({ enabled: false });
    expect(hooks).toEqual([]);
    expect(before('/restaurants/7').answer).toBeUndefined();
  });

  it('answers a fresh public L1 hit itself, with the headers of the full path, and never reads Redis', async () => {
    const cached = entry('{"id":7}', 3);
    const { send, lookups } = setUp({ l1: cached, l2: new Error('must not be read') });
    const answer = await send({ route: '/restaurants/:id', params: { id: '7' } });
    expect(answer).toMatchObject({ passedOn: false, status: 200, body: '{"id":7}', freshUntil: cached.freshUntil });
    expect(answer.headers).toEqual({
      'x-cache': 'HIT-L1',
      etag: cached.etag,
      'content-type': 'application/json; charset=utf-8',
      'x-total-count': '3',
      age: '2',
    });
    expect(lookups).toEqual(['L1 restaurants:restaurant:7']);
  });

  it('looks up the key the interceptor stores under: every value encoded, the query sorted', async () => {
    const { send, lookups } = setUp();
    await send({ route: '/restaurants/:id', params: { id: '7?x=1' }, query: { z: '1', a: ['2', '3'] } });
    expect(lookups[0]).toBe('L1 restaurants:restaurant:7%3Fx%3D1?a=2&a=3&z=1');
  });

  it('answers 304 without a body or content type when If-None-Match names the ETag', async () => {
    const cached = entry('{"id":7}');
    const { send } = setUp({ l1: cached });
    const answer = await send({ route: '/restaurants/:id', params: { id: '7' }, headers: { 'if-none-match': cached.etag } });
    expect(answer).toMatchObject({ passedOn: false, status: 304, body: undefined });
    expect(answer.headers).toMatchObject({ 'x-cache': 'HIT-L1', etag: cached.etag });
    expect(answer.headers['content-type']).toBeUndefined();
  });

  it('answers from L2 when L1 has nothing fresh', async () => {
    const cached = entry('{"id":8}');
    const { send, lookups } = setUp({ l2: cached });
    const answer = await send({ route: '/restaurants/:id', params: { id: '8' } });
    expect(answer).toMatchObject({ passedOn: false, body: '{"id":8}' });
    expect(answer.headers['x-cache']).toBe('HIT-L2');
    expect(lookups).toEqual(['L1 restaurants:restaurant:8', 'L2 restaurants:restaurant:8']);
  });

  it('passes on a miss in both tiers, and a Redis read that fails, to the full path', async () => {
    expect((await setUp().send({ route: '/restaurants/:id', params: { id: '9' } })).passedOn).toBe(true);
    expect((await setUp({ l2: new Error('connection refused') }).send({ route: '/restaurants/:id', params: { id: '9' } })).passedOn).toBe(
      true,
    );
  });

  it('passes on, without a lookup, everything that is not a GET of a public, non-session cached route, and refresh-ahead requests', async () => {
    const cached = entry('{"id":7}');
    for (const request of [
      { method: 'PUT', route: '/restaurants/:id', params: { id: '7' } },
      { route: '/not-cached' },
      { route: undefined },
      { route: '/admin/restaurants/:id', params: { id: '7' } },
      { route: '/customers/:id', params: { id: '3' } },
      { route: '/restaurants/:id', params: { id: '7' }, headers: { [CACHE_REFRESH_HEADER]: CACHE_REFRESH_TOKEN } },
    ]) {
      const { send, lookups } = setUp({ l1: cached });
      expect([request, (await send(request)).passedOn]).toEqual([request, true]);
      expect(lookups).toEqual([]);
    }
  });

  describe('before routing', () => {
    const headerMap = (list: string[]) => Object.fromEntries(list.flatMap((value, index) => (index % 2 ? [] : [[value, list[index + 1]]])));

    it('answers nothing for a URL no routed hit has named, nor for refresh-ahead requests', async () => {
      const { send, before, lookups } = setUp({ l1: entry('{"id":7}') });
      expect(before('/restaurants/7').answer).toBeUndefined();
      await send({ route: '/restaurants/:id', url: '/restaurants/7', params: { id: '7' } });
      expect(before('/restaurants/7', { [CACHE_REFRESH_HEADER]: CACHE_REFRESH_TOKEN }).answer).toBeUndefined();
      expect(before('/restaurants/7?x=1').answer).toBeUndefined();
      expect(lookups).toEqual(['L1 restaurants:restaurant:7']);
    });

    it("answers a routed hit's URL from the same L1 entry, with the routed answer's headers, Cache-Control and Content-Length", async () => {
      const cached = entry('{"id":7}', 3);
      const { send, before, lookups } = setUp({ l1: cached, l2: new Error('must not be read') });
      await send({ route: '/restaurants/:id', url: '/restaurants/7', params: { id: '7' } });
      const { answer } = before('/restaurants/7');
      expect(answer).toMatchObject({ status: 200, route: '/restaurants/:id', body: Buffer.from('{"id":7}') });
      expect(headerMap((answer as EarlyAnswer).headers)).toEqual({
        'x-cache': 'HIT-L1',
        etag: cached.etag,
        'content-type': 'application/json; charset=utf-8',
        'x-total-count': '3',
        age: '2',
        'cache-control': expect.stringMatching(/^public, max-age=(57|58)$/),
        'content-length': '8',
      });
      expect(lookups).toEqual(['L1 restaurants:restaurant:7', 'L1 restaurants:restaurant:7']);
    });

    it('answers 304 without a body, a content type or a length when If-None-Match names the ETag', async () => {
      const cached = entry('{"id":7}');
      const { send, before } = setUp({ l1: cached });
      await send({ route: '/restaurants/:id', url: '/restaurants/7', params: { id: '7' } });
      const answer = before('/restaurants/7', { 'if-none-match': `W/${cached.etag}` }).answer as EarlyAnswer;
      expect(answer.status).toBe(304);
      expect(answer.body).toBeUndefined();
      expect(Object.keys(headerMap(answer.headers)).sort()).toEqual(['age', 'cache-control', 'etag', 'x-cache']);
    });

    it('reads L2 when L1 has nothing; a miss there hands the request on, and routing does not read Redis again', async () => {
      const cached = entry('{"id":8}');
      const { send, before, lookups, setL2 } = setUp({ l2: cached });
      await send({ route: '/restaurants/:id', url: '/restaurants/8', params: { id: '8' } });
      const answer = await before('/restaurants/8').answer;
      expect(answer).toMatchObject({ status: 200, body: Buffer.from('{"id":8}') });
      expect(headerMap((answer as EarlyAnswer).headers)['x-cache']).toBe('HIT-L2');

      setL2(undefined);
      const { raw, answer: missed } = before('/restaurants/8');
      expect(await missed).toBeUndefined();
      lookups.length = 0;
      expect((await send({ route: '/restaurants/:id', url: '/restaurants/8', params: { id: '8' }, raw })).passedOn).toBe(true);
      expect(lookups).toEqual(['L1 restaurants:restaurant:8']);
    });

    it('tells its observers of each hit it answers, with the route, key and outcome', async () => {
      const { send, before, fastPath } = setUp({ l1: entry('{"id":7}') });
      const hits: EarlyHit[] = [];
      fastPath.observeEarlyHits((hit) => hits.push(hit));
      await send({ route: '/restaurants/:id', url: '/restaurants/7', params: { id: '7' } });
      before('/restaurants/7');
      expect(hits).toEqual([
        { target: expect.objectContaining({ route: '/restaurants/:id', cacheKey: 'restaurants:restaurant:7' }), outcome: 'HIT-L1' },
      ]);
      expect(hits[0].target.accessPath()).toBe('/restaurants/7');
    });
  });
});
