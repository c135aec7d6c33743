import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { SharedRedis } from '../src/redis/redis-connection.js';
import { COUNT_HITS } from '../src/redis/redis-scripts.js';
import { deleteKeysUnderPrefix } from './support/redis-keys.js';
import { servicesForMultiInstanceSuite } from './support/services.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { eventually } from './support/eventually.js';

const PASSWORD = 'a long enough password';

describe('HTTP hardening', () => {
  describe('headers', () => {
    let t: TestApp;
    let cors: TestApp;

    beforeAll(async () => {
      t = await startTestApp();
      cors = await startTestApp({ env: { CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' } });
    });

    afterAll(async () => {
      await t?.close();
      await cors?.close();
    });

    it('sends security headers on every answer, errors and L1 fast-path hits included', async () => {
      await t.http.get('/restaurants');
      const hit = await t.http.get('/restaurants');
      expect(hit.headers.get('x-cache')).toBe('HIT-L1');
      for (const response of [
        hit,
        ...(await Promise.all(['/health', '/restaurants/999999', '/no-such-route'].map((path) => t.http.get(path)))),
      ]) {
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(response.headers.get('strict-transport-security')).toContain('max-age=');
        expect(response.headers.get('x-powered-by')).toBeNull();
      }
    });

    it('serves the Swagger UI without inline scripts, which the policy would block', async () => {
      const page = await t.http.get('/docs');
      expect(page.status).toBe(200);
      const scripts = page.text.match(/<script[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) expect(script).toMatch(/src=/);
    });

    it('sends no CORS headers unless origins are configured', async () => {
      const response = await t.http.get('/health', { headers: { origin: 'https://app.example.com' } });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('allows exactly the configured origins, preflight included', async () => {
      const preflight = await cors.http.request('OPTIONS', '/restaurants', undefined, {
        headers: {
          origin: 'https://admin.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,idempotency-key',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
      // A browser sends the request only if every header it asked for is allowed: a retry key too.
      expect(preflight.headers.get('access-control-allow-headers')?.split(/, */)).toEqual(
        expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
      );
      const allowed = await cors.http.get('/health', { headers: { origin: 'https://app.example.com' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(allowed.headers.get('access-control-expose-headers')?.split(/, */)).toEqual(
        expect.arrayContaining(['age', 'x-cache', 'x-total-count', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-request-id']),
      );
      const other = await cors.http.get('/health', { headers: { origin: 'https://evil.example.com' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('rate limits', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '30', AUTH_RATE_LIMIT_PER_MINUTE: '3', AUTH_BCRYPT_ROUNDS: '4' } });
      const account = await t.admin.post('/admin/accounts', { email: 'limited@example.com', password: PASSWORD, role: 'restaurant_owner' });
      expect(account.status).toBe(201);
    });

    afterAll(async () => {
      await t?.close();
    });

    it('ends a burst of failed sign-ins in 429 with Retry-After, and keeps refusing even the right password', async () => {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt++) {
        statuses.push((await t.http.post('/auth/login', { email: 'limited@example.com', password: 'wrong password!!' })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      const blocked = await t.http.post('/auth/login', { email: 'limited@example.com', password: PASSWORD });
      expect(blocked.status).toBe(429);
      expect(blocked.body).toMatchObject({ status: 429, error: 'Too Many Requests', path: '/auth/login' });
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // The strict limit is for signing in; other routes still answer this address.
      expect((await t.http.get('/restaurants')).status).toBe(200);
    });

    it('limits each client across all routes, and counts a signed-in account apart from its address', async () => {
      // The admin token made one request already, creating the account: 29 of its 30 are left. The
      // count lives in Redis; a Redis call slower than its bound is counted on this instance instead
      // (failing open), so on a loaded machine the count can start over once: the 429 is due right
      // after the answer that said none were left, and within two windows' worth of requests.
      const answers: { status: number; remaining: string | null }[] = [];
      while (answers.length < 60 && answers.at(-1)?.status !== 429) {
        const response = await t.admin.get(`/customers?skip=${answers.length}`);
        answers.push({ status: response.status, remaining: response.headers.get('x-ratelimit-remaining') });
      }
      expect(answers.at(-1)!.status).toBe(429);
      expect(answers.slice(0, -1).every((answer) => answer.status === 200)).toBe(true);
      expect(answers.at(-2)!.remaining).toBe('0');
      expect(answers[0].remaining).toBe('28');
      expect(Number((await t.admin.get('/jobs')).headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const login = await t.http.post('/auth/refresh', { refresh_token: 'x'.repeat(43) });
      expect(login.status).not.toBe(429);
    });
  });

  describe('rate limits per account and for anonymous callers', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ env: { AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE: '3', ANONYMOUS_RATE_LIMIT_PER_MINUTE: '25' } });
      for (const email of ['guessed@example.com', 'bystander@example.com']) {
        expect((await t.admin.post('/admin/accounts', { email, password: PASSWORD, role: 'restaurant_owner' })).status).toBe(201);
      }
    });

    afterAll(async () => {
      await t?.close();
    });

    it('blocks sign-ins to one account after its limit, however the email is written, while other accounts sign in', async () => {
      const statuses: number[] = [];
      for (const email of ['guessed@example.com', ' Guessed@Example.com', 'GUESSED@example.com ', 'guessed@example.com']) {
        statuses.push((await t.http.post('/auth/login', { email, password: 'wrong password!!' })).status);
      }
      // The address's own limit is not the one reached: it is a million here.
      expect(statuses).toEqual([401, 401, 401, 429]);
      const blocked = await t.http.post('/auth/login', { email: 'guessed@example.com', password: PASSWORD });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await t.http.post('/auth/login', { email: 'bystander@example.com', password: PASSWORD })).status).toBe(200);
    });

    it('gives anonymous requests that reach the app a lower limit than signed-in clients', async () => {
      const statuses: number[] = [];
      // Each skip is another cache key: every request is a miss that reaches the guards.
      for (let request = 0; request < 26; request++) statuses.push((await t.http.get(`/restaurants?skip=${request}`)).status);
      expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(25);
      expect(statuses.at(-1)).toBe(429);
      const anonymous = await t.http.get('/restaurants?skip=100');
      expect(anonymous.status).toBe(429);
      expect(anonymous.headers.get('x-ratelimit-limit')).toBe('25');
      const signedIn = await t.admin.get('/restaurants?skip=100');
      expect(signedIn.status).toBe(200);
      expect(signedIn.headers.get('x-ratelimit-limit')).toBe('1000000');
    });
  });

  describe('rate limits across instances', () => {
    // Every request waits for its count in Redis: exact across instances.
    const pair = twoInstancesSharingLimits('rate limits across instances', 'tiffin-e2e-limits', '0');

    it('shares one count between instances behind a load balancer', async () => {
      const { a, b } = pair;
      if (!a || !b) return;
      const statuses: number[] = [];
      for (let request = 0; request < 21; request++)
        statuses.push((await (request % 2 ? b : a).admin.get(`/customers?skip=${request}`)).status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(20);
      expect(statuses[20]).toBe(429);
    });

    it('counts each request of a concurrent burst exactly once, as if they had come one by one', async () => {
      const { a, b, redisUrl, prefix } = pair;
      if (!a || !b || !redisUrl) return;
      const burstPrefix = `${prefix}-burst`;
      // A generous Redis bound: a call that timed out would be counted on the instance instead.
      const env = {
        REDIS_URL: redisUrl,
        CACHE_PREFIX: burstPrefix,
        RATE_LIMIT_PER_MINUTE: '20',
        RATE_LIMIT_SYNC_MS: '0',
        CACHE_REDIS_TIMEOUT_MS: '5000',
      };
      const c = await startTestApp({ env, database: a.database });
      try {
        const answers = await Promise.all(Array.from({ length: 30 }, (_, request) => c.admin.get(`/customers?skip=${request}`)));
        const allowed = answers.filter((answer) => answer.status === 200);
        expect(allowed).toHaveLength(20);
        expect(answers.filter((answer) => answer.status === 429)).toHaveLength(10);
        const remaining = allowed.map((answer) => Number(answer.headers.get('x-ratelimit-remaining'))).sort((x, y) => x - y);
        expect(remaining).toEqual(Array.from({ length: 20 }, (_, left) => left));
      } finally {
        await c.close();
        await deleteKeysUnderPrefix(redisUrl, burstPrefix);
      }
    });
  });

  describe('rate limits across instances, synced in the background', () => {
    // A long interval, so that no count goes stale while a slow machine answers the requests.
    const pair = twoInstancesSharingLimits('rate limits synced in the background', 'tiffin-e2e-synced', '2000');

    it('decides without a Redis call per request, and another instance sees the requests once they are sent', async () => {
      const { a, b, redisUrl, prefix } = pair;
      if (!a || !b || !redisUrl) return;
      const connection = a.app.get(SharedRedis).connection!;
      const runScript = connection.runScript.bind(connection);
      let counts = 0;
      jest.spyOn(connection, 'runScript').mockImplementation((script, options) => {
        if (script === COUNT_HITS) counts++;
        return runScript(script, options);
      });
      const remaining: string[] = [];
      for (let request = 0; request < 12; request++) {
        const response = await a.admin.get(`/customers?skip=${request}`);
        expect(response.status).toBe(200);
        remaining.push(response.headers.get('x-ratelimit-remaining')!);
      }
      // One instance alone counts exactly, with one call for the first request and one per sync.
      expect(remaining).toEqual(Array.from({ length: 12 }, (_, index) => String(19 - index)));
      expect(counts).toBeLessThanOrEqual(3);

      // Once a's hits are in Redis, b counts from them: 8 of the 20 are left.
      const key = await waitForCount(redisUrl, prefix, 12);
      expect(key).toContain('rate:general:');
      const statuses: number[] = [];
      while (statuses.length < 12 && statuses.at(-1) !== 429) statuses.push((await b.admin.get('/customers')).status);
      expect(statuses).toEqual([...Array.from({ length: 8 }, () => 200), 429]);
    });
  });

  describe('request timeout', () => {
    let t: TestApp;
    let proxy: TcpProxy;

    beforeAll(async () => {
      t = await startTestApp({
        env: { REQUEST_TIMEOUT_MS: '300', CACHE_ENABLED: 'false' },
        databaseUrl: async (url) => {
          const target = new URL(url);
          proxy = new TcpProxy(target.hostname, Number(target.port));
          await proxy.start();
          return proxy.through(url);
        },
      });
    });

    afterAll(async () => {
      await t?.close();
      await proxy?.stop();
    });

    it('answers 503 with Retry-After when a handler outlives REQUEST_TIMEOUT_MS, then serves again', async () => {
      proxy.delayMs = 1500;
      try {
        const slow = await t.admin.get('/restaurants');
        expect(slow.status).toBe(503);
        expect(slow.body).toMatchObject({ status: 503, path: '/restaurants' });
        expect(Number(slow.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      } finally {
        proxy.delayMs = 0;
      }
      await eventually(
        'the list to answer 200 once the database is fast again',
        async () => (await t.admin.get('/restaurants')).status === 200,
        {
          intervalMs: 100,
        },
      );
    });
  });
});

/** Waits until a general rate-limit counter under `prefix` holds `hits`; returns its key. */
async function waitForCount(redisUrl: string, prefix: string, hits: number): Promise<string> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    return await eventually(`a general rate-limit counter under ${prefix} holding ${hits} hits`, async () => {
      for await (const keys of client.scanIterator({ MATCH: `${prefix}:*rate:general:*`, COUNT: 500 })) {
        for (const key of keys) if (Number(await client.get(key)) === hits) return key;
      }
      return undefined;
    });
  } finally {
    await client.close();
  }
}

interface InstancePair {
  a?: TestApp;
  b?: TestApp;
  redisUrl?: string;
  prefix: string;
}

/**
 * Two instances on one database and one Redis prefix, with a general limit of 20 a minute and
 * RATE_LIMIT_SYNC_MS `syncMs`, started before the suite's tests and stopped after them.
 */
function twoInstancesSharingLimits(suite: string, prefixBase: string, syncMs: string): InstancePair {
  const pair: InstancePair = { prefix: `${prefixBase}-${randomBytes(4).toString('hex')}` };
  beforeAll(async () => {
    pair.redisUrl = await servicesForMultiInstanceSuite(suite);
    if (!pair.redisUrl) return;
    const env = { REDIS_URL: pair.redisUrl, CACHE_PREFIX: pair.prefix, RATE_LIMIT_PER_MINUTE: '20', RATE_LIMIT_SYNC_MS: syncMs };
    pair.a = await startTestApp({ env });
    pair.b = await startTestApp({ env, database: pair.a.database });
  });
  afterAll(async () => {
    await pair.b?.close();
    await pair.a?.close();
    if (pair.redisUrl) await deleteKeysUnderPrefix(pair.redisUrl, pair.prefix);
  });
  return pair;
}
