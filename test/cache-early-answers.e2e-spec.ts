import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TieredCache } from '../src/cache/tiered-cache.js';
import type { EarlyAnswered } from '../src/common/http/pre-routing.js';
import type { HttpResponse } from './support/http-client.js';
import { insertRestaurant } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Cache hits answered before Fastify routes the request: once a URL's hit has been answered by
 * the routed fast path, the next request for it is answered by the stage in front of Fastify. Its
 * answers must be the routed ones exactly (headers and body), never outlive an invalidation, and
 * still reach the request log's and the metrics' observers. With CORS on, they carry the CORS headers
 * of the routed answers to the same Origin.
 */

/** The headers that differ between two answers of one entry by design: this request's own id, the clock, the connection. */
const PER_REQUEST = new Set(['x-request-id', 'date', 'age', 'cache-control', 'connection', 'keep-alive']);

const comparable = (response: HttpResponse) =>
  Object.fromEntries([...response.headers.entries()].filter(([name]) => !PER_REQUEST.has(name)).sort(([a], [b]) => a.localeCompare(b)));

describe('Cache hits answered before routing', () => {
  let t: TestApp;
  const early: EarlyAnswered[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    t.app
      .getHttpAdapter()
      .getInstance()
      .preRouting.observe((answered) => early.push(answered));
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers the URL of a routed hit before routing, with the same status, headers and body', async () => {
    const id = await insertRestaurant(t.db);
    const path = `/restaurants/${id}/with-menu`;
    const miss = await t.http.get(path);
    const routed = await t.http.get(path);
    expect([miss.headers.get('x-cache'), routed.headers.get('x-cache'), early.length]).toEqual(['MISS', 'HIT-L1', 0]);

    const answered = await t.http.get(path, { headers: { 'x-request-id': 'early-e2e-1' } });
    expect(early).toEqual([expect.objectContaining({ route: '/restaurants/:id/with-menu', status: 200, requestId: 'early-e2e-1' })]);
    expect(answered.status).toBe(200);
    expect(answered.text).toBe(routed.text);
    expect(comparable(answered)).toEqual(comparable(routed));
    expect(answered.headers.get('x-request-id')).toBe('early-e2e-1');
    expect(answered.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(answered.headers.get('content-security-policy')).toContain("default-src 'self'");

    const etag = { 'if-none-match': miss.headers.get('etag')! };
    early.length = 0;
    const notModified = await t.http.get(path, { headers: etag });
    expect([notModified.status, early.length]).toEqual([304, 1]);
    // The same 304 through routing: a new spelling of the URL has not been remembered yet.
    const routedNotModified = await t.http.get(`${path}/`, { headers: etag });
    expect([routedNotModified.status, early.length]).toEqual([304, 1]);
    expect(comparable(notModified)).toEqual(comparable(routedNotModified));
  });

  it('never answers an entry a write replaced: the first read after the write has the new data', async () => {
    const id = await insertRestaurant(t.db);
    const path = `/restaurants/${id}`;
    await t.http.get(path);
    await t.http.get(path);
    early.length = 0;
    expect((await t.http.get(path)).headers.get('x-cache')).toBe('HIT-L1');
    expect(early).toHaveLength(1);

    expect((await t.admin.put(path, { name: `Renamed ${id}` })).status).toBe(200);
    // Write-through stored the new representation: the next read, before routing, is a hit of it.
    const after = await t.http.get(path);
    expect([after.headers.get('x-cache'), after.body.name, early.length]).toEqual(['HIT-L1', `Renamed ${id}`, 2]);
  });

  it('answers from L2 before routing when L1 no longer holds the entry', async () => {
    if (!process.env.REDIS_URL && !process.env.REDIS_CLUSTER_NODES) return;
    const id = await insertRestaurant(t.db);
    const path = `/restaurants/${id}`;
    await t.http.get(path);
    await t.http.get(path);
    t.app.get(TieredCache).l1.clear();
    early.length = 0;
    const shared = await t.http.get(path);
    expect([shared.headers.get('x-cache'), early.map(({ route }) => route)]).toEqual(['HIT-L2', ['/restaurants/:id']]);
  });

  it('counts its answers in the HTTP metrics under their route', async () => {
    const id = await insertRestaurant(t.db);
    const path = `/restaurants/${id}`;
    const count = async () => {
      const text = (await t.admin.get('/metrics')).text;
      const line = text
        .split('\n')
        .find(
          (row) =>
            row.startsWith('http_request_duration_seconds_count{') &&
            row.includes('route="/restaurants/:id"') &&
            row.includes('status="200"'),
        );
      return Number(line?.split(' ').at(-1) ?? 0);
    };
    await t.http.get(path);
    await t.http.get(path);
    const before = await count();
    early.length = 0;
    await t.http.get(path);
    await t.http.get(path);
    expect(early).toHaveLength(2);
    expect(await count()).toBe(before + 2);
  });
});

describe('Cache hits answered before routing with CORS on', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: 'https://app.example.com' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('carry the CORS headers of the routed answer to the same Origin, allowed or not; an Origin not seen yet is routed', async () => {
    const id = await insertRestaurant(t.db);
    const path = `/restaurants/${id}`;
    const early: EarlyAnswered[] = [];
    t.app
      .getHttpAdapter()
      .getInstance()
      .preRouting.observe((answered) => early.push(answered));
    await t.http.get(path);
    for (const origin of ['https://app.example.com', 'https://elsewhere.example.com']) {
      const headers = { origin };
      const routed = await t.http.get(path, { headers });
      expect([routed.headers.get('x-cache'), early.length]).toEqual(['HIT-L1', 0]);
      const answered = await t.http.get(path, { headers });
      expect(early).toHaveLength(1);
      early.length = 0;
      expect(comparable(answered)).toEqual(comparable(routed));
    }
    const allowed = await t.http.get(path, { headers: { origin: 'https://app.example.com' } });
    expect([allowed.headers.get('access-control-allow-origin'), allowed.headers.get('vary')]).toEqual([
      'https://app.example.com',
      'Origin',
    ]);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('x-cache');
    const refused = await t.http.get(path, { headers: { origin: 'https://elsewhere.example.com' } });
    expect([refused.headers.get('access-control-allow-origin'), refused.headers.get('vary')]).toEqual([null, 'Origin']);
  });
});
