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
    this.listener!({
      cause: 'PUT /restaurants/:id',
      action: 'invalidate',
      namespace: null,
      tags: ['restaurant:1'],
      keys: [],
      reason: 'restaurant.changed',
      ...change,
    });
  }
}

class FakeRepository {
  batches: NewAuditEntry[][] = [];
  /** The outbox rows each written batch deleted. */
  completed: string[][] = [];
  failuresLeft = 0;
  async insertMany(rows: NewAuditEntry[], completedOutboxIds: string[]) {
    if (this.failuresLeft-- > 0) throw new Error('connection lost');
    this.batches.push(rows);
    this.completed.push(completedOutboxIds);
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

  it('deletes the outbox rows of the invalidations it records in the same write, and only with them', async () => {
    const { cache, repository, service } = setUp();
    cache.report({ completes: ['7'] });
    cache.report({ reason: 'order.placed', completes: ['8', '9'] });
    cache.report({ action: 'clear', reason: 'admin' });
    await service.settled();
    expect(repository.batches[0].map((row) => row.reason)).toEqual(['restaurant.changed', 'order.placed', 'admin']);
    expect(repository.completed).toEqual([['7', '8', '9']]);
    // A batch that fails for good leaves its rows for the outbox-replay job.
    repository.failuresLeft = 3;
    cache.report({ completes: ['10'] });
    await service.settled();
    expect(repository.completed).toEqual([['7', '8', '9']]);
    cache.report({ completes: ['11'] });
    await service.settled();
    expect(repository.completed).toEqual([['7', '8', '9'], ['11']]);
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
