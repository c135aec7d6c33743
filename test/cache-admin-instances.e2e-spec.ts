import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { deleteKeysUnderPrefix } from './support/redis-keys.js';
import { servicesForMultiInstanceSuite } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const redisUrl = await servicesForMultiInstanceSuite('test/cache-admin-instances.e2e-spec.ts');
const describeWithServices = redisUrl ? describe : describe.skip;

const ADMIN_TOKEN = `instances-${randomBytes(16).toString('hex')}`;
const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

describeWithServices("clears reach the other instances' L1", () => {
  const prefix = `tiffin-instances-${randomBytes(4).toString('hex')}`;
  let a: TestApp;
  let b: TestApp;
  let restaurant: number;

  const outcome = async (app: TestApp, path: string) => (await app.admin.get(path)).headers.get('x-cache');
  /** Reads on B until its answer comes from its own L1. */
  const inBsL1 = async (path: string) => {
    await b.admin.get(path);
    expect(await outcome(b, path)).toBe('HIT-L1');
  };

  beforeAll(async () => {
    const env = { REDIS_URL: redisUrl!, CACHE_PREFIX: prefix, ADMIN_TOKEN };
    a = await startTestApp({ env });
    b = await startTestApp({ env, database: a.database });
    const created = await a.admin.post('/restaurants', {
      name: `Shared ${prefix}`,
      cuisine_type: 'Greek',
      address: '3 Shared Way',
      phone_number: '+1-555-0100',
    });
    restaurant = created.body.id;
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await deleteKeysUnderPrefix(redisUrl!, prefix);
  });

  it("a namespace clear on A empties that namespace in B's L1 and leaves the others", async () => {
    await inBsL1('/menu-items');
    await inBsL1('/restaurants');
    const cleared = await a.admin.delete('/cache/clear/menu-items', admin);
    expect(cleared.status).toBe(200);
    expect(cleared.body.other_instances.expected).toBe(1);
    expect(cleared.body.other_instances.confirmed).toEqual([{ instance: expect.any(String), removed_l1: 1 }]);
    expect(cleared.body.removed.other_instances_l1).toBe(1);
    expect(await outcome(b, '/menu-items')).toBe('MISS');
    expect(await outcome(b, '/restaurants')).toBe('HIT-L1');
  });

  it("a full clear on A empties B's L1 too", async () => {
    await inBsL1(`/restaurants/${restaurant}/with-menu`);
    await inBsL1('/restaurants');
    const cleared = await a.admin.delete('/cache/clear', admin);
    expect(cleared.status).toBe(200);
    expect(cleared.body.other_instances.confirmed[0].removed_l1).toBeGreaterThanOrEqual(2);
    expect(await outcome(b, `/restaurants/${restaurant}/with-menu`)).toBe('MISS');
    expect(await outcome(b, '/restaurants')).toBe('MISS');
  });

  it('records an invalidation caused on B in the audit log both instances read', async () => {
    const since = new Date().toISOString();
    expect((await b.admin.put(`/restaurants/${restaurant}`, { description: 'Changed on B' })).status).toBe(200);
    const rows = (await b.admin.get(`/cache/audit?since=${since}&action=invalidate`, admin)).body;
    expect(rows.map((row: { cause: string; reason: string }) => [row.cause, row.reason])).toEqual([
      ['PUT /restaurants/:id', 'restaurant.changed'],
    ]);
    const onA = await a.admin.get(`/cache/audit?since=${since}&action=invalidate`, admin);
    expect(onA.body.map((row: { id: number }) => row.id)).toEqual(rows.map((row: { id: number }) => row.id));
  });
});
