import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CLEAR_CHANNEL } from '../src/cache-ops/maintenance/l1-clear-broadcast.js';
import { CacheService } from '../src/cache/cache.service.js';
import { CacheTags } from '../src/cache/cache-tags.js';
import { MessageBus } from '../src/redis/message-bus.js';
import { insertRestaurant } from './support/fixtures.js';
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

  describe('reads under way while a clear runs', () => {
    /**
     * Starts a read of a restaurant not cached yet and holds its load in Postgres (the table locked
     * by another session) until `during` has run; then lets it finish and returns its answer.
     */
    const readHeldAcross = async (app: TestApp, during: (id: number) => Promise<void>) => {
      // Inserted in SQL: no event, so no write-through has cached it.
      const id = await insertRestaurant(app.db, { name: `Held ${randomBytes(3).toString('hex')}` });
      const locker = app.db.createQueryRunner();
      await locker.connect();
      await locker.startTransaction();
      try {
        await locker.query('LOCK TABLE restaurants IN ACCESS EXCLUSIVE MODE');
        const read = app.http.get(`/restaurants/${id}`);
        // The read's load is waiting for the lock: it began before what `during` does.
        const waiting = async () =>
          Number(
            (
              await app.db.query(
                `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%restaurants%'`,
              )
            )[0].n,
          );
        for (let tries = 0; (await waiting()) === 0; tries++) {
          if (tries > 100) throw new Error('the read never reached Postgres');
          await new Promise((done) => setTimeout(done, 20));
        }
        await during(id);
        await locker.rollbackTransaction();
        return { id, first: await read };
      } finally {
        if (locker.isTransactionActive) await locker.rollbackTransaction();
        await locker.release();
      }
    };

    it('a clear is a barrier: a read whose load began before it answers, but stores nothing on either tier', async () => {
      const { id, first } = await readHeldAcross(a, async () => {
        expect((await a.admin.delete('/cache/clear', admin)).status).toBe(200);
      });
      expect(first.status).toBe(200);
      expect(first.headers.get('x-cache')).toBe('MISS');
      const key = `restaurants:restaurant:${id}`;
      expect(await a.app.get(CacheService).tiers.entry(key)).toBeUndefined();
      expect(await b.app.get(CacheService).tiers.entry(key)).toBeUndefined();
      // A read that begins after the clear loads again, and its entry is kept.
      expect(await outcome(a, `/restaurants/${id}`)).toBe('MISS');
      expect(await outcome(a, `/restaurants/${id}`)).toBe('HIT-L1');
      expect(await outcome(b, `/restaurants/${id}`)).toBe('HIT-L2');
    });

    it('a namespace clear fences only its namespace: a read of another namespace held across it is stored', async () => {
      const { id, first } = await readHeldAcross(a, async () => {
        expect((await a.admin.delete('/cache/clear/menu-items', admin)).status).toBe(200);
      });
      expect(first.headers.get('x-cache')).toBe('MISS');
      expect(await a.app.get(CacheService).tiers.entry(`restaurants:restaurant:${id}`)).toBeDefined();
      expect(await outcome(a, `/restaurants/${id}`)).toBe('HIT-L1');
    });

    it('a clear keeps the invalidation sequences: a read that began before a write is not stored, clear or not', async () => {
      const { id, first } = await readHeldAcross(a, async (id) => {
        // The write's invalidation (the write itself would wait for the same lock), then a clear.
        await a.app.get(CacheService).invalidate([CacheTags.restaurant(id)], 'test: the write this read raced');
        expect((await a.admin.delete('/cache/clear', admin)).status).toBe(200);
      });
      expect(first.headers.get('x-cache')).toBe('MISS');
      expect(await a.app.get(CacheService).tiers.entry(`restaurants:restaurant:${id}`)).toBeUndefined();
      expect(await outcome(a, `/restaurants/${id}`)).toBe('MISS');
    });

    it("a clear message reaching an instance late drops only that instance's L1 copy: the entry is read again from Redis", async () => {
      const path = `/restaurants/${restaurant}`;
      await a.admin.delete('/cache/clear', admin);
      await inBsL1(path);
      const before = await b.admin.get(path);
      // What B does with a clear request that arrives after the clear answered (past the acknowledgement wait).
      await a.app.get(MessageBus).publish(CLEAR_CHANNEL, { id: 'late', origin: 'elsewhere', selections: null });
      for (let tries = 0; b.app.get(CacheService).tiers.l1.peek(`restaurants:restaurant:${restaurant}`) && tries < 100; tries++) {
        await new Promise((done) => setTimeout(done, 20));
      }
      const after = await b.admin.get(path);
      expect(after.headers.get('x-cache')).toBe('HIT-L2');
      expect(after.text).toBe(before.text);
    });
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
