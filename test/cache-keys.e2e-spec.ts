import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CachedRoutes } from '../src/cache/cached-routes.js';
import type { HttpResponse } from './support/http-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { redisTargetForSuite } from './support/topology.js';

/*
 * Cache keys no request can forge. A path value is decoded by the router (`%3F` becomes `?`), so
 * a key that wrote it unescaped let `GET /menu-items/category/Desserts%3Flimit%3D20%26skip%3D0`
 * store its page under the key of `/menu-items/category/Desserts?limit=20&skip=0`, which the fast
 * path then served to everyone. Each case below is played on both tiers: two instances sharing
 * Redis (the second reads what the first stored from L2, through the fast path) and one instance
 * whose cache is L1 alone.
 */

// Runs on every TEST_TOPOLOGY (test/support/topology.ts): a single Redis, a Redis Cluster, read replicas.
const target = await redisTargetForSuite('test/cache-keys.e2e-spec.ts', { multiInstance: true });
const describeWithServices = target ? describe : describe.skip;

const ids = (response: HttpResponse) => (response.body as { id: number }[]).map((row) => row.id);
const outcome = (response: HttpResponse) => response.headers.get('x-cache');

/** Every public cached route with a path parameter that is not an id: the ones a path value can try to forge keys through. */
const STRING_PARAM_ROUTES = ['/menu-items/category/:category', '/menu-items/dietary/:dietary_type'];

interface Setup {
  name: string;
  /** The instance that writes and is attacked first. */
  writer: TestApp;
  /** Every instance, the writer first. */
  readers: TestApp[];
}

