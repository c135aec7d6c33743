import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { randomBytes } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { SharedRedis } from '../src/redis/redis-connection.js';
import { eventually } from './support/eventually.js';
import { deleteKeysUnderPrefix } from './support/redis-keys.js';
import { servicesForMultiInstanceSuite } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const redisUrl = await servicesForMultiInstanceSuite('test/cache-manager.e2e-spec.ts');
const describeWithServices = redisUrl ? describe : describe.skip;

describeWithServices('CACHE_MANAGER: one ad-hoc value store shared by every instance', () => {
  const prefix = `tiffin-values-${randomBytes(4).toString('hex')}`;
  let a: TestApp;
  let b: TestApp;
  const manager = (app: TestApp) => app.app.get<Cache>(CACHE_MANAGER);

  beforeAll(async () => {
    const env = { REDIS_URL: redisUrl!, CACHE_PREFIX: prefix };
    a = await startTestApp({ env });
    b = await startTestApp({ env, database: a.database });
    // The shared connection comes up after start-up; a value set before is not stored (a cache write is best effort).
    for (const app of [a, b]) await eventually('the Redis connection', () => app.app.get(SharedRedis).connection?.connected);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await deleteKeysUnderPrefix(redisUrl!, prefix);
  });

  it('a value set on one instance is read on the other, and lives in Redis under the prefix', async () => {
    await manager(a).set('report:latest', { rows: 3, at: '2026-12-02T00:00:00Z' }, 60_000);
    expect(await manager(b).get('report:latest')).toEqual({ rows: 3, at: '2026-12-02T00:00:00Z' });
    const client = createClient({ url: redisUrl });
    await client.connect();
    try {
      expect(await client.exists(`${prefix}:_values:report:latest`)).toBe(1);
      const ttl = await client.pTTL(`${prefix}:_values:report:latest`);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      await client.quit();
    }
  });

  it('a value deleted or replaced on one instance is never read from the other afterwards', async () => {
    await manager(a).set('flag', 'first', 60_000);
    expect(await manager(b).get('flag')).toBe('first');
    await manager(b).set('flag', 'second', 60_000);
    expect(await manager(a).get('flag')).toBe('second');
    await manager(a).del('flag');
    expect(await manager(b).get('flag')).toBeUndefined();
    expect(await manager(a).get('flag')).toBeUndefined();
  });

  it('a value expires with its TTL', async () => {
    await manager(a).set('short', 1, 3_000);
    expect(await manager(b).get('short')).toBe(1);
    await eventually('the value to expire', async () => (await manager(b).get('short')) === undefined);
  });
});

describe('CACHE_MANAGER without Redis: the value lives in this process (there is one instance)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { REDIS_URL: '' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('sets, reads and deletes a value', async () => {
    const cache = t.app.get<Cache>(CACHE_MANAGER);
    await cache.set('alone', { ok: true }, 60_000);
    expect(await cache.get('alone')).toEqual({ ok: true });
    await cache.del('alone');
    expect(await cache.get('alone')).toBeUndefined();
  });
});
