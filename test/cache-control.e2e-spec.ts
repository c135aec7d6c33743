import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TieredCache } from '../src/cache/tiered-cache.js';
import { registerCustomer, registration, type SignedIn, TEST_PASSWORD } from './support/accounts.js';
import type { HttpResponse } from './support/http-client.js';
import { insertRestaurant } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { eventually } from './support/eventually.js';

/**
 * Cache-Control on every class of answer: tokens and accounts `no-store`; everything that is not
 * public `private, no-cache` (cached session answers and refusals included); public cached answers
 * `public, max-age=<seconds their entry has left>` on a miss, on fast-path hits from L1 and L2 and
 * on hits the cache interceptor serves.
 */
const RESTAURANT_TTL_SECONDS = 8;

describe('Cache-Control', () => {
  let t: TestApp;
  let customer: SignedIn & { customer: { id: number } };
  let other: SignedIn & { customer: { id: number } };

  const cacheControl = (response: HttpResponse) => response.headers.get('cache-control');
  const maxAge = (response: HttpResponse) => Number(/^public, max-age=(\d+)$/.exec(cacheControl(response) ?? '')?.[1] ?? Number.NaN);

  beforeAll(async () => {
    // A short restaurants TTL, so an entry becomes due for refresh-ahead (served by the interceptor, not the fast path) within the test.
    t = await startTestApp({ env: { CACHE_TTL_RESTAURANTS: String(RESTAURANT_TTL_SECONDS) } });
    customer = await registerCustomer(t);
    other = await registerCustomer(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers tokens and account routes no-store, refusals included', async () => {
    const body = registration();
    const registered = await t.http.post('/auth/register', body);
    expect([registered.status, cacheControl(registered)]).toEqual([201, 'no-store']);
    const login = await t.http.post('/auth/login', { email: body.email, password: TEST_PASSWORD });
    expect([login.status, cacheControl(login)]).toEqual([200, 'no-store']);
    const refreshed = await t.http.post('/auth/refresh', { refresh_token: login.body.refresh_token });
    expect([refreshed.status, cacheControl(refreshed)]).toEqual([200, 'no-store']);
    const me = await customer.client.get('/auth/me');
    expect([me.status, cacheControl(me)]).toEqual([200, 'no-store']);
    const wrongPassword = await t.http.post('/auth/login', { email: body.email, password: 'not the password at all' });
    expect([wrongPassword.status, cacheControl(wrongPassword)]).toEqual([401, 'no-store']);
    const account = await t.admin.post('/admin/accounts', {
      email: `owner.${Date.now()}@example.com`,
      password: TEST_PASSWORD,
      role: 'restaurant_owner',
    });
    expect([account.status, cacheControl(account)]).toEqual([201, 'no-store']);
  });

  it('answers every non-public route private, no-cache: reads, session-cache hits, writes and refusals', async () => {
    const path = `/customers/${customer.customer.id}/orders`;
    const first = await customer.client.get(path);
    const hit = await customer.client.get(path);
    expect([first.status, hit.headers.get('x-cache'), cacheControl(first), cacheControl(hit)]).toEqual([
      200,
      'HIT-L1',
      'private, no-cache',
      'private, no-cache',
    ]);
    const record = await customer.client.get(`/customers/${customer.customer.id}`);
    expect([record.status, cacheControl(record)]).toEqual([200, 'private, no-cache']);
    const updated = await customer.client.put(`/customers/${customer.customer.id}`, { name: 'Renamed Customer' });
    expect([updated.status, cacheControl(updated)]).toEqual([200, 'private, no-cache']);
    const refused = await other.client.get(`/customers/${customer.customer.id}`);
    expect([refused.status, cacheControl(refused)]).toEqual([403, 'private, no-cache']);
    const anonymous = await t.http.get(`/customers/${customer.customer.id}`);
    expect([anonymous.status, cacheControl(anonymous)]).toEqual([401, 'private, no-cache']);
    const adminOnly = await t.admin.get('/cache/stats');
    expect([adminOnly.status, cacheControl(adminOnly)]).toEqual([200, 'private, no-cache']);
    const unknown = await t.http.get('/no-such-route');
    expect([unknown.status, cacheControl(unknown)]).toEqual([404, 'private, no-cache']);
  });

  it('answers public cached routes public, max-age=<TTL left> on a miss, fast-path L1 and L2 hits, a 304 and an interceptor hit', async () => {
    const id = await insertRestaurant(t.db);
    const path = `/restaurants/${id}`;
    const miss = await t.http.get(path);
    expect([miss.status, miss.headers.get('x-cache')]).toEqual([200, 'MISS']);
    expect(maxAge(miss)).toBeGreaterThan(RESTAURANT_TTL_SECONDS - 3);
    expect(maxAge(miss)).toBeLessThanOrEqual(RESTAURANT_TTL_SECONDS);

    // From L1 on the fast path (no rate-limit header: answered before the guards).
    const l1 = await t.http.get(path);
    expect([l1.headers.get('x-cache'), l1.headers.get('x-ratelimit-limit')]).toEqual(['HIT-L1', null]);
    expect(maxAge(l1)).toBeLessThanOrEqual(maxAge(miss));
    expect(maxAge(l1)).toBeGreaterThanOrEqual(0);
    const notModified = await t.http.get(path, { headers: { 'if-none-match': miss.headers.get('etag')! } });
    expect(notModified.status).toBe(304);
    expect(maxAge(notModified)).toBeLessThanOrEqual(maxAge(miss));

    if (process.env.REDIS_URL) {
      // From L2 on the fast path: this instance's L1 is emptied, Redis still holds the entry.
      t.app.get(TieredCache).l1.clear();
      const l2 = await t.http.get(path);
      expect([l2.headers.get('x-cache'), l2.headers.get('x-ratelimit-limit')]).toEqual(['HIT-L2', null]);
      expect(maxAge(l2)).toBeLessThanOrEqual(maxAge(miss));
      expect(maxAge(l2)).toBeGreaterThanOrEqual(0);
    }

    // Once the entry is due for refresh-ahead the fast path leaves it to the interceptor, which
    // serves the hit (with the rate-limit header, as it ran after the guards) and refreshes it.
    const viaInterceptor = await eventually(
      'a hit served by the interceptor (with the rate-limit header) once the entry is due for refresh-ahead',
      async () => {
        const response = await t.http.get(path);
        return response.headers.get('x-cache')?.startsWith('HIT') && response.headers.get('x-ratelimit-limit') && response;
      },
      { timeoutMs: 3 * RESTAURANT_TTL_SECONDS * 1000, intervalMs: 100 },
    );
    expect(cacheControl(viaInterceptor)).toMatch(/^public, max-age=\d+$/);
    // Due for refresh-ahead: less than a quarter of the TTL left.
    expect(maxAge(viaInterceptor)).toBeLessThanOrEqual(Math.ceil(RESTAURANT_TTL_SECONDS / 4));

    // A public route's error is public but must be revalidated; a public uncached route likewise.
    const missing = await t.http.get('/restaurants/2147483647');
    expect([missing.status, cacheControl(missing)]).toEqual([404, 'public, no-cache']);
    const health = await t.http.get('/health');
    expect([health.status, cacheControl(health)]).toEqual([200, 'public, no-cache']);
  });
});