describeWithServices('cache keys that no request can forge', () => {
  const prefix = `tiffin-keys-${randomBytes(4).toString('hex')}`;
  let a: TestApp;
  let b: TestApp;
  let alone: TestApp;
  const setups: Setup[] = [];
  /** Per setup: the ids of its Desserts items and its vegan items, by id. */
  const desserts = new Map<string, number[]>();
  const vegan = new Map<string, number[]>();

  const createItem = async (app: TestApp, restaurant: number, body: Record<string, unknown>) => {
    const response = await app.admin.post(`/restaurants/${restaurant}/menu-items`, {
      name: `Dish ${randomBytes(3).toString('hex')}`,
      price: 7,
      ...body,
    });
    expect(response.status).toBe(201);
    return response.body as { id: number; category: string };
  };

  beforeAll(async () => {
    // Generous Redis limits: this suite is about keys, not about a busy machine pushing a call past 100 ms.
    const env = { ...target!.env, CACHE_PREFIX: prefix, CACHE_LEASE_WAIT_MS: '10000' };
    a = await startTestApp({ env });
    b = await startTestApp({ env, database: a.database });
    // REDIS_URL empty: this instance's cache is L1 alone, on a database of its own.
    alone = await startTestApp({ env: { REDIS_URL: '' } });
    setups.push({ name: 'L1 + L2, two instances', writer: a, readers: [a, b] }, { name: 'L1 alone', writer: alone, readers: [alone] });
    for (const setup of setups) {
      const restaurant = await setup.writer.admin.post('/restaurants', {
        name: `Keys ${setup.name}`,
        cuisine_type: 'Italian',
        address: '1 Key Street',
        phone_number: '+1-555-0100',
      });
      expect(restaurant.status).toBe(201);
      const made: number[] = [];
      for (let index = 0; index < 3; index++) made.push((await createItem(setup.writer, restaurant.body.id, { category: 'Desserts' })).id);
      desserts.set(setup.name, made);
      vegan.set(setup.name, [
        (await createItem(setup.writer, restaurant.body.id, { category: 'Mains', is_vegan: true, is_vegetarian: true })).id,
      ]);
    }
  });

  afterAll(async () => {
    await alone?.close();
    await b?.close();
    await a?.close();
    await target!.deleteKeysUnderPrefix(prefix);
  });

  it('covers every public cached route with a string path parameter', () => {
    for (const app of [a, alone]) {
      const routes = app.app
        .get(CachedRoutes)
        .routes()
        .filter((route) => route.isPublic && /:(?!id\b)(?!\w+_id\b)\w+/.test(route.route))
        .map((route) => route.route)
        .sort();
      expect(routes).toEqual([...STRING_PARAM_ROUTES].sort());
    }
  });

  /** The legitimate URL answers its own data on every instance, served fresh and then from the cache. */
  async function expectLegitimate(setup: Setup, path: string, expected: number[]): Promise<void> {
    for (const app of setup.readers) {
      const first = await app.http.get(path);
      expect({ path, status: first.status, ids: ids(first) }).toEqual({ path, status: 200, ids: expected });
      const again = await app.http.get(path);
      expect(ids(again)).toEqual(expected);
      expect(outcome(again)).toMatch(/^HIT-L[12]$/);
    }
  }

  describe.each([0, 1])('setup %i', (index) => {
    const setup = () => setups[index];
    const legitimate = '/menu-items/category/Desserts?limit=20&skip=0';
    const forged = '/menu-items/category/Desserts%3Flimit%3D20%26skip%3D0';

    it("the %3F case: a category holding the query does not fill the query's key", async () => {
      const { writer, readers } = setup();
      for (const app of readers) {
        const attack = await app.http.get(forged);
        expect({ status: attack.status, ids: ids(attack) }).toEqual({ status: 200, ids: [] });
        expect(outcome(await app.http.get(forged))).toMatch(/^HIT-L[12]$/);
      }
      // The forged request's entry was stored; the legitimate URL is still a miss of its own.
      expect(outcome(await writer.http.get(legitimate))).toBe('MISS');
      await expectLegitimate(setup(), legitimate, desserts.get(setup().name)!);
    });

    it('a category literally named "Desserts?limit=20&skip=0" answers its own item, and Desserts keeps its page', async () => {
      const { writer, readers } = setup();
      const restaurant = (await writer.http.get(`/menu-items/${desserts.get(setup().name)![0]}`)).body.restaurant_id as number;
      const literal = await createItem(writer, restaurant, { category: 'Desserts?limit=20&skip=0' });
      expect(literal.category.toLowerCase()).toBe('desserts?limit=20&skip=0');
      for (const app of readers) {
        const own = await app.http.get(`/menu-items/category/${encodeURIComponent(literal.category)}`);
        expect({ status: own.status, ids: ids(own) }).toEqual({ status: 200, ids: [literal.id] });
        expect(ids(await app.http.get(forged))).toEqual([literal.id]);
      }
      await expectLegitimate(setup(), legitimate, desserts.get(setup().name)!);
      await expectLegitimate(setup(), '/menu-items/category/Desserts', desserts.get(setup().name)!);
    });

    it('a dietary type holding a query is refused and stores nothing', async () => {
      const { readers } = setup();
      for (const app of readers) {
        const attack = await app.http.get('/menu-items/dietary/vegan%3Flimit%3D20%26skip%3D0');
        expect(attack.status).toBe(400);
        expect(attack.body.message ?? attack.body).toBeDefined();
      }
      await expectLegitimate(setup(), '/menu-items/dietary/vegan?limit=20&skip=0', vegan.get(setup().name)!);
    });

    it('keeps "05" and "5" apart for a category, and never answers another spelling of a cached id', async () => {
      const { writer } = setup();
      const first = desserts.get(setup().name)![0];
      const zero = await writer.http.get(`/menu-items/category/0${5}`);
      expect({ status: zero.status, ids: ids(zero) }).toEqual({ status: 200, ids: [] });
      expect((await writer.http.get(`/menu-items/${first}`)).status).toBe(200);
      expect(outcome(await writer.http.get(`/menu-items/${first}`))).toMatch(/^HIT-L[12]$/);
      // One spelling of an id is valid; the fast path must not answer another from the cached one.
      const padded = await writer.http.get(`/menu-items/0${first}`);
      expect(padded.status).toBe(400);
      expect(padded.headers.get('x-cache')).toBeNull();
    });
  });

  it('records accesses by their canonical URL and warms them as an anonymous caller', async () => {
    const first = desserts.get(setups[0].name)![0];
    await a.http.get(`/menu-items/${first}`);
    await a.http.get(forged());
    await a.http.get('/menu-items/category/Desserts?skip=0&limit=20');
    const hottest = (await a.admin.get('/enterprise/analytics/patterns')).body;
    const paths = JSON.stringify(hottest);
    expect(paths).toContain(`"/menu-items/${first}"`);
    expect(paths).toContain('"/menu-items/category/Desserts%3Flimit%3D20%26skip%3D0"');
    expect(paths).toContain('"/menu-items/category/Desserts?limit=20&skip=0"');

    expect((await a.admin.delete('/cache/clear')).status).toBe(200);
    const warmed = await a.admin.post('/enterprise/warming/predictive', { limit: 50 });
    expect(warmed.status).toBe(200);
    const chosen = (warmed.body.chosen as { path: string; status: number }[]).map((path) => path.path);
    expect(chosen).toEqual(
      expect.arrayContaining(['/menu-items/category/Desserts?limit=20&skip=0', '/menu-items/category/Desserts%3Flimit%3D20%26skip%3D0']),
    );
    expect((warmed.body.chosen as { status: number }[]).every((path) => path.status === 200)).toBe(true);
    // What warming stored is what these anonymous requests would have stored: served as hits, each its own answer.
    for (const app of [a, b]) {
      const legitimate = await app.http.get('/menu-items/category/Desserts?limit=20&skip=0');
      expect(outcome(legitimate)).toMatch(/^HIT-L[12]$/);
      expect(ids(legitimate)).toEqual(desserts.get(setups[0].name));
      const literal = await app.http.get(forged());
      expect(outcome(literal)).toMatch(/^HIT-L[12]$/);
      expect(ids(literal)).toHaveLength(1);
    }
  });

  it("warms as an anonymous caller that does not spend the address's rate limit", async () => {
    // Three anonymous requests a minute per address: the five entry reads warmed anonymously would pass it.
    const limited = await startTestApp({ env: { REDIS_URL: '', RATE_LIMIT_PER_MINUTE: '3', ANONYMOUS_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const warmed = await limited.admin.post('/cache/warm');
      expect(warmed.status).toBe(200);
      const paths = warmed.body.paths as { path: string; status: number; outcome: string }[];
      expect(paths.length).toBeGreaterThan(3);
      expect(paths.filter((path) => path.status !== 200)).toEqual([]);
      // The address still has its whole quota: three reads pass, the fourth (a miss, so through the guard) is refused.
      for (let index = 0; index < 3; index++) expect((await limited.http.get(`/menu-items/category/Quota${index}`)).status).toBe(200);
      expect((await limited.http.get('/menu-items/category/Quota3')).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

function forged(): string {
  return '/menu-items/category/Desserts%3Flimit%3D20%26skip%3D0';
}
