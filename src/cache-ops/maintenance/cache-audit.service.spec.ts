import { describe, expect, it } from '@jest/globals';
import type { CacheChangeRecord, CacheService } from '../../cache/cache.service.js';
import type { CacheAuditRepository, NewAuditEntry } from './cache-audit.repository.js';
import type { AppConfig } from '../../config/app-config.js';
import { CacheAuditService } from './cache-audit.service.js';

class FakeCache {
  listener?: (record: CacheChangeRecord) => void;
  onChange(listener: (record: CacheChangeRecord) => void) {
    this.listener = listener;
  }
  report(change: Partial<CacheChangeRecord> = {}) {
    this.listener!({ cause: 'PUT /restaurants/:id', action: 'invalidate', namespace: null, tags: ['restaurant:1'], keys: [], reason: 'restaurant.changed', ...change });
  }
}

class FakeRepository {
  batches: NewAuditEntry[][] = [];
  failuresLeft = 0;
  async insertMany(rows: NewAuditEntry[]) {
    if (this.failuresLeft-- > 0) throw new Error('connection lost');
    this.batches.push(rows);
  }
}

function setUp() {
  const cache = new FakeCache();
  const repository = new FakeRepository();
  const service = new CacheAuditService(
    cache as unknown as CacheService,
    repository as unknown as CacheAuditRepository,
    { cache: { auditRetentionDays: 30 } } as AppConfig,
  );
  service.onModuleInit();
  return { cache, repository, service };
}

describe('cache audit writing', () => {
  it('writes the changes reported in one tick as one batch, and settles once they are written', async () => {
    const { cache, repository, service } = setUp();
    cache.report();
    cache.report({ action: 'clear-namespace', namespace: 'search', keys: ['search:a', 'search:b'], reason: 'admin' });
    expect(repository.batches).toEqual([]);
    await service.settled();
    expect(repository.batches).toHaveLength(1);
    expect(repository.batches[0].map((row) => [row.action, row.namespace, row.key_count])).toEqual([
      ['invalidate', null, 0],
      ['clear-namespace', 'search', 2],
    ]);
  });

  it('keeps at most 500 keys per row but counts them all', async () => {
    const { cache, repository, service } = setUp();
    cache.report({ keys: Array.from({ length: 1200 }, (_, index) => `search:${index}`) });
    await service.settled();
    expect(repository.batches[0][0].keys).toHaveLength(500);
    expect(repository.batches[0][0].key_count).toBe(1200);
  });

  it('retries a failed insert, so a passing failure loses nothing', async () => {
    const { cache, repository, service } = setUp();
    repository.failuresLeft = 2;
    cache.report();
    await service.settled();
    expect(repository.batches).toHaveLength(1);
  });

  it('keeps writing later changes after a batch is given up (and logged)', async () => {
    const { cache, repository, service } = setUp();
    repository.failuresLeft = 3;
    cache.report({ reason: 'lost' });
    await service.settled();
    cache.report({ reason: 'kept' });
    await service.settled();
    expect(repository.batches.map((batch) => batch[0].reason)).toEqual(['kept']);
  });
});
