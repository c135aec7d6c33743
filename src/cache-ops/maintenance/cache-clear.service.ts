import { Injectable } from '@nestjs/common';
import { CacheStoreAdmin, type KeySelection, type RemovedKeys } from './cache-store-admin.js';
import { L1ClearBroadcast } from './l1-clear-broadcast.js';
import { namespaceOfKey } from '../../cache/cache-namespaces.js';
import { CacheService } from '../../cache/cache.service.js';
import { ValidationFailedException } from '../../common/errors/validation-failed.exception.js';
import { AppConfig } from '../../config/app-config.js';
import { CacheOpsSettings } from '../cache-ops.settings.js';
import { CLEAR_TARGETS, resolveClearTarget } from './clear-targets.js';
import type { ClearExpiredResponse, ClearResponse } from '../dto/cache-operations.dto.js';
import { roundMs } from '../inspection/latency-stats.js';

const shown = (keys: string[]) => (keys.length <= CacheOpsSettings.keysShown ? keys : null);
const selectionView = (selections: KeySelection[]) =>
  selections.map(({ namespace, keyPrefix }) => ({ namespace, key_prefix: keyPrefix ?? null }));

/**
 * Clears: a fence first, then Redis (SCAN + UNLINK under our prefix only), then this instance's
 * L1, then the other instances' L1 over the message bus, so no tier refills another from what is
 * being removed. Each clear is reported to the CacheService's change listeners (the audit log).
 *
 * A clear is a barrier for the namespaces it clears (TieredCache.fence): a read whose load began
 * before it answers as usual but does not store its entry, on any instance, so nothing read before
 * the clear outlives it. That is what an operator expects after fixing a row outside the
 * application (in SQL, no event): clear, and the next read loads the row as it is now. Entries can
 * only be lost, never wrongly kept:
 * - an entry stored in Redis during the SCAN pass (by a load that began after the fence) is
 *   removed if the cursor reaches it afterwards, and one stored in this L1 meanwhile is removed by
 *   the L1 clear that follows;
 * - an instance that hears the clear message after the acknowledgement wait (the clear has
 *   answered) drops its L1 then, including entries it stored after the clear answered; their
 *   Redis copy stays, so its next read of them is a HIT-L2.
 * test/cache-admin-instances.e2e-spec.ts shows the read across a clear, the namespace precision and the late message.
 */
@Injectable()
export class CacheClearService {
  constructor(
    private readonly config: AppConfig,
    private readonly cache: CacheService,
    private readonly store: CacheStoreAdmin,
    private readonly broadcast: L1ClearBroadcast,
  ) {}

  async clearAll(): Promise<ClearResponse> {
    const started = performance.now();
    await this.store.fence(null);
    const redis = this.store.redisConfigured ? await this.store.clearRedis() : null;
    const l1 = this.store.clearL1(null);
    const others = await this.broadcast.clearOtherInstances(null);
    const keys = [...new Set([...(redis?.removed ?? []), ...l1])];
    this.cache.recordChange({
      action: 'clear',
      namespace: null,
      tags: [],
      keys,
      reason: `admin: clear everything under prefix "${this.config.cache.prefix}"`,
    });
    return {
      target: 'all',
      selections: [],
      removed: this.counts(keys, redis?.removed ?? [], l1, others.confirmed),
      keys: shown(keys),
      tag_index: redis?.tag_index ?? null,
      other_instances: others,
      duration_ms: roundMs(performance.now() - started),
    };
  }

  async clearTarget(target: string): Promise<ClearResponse> {
    const selections = resolveClearTarget(target);
    if (!selections) {
      throw ValidationFailedException.single('target', 'isIn', `target must be one of: ${CLEAR_TARGETS.join(', ')}`);
    }
    const started = performance.now();
    await this.store.fence(selections);
    const redis = this.store.redisConfigured ? await this.store.clearRedisSelection(selections) : [];
    const l1 = this.store.clearL1(selections);
    const others = await this.broadcast.clearOtherInstances(selections);
    const keys = [...new Set([...redis, ...l1])];
    for (const namespace of new Set(selections.map((selection) => selection.namespace))) {
      const prefixes = selections.filter((selection) => selection.namespace === namespace).map((selection) => selection.keyPrefix);
      this.cache.recordChange({
        action: 'clear-namespace',
        namespace,
        tags: [],
        keys: keys.filter((key) => namespaceOfKey(key) === namespace),
        reason: prefixes.some((prefix) => prefix !== undefined)
          ? `admin: clear ${target} (keys ${prefixes.map((prefix) => `${namespace}:${prefix}*`).join(', ')})`
          : `admin: clear namespace ${namespace}`,
      });
    }
    return {
      target,
      selections: selectionView(selections),
      removed: this.counts(keys, redis, l1, others.confirmed),
      keys: shown(keys),
      tag_index: null,
      other_instances: others,
      duration_ms: roundMs(performance.now() - started),
    };
  }

  /**
   * Drops this instance's L1 entries that no read can use any more and prunes tag-index members
   * whose entry Redis has expired (bounded per call). Redis expires entries itself.
   */
  async clearExpired(): Promise<ClearExpiredResponse> {
    const started = performance.now();
    const l1 = this.store.purgeExpiredL1();
    const tagIndex = this.store.redisConfigured ? await this.store.pruneTagIndex(CacheOpsSettings.tagPruneBudget) : null;
    this.cache.recordChange({
      action: 'clear-expired',
      namespace: null,
      tags: [],
      keys: l1.removed,
      reason: tagIndex
        ? `admin: purge expired L1 entries; pruned ${tagIndex.members_pruned} of ${tagIndex.members_examined} tag-index members; ` +
          `finished ${tagIndex.drains_finished} interrupted invalidation(s) (${tagIndex.drained_entries} entries)`
        : 'admin: purge expired L1 entries',
    });
    return {
      removed_l1: l1.removed.length,
      keys: shown(l1.removed),
      stale_kept_l1: l1.stale_kept,
      tag_index: tagIndex,
      note:
        'Redis drops expired keys itself (their TTL covers the stale-if-error window); here the L1 of this instance drops ' +
        'entries past that window, and the tag index loses members whose key is gone. Other instances drop theirs when touched.',
      duration_ms: roundMs(performance.now() - started),
    };
  }

  private counts(keys: string[], redis: RemovedKeys, l1: RemovedKeys, others: { removed_l1: number }[]) {
    return {
      total: keys.length,
      redis: redis.length,
      l1: l1.length,
      other_instances_l1: others.reduce((sum, other) => sum + other.removed_l1, 0),
    };
  }
}
