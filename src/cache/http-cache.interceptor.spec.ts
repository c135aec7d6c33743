import { describe, expect, it } from '@jest/globals';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { lastValueFrom, of } from 'rxjs';
import { CACHE_POLICY, type CachePolicy, type RouteParams } from './cache-policy.js';
import type { CacheService, HttpCacheResult } from './cache.service.js';
import { CACHE_REFRESH_HEADER, CACHE_REFRESH_TOKEN, HttpCacheInterceptor, matchesEtag } from './http-cache.interceptor.js';
import type { LoadedValue } from './tiered-cache.js';

/*
 * The interceptor with a fake CacheService: which cache call a request makes (read, refresh,
 * bypass), with which owner and source, what the loader it hands over does, and how an answer is
 * written (headers, 304).
 */

const restaurantPolicy: CachePolicy = {
  name: 'restaurant',
  namespace: 'restaurants',
  ttl: 'restaurants',
  tags: (params) => [`restaurant:${params.id}`],
};
const customerPolicy: CachePolicy = {
  name: 'customer',
  namespace: 'sessions',
  ttl: 'customer_profiles',
  tags: (params) => [`customer:${params.id}`],
  owner: (params) => `customer:${params.id}`,
};

type Call = { method: 'read' | 'refresh' | 'bypass'; sessionOwner?: string; source?: string; loaded: LoadedValue };

/** Records each call, runs the loader it was given, and answers `result`. */
class FakeCacheService {
  enabled = true;
  calls: Call[] = [];
  result: HttpCacheResult = { outcome: 'HIT-L1', body: '{"id":7}', etag: '"abc"', freshUntil: 5000, storedAt: Date.now() - 3500 };

  serialise(_policy: CachePolicy, params: RouteParams, result: unknown): LoadedValue {
    return { body: JSON.stringify({ params, result }), ttlMs: 1000, tags: [] };
  }
  async read(
    _p: CachePolicy,
    _params: RouteParams,
    _q: unknown,
    loader: () => Promise<LoadedValue>,
    sessionOwner?: string,
    source?: string,
  ) {
    this.calls.push({ method: 'read', sessionOwner, source, loaded: await loader() });
    return this.result;
  }
  async refresh(
    _p: CachePolicy,
    _params: RouteParams,
    _q: unknown,
    loader: () => Promise<LoadedValue>,
    sessionOwner?: string,
    source?: string,
  ) {
    this.calls.push({ method: 'refresh', sessionOwner, source, loaded: await loader() });
    return this.result;
  }
  async bypass(_p: CachePolicy, loader: () => Promise<LoadedValue>) {
    this.calls.push({ method: 'bypass', loaded: await loader() });
    return { ...this.result, outcome: 'BYPASS' as const };
  }
}

interface RequestShape {
  method?: string;
  params?: RouteParams;
  query?: Record<string, unknown>;
  headers?: Record<string, string>;
  route?: string;
  url?: string;
  /** What the access guard puts on the request for a signed-in caller. */
  sessionOwner?: string;
}

function setUp(policy: CachePolicy | undefined, shape: RequestShape = {}) {
  const cache = new FakeCacheService();
  const interceptor = new HttpCacheInterceptor(new Reflector(), cache as unknown as CacheService);
  const handler = () => undefined;
  if (policy) Reflect.defineMetadata(CACHE_POLICY, policy, handler);
  const request = {
    method: shape.method ?? 'GET',
    params: shape.params ?? {},
    query: shape.query ?? {},
    headers: shape.headers ?? {},
    url: shape.url ?? '/as/sent',
    routeOptions: { url: shape.route },
    sessionOwner: shape.sessionOwner,
  } as unknown as FastifyRequest;
  const headers: Record<string, string> = {};
  const reply = {
    header(name: string, value: string) {
      headers[name] = value;
      return this;
    },
  } as unknown as FastifyReply;
  const context = {
    getHandler: () => handler,
    getClass: () => Object,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  let handled = 0;
  const next: CallHandler = {
    handle: () => {
      handled++;
      return of({ from: 'handler' });
    },
  };
  const run = () => lastValueFrom(interceptor.intercept(context, next));
  return { cache, request, headers, run, handled: () => handled };
}

describe('HttpCacheInterceptor', () => {
  it('leaves routes without a policy, and every method but GET, to the handler', async () => {
    for (const [policy, method] of [
      [undefined, 'GET'],
      [restaurantPolicy, 'PUT'],
      [restaurantPolicy, 'HEAD'],
    ] as const) {
      const { cache, run, handled } = setUp(policy, { method });
      expect(await run()).toEqual({ from: 'handler' });
      expect(handled()).toBe(1);
      expect(cache.calls).toEqual([]);
    }
  });

  it('reads through the cache with a loader that runs the handler and serialises its result', async () => {
    const { cache, run, handled } = setUp(restaurantPolicy, { params: { id: '7' }, route: '/restaurants/:id' });
    await run();
    expect(cache.calls).toEqual([
      {
        method: 'read',
        sessionOwner: undefined,
        source: '/restaurants/7',
        loaded: { body: JSON.stringify({ params: { id: '7' }, result: { from: 'handler' } }), ttlMs: 1000, tags: [] },
      },
    ]);
    expect(handled()).toBe(1);
  });

  it('remembers as the source the route with exactly these arguments, not the URL as sent', async () => {
    const { cache, run } = setUp(restaurantPolicy, {
      params: { id: '7' },
      query: { b: '2', a: '1' },
      route: '/restaurants/:id',
      url: '/restaurants/7?b=2&a=1&a=',
    });
    await run();
    expect(cache.calls[0].source).toBe('/restaurants/7?a=1&b=2');
  });

  it('writes a cached answer with X-Cache, ETag, JSON content type, the total and Age, and its freshness for Cache-Control', async () => {
    const { cache, request, headers, run } = setUp(restaurantPolicy, { params: { id: '7' }, route: '/restaurants/:id' });
    cache.result = { ...cache.result, total: 42, storedAt: Date.now() - 3200 };
    expect(await run()).toBe('{"id":7}');
    expect(headers).toEqual({
      'x-cache': 'HIT-L1',
      etag: '"abc"',
      'content-type': 'application/json; charset=utf-8',
      'x-total-count': '42',
      age: '3',
    });
    expect(request.cacheFreshUntil).toBe(5000);
  });

  it('answers 304 without a body when If-None-Match names the ETag', async () => {
    const { cache, headers, run } = setUp(restaurantPolicy, { params: { id: '7' }, headers: { 'if-none-match': '"old", W/"abc"' } });
    cache.result = { ...cache.result, total: 2 };
    const answer = (await run()) as Response;
    expect(answer).toBeInstanceOf(Response);
    expect(answer.status).toBe(304);
    expect(await answer.text()).toBe('');
    expect(Object.fromEntries(answer.headers)).toEqual({ 'x-cache': 'HIT-L1', etag: '"abc"', 'x-total-count': '2' });
    expect(headers).toEqual({});
  });

  it('bypasses the cache when it is switched off', async () => {
    const { cache, headers, run } = setUp(restaurantPolicy, { params: { id: '7' } });
    cache.enabled = false;
    expect(await run()).toBe('{"id":7}');
    expect(cache.calls.map((call) => call.method)).toEqual(['bypass']);
    expect(headers['x-cache']).toBe('BYPASS');
  });

  it('keys a session route by the session owner the access guard set, and never caches it without one', async () => {
    const signedIn = setUp(customerPolicy, { params: { id: '3' }, sessionOwner: 'customer:3' });
    await signedIn.run();
    expect(signedIn.cache.calls.map(({ method, sessionOwner }) => ({ method, sessionOwner }))).toEqual([
      { method: 'read', sessionOwner: 'customer:3' },
    ]);

    const anonymous = setUp(customerPolicy, { params: { id: '3' } });
    await anonymous.run();
    expect(anonymous.cache.calls.map((call) => call.method)).toEqual(['bypass']);
  });

  it("refreshes instead of reading only for this process's refresh token", async () => {
    const refresh = setUp(restaurantPolicy, { params: { id: '7' }, headers: { [CACHE_REFRESH_HEADER]: CACHE_REFRESH_TOKEN } });
    await refresh.run();
    expect(refresh.cache.calls.map((call) => call.method)).toEqual(['refresh']);

    const forged = setUp(restaurantPolicy, { params: { id: '7' }, headers: { [CACHE_REFRESH_HEADER]: 'guessed' } });
    await forged.run();
    expect(forged.cache.calls.map((call) => call.method)).toEqual(['read']);
  });
});

describe('matchesEtag', () => {
  it('matches the tag itself, a weak form of it, one of a list, or *', () => {
    expect(matchesEtag('"abc"', '"abc"')).toBe(true);
    expect(matchesEtag('W/"abc"', '"abc"')).toBe(true);
    expect(matchesEtag('"x", "abc"', '"abc"')).toBe(true);
    expect(matchesEtag('*', '"abc"')).toBe(true);
    expect(matchesEtag('"abcd"', '"abc"')).toBe(false);
    expect(matchesEtag(undefined, '"abc"')).toBe(false);
    expect(matchesEtag('', '"abc"')).toBe(false);
  });
});
