import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { entryBytes } from '../../cache/cache-entry.js';
import { namespaceOfKey, type CacheNamespace, type EntryNamespace } from '../../cache/cache-namespaces.js';
import { withTimeout } from '../../common/async/with-timeout.js';
import type { RedisTier } from '../../cache/redis-tier.js';
import { RetryLaterException } from '../../common/errors/domain-errors.js';
import { TieredCache } from '../../cache/tiered-cache.js';
import { type RedisClient, SharedRedis } from '../../redis/redis-connection.js';
import { PRUNE_TAG_MEMBERS } from './admin-scripts.js';
import { combinedMemoryFigures, memoryFigures, parseRedisInfo, type RedisMemoryReport } from '../inspection/redis-info.js';

/** Entries `{namespace}:{keyPrefix}*` (without our prefix); no keyPrefix means the whole namespace. */
export interface KeySelection {
  namespace: CacheNamespace;
  keyPrefix?: string;
}

export interface KeyTtl {
  /** The cache key, `{namespace}:{key}`, without our prefix. */
  key: string;
  /** Until Redis (or L1) drops the entry: its fresh time plus the stale-if-error window; -1 none. */
  ttl_ms: number;
  /** How long it is still served as fresh; known for L1 entries only (null from Redis). */
  fresh_for_ms: number | null;
  /** Bytes it takes: Redis MEMORY USAGE, or the L1 estimate; null when Redis could not say. */
  bytes: number | null;
}

export interface KeyPage {
  source: 'redis' | 'l1';
  /** Pass it back for the next page; "0" when the listing is complete. */
  cursor: string;
  keys: KeyTtl[];
}

/** Keys and bytes of one group of keys under our prefix: a namespace, or `_meta` (tag index, locks). */
export interface KeyGroupFootprint {
  group: string;
  keys: number;
  sampled: number;
  sampled_bytes: number;
  /** keys x the mean MEMORY USAGE of the sampled ones. */
  estimated_bytes: number;
}

export interface RedisFootprint {
  keys_scanned: number;
  /** False when the scan stopped at its limit: the counts cover only the keys scanned. */
  complete: boolean;
  groups: KeyGroupFootprint[];
}

/** The cache keys removed (`{namespace}:{key}`); every one, as the audit log counts them. */
export type RemovedKeys = string[];

export interface TagPruneReport {
  tag_sets_examined: number;
  members_examined: number;
  members_pruned: number;
  /** Tag sets an invalidation detached and did not finish emptying (its instance stopped), emptied now. */
  drains_finished: number;
  /** Entries those drains still indexed, removed now. */
  drained_entries: number;
  /** False when the member budget ran out first: the next call resumes where this one stopped. */
  complete: boolean;
}

/** Where a budget-limited pass over the tag index stopped: the SCAN cursor of its batch, and the set half-examined. */
interface PruneResume {
  /** The master (its index among the masters) the pass was scanning. */
  node: number;
  scanCursor: string;
  tagSet: string;
  memberCursor: string;
}

/** Admin Redis calls may scan: far longer than the hot path's bound, still bounded. */
const ADMIN_TIMEOUT_MS = 5000;
/** Redis unreachable or too slow for an operation: a retry may find it back. */
const REDIS_RETRY_AFTER_SECONDS = 5;
const SCAN_COUNT = 500;
/** One key listing page runs at most this many SCAN calls looking for matches (a page may then be short). */
const namespacesOf = (selections: KeySelection[] | null) => selections?.map((selection) => selection.namespace) ?? null;

const MAX_SCAN_CALLS_PER_PAGE = 100;
const META = '_meta:';
const TAG_SETS = `${META}tag:`;
const DRAINS = `${META}drain:`;

/** A literal for SCAN MATCH: glob characters in our prefix or a key prefix match themselves. */
const globLiteral = (text: string) => text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);

/**
 * A key listing's cursor over several masters (a cluster): the master's SCAN cursor times the
 * number of masters, plus the master's index; with one master it is that master's cursor. "0"
 * is both the start and the end, as for SCAN.
 */
const encodeCursor = (node: number, cursor: string, masters: number) => String(BigInt(cursor) * BigInt(masters) + BigInt(node));
const decodeCursor = (cursor: string, masters: number) => {
  const value = BigInt(cursor);
  return { node: Number(value % BigInt(masters)), cursor: String(value / BigInt(masters)) };
};

/**
 * What the operations endpoints need below the cache's public API: SCAN of a namespace with TTLs,
 * INFO memory, MEMORY USAGE sampling, clearing under our prefix, pruning the tag index, and the
 * L1 LRU's contents. Every Redis call is bounded by {@link ADMIN_TIMEOUT_MS}; a configured but
 * unreachable Redis is a 503, never a partial silent success.
 *
 * Clears remove the entries and the tag index but keep `_meta:seq`, `_meta:tagseq:*`, leases and
 * locks: they coordinate loads and jobs across instances, and deleting a tag's sequence would let
 * a load that began before a write store its stale result.
 */
@Injectable()
export class CacheStoreAdmin {
  private readonly prefix: string;
  private pruneResume?: PruneResume;

  constructor(
    private readonly tiers: TieredCache,
    private readonly redis: SharedRedis,
    config: AppConfig,
  ) {
    this.prefix = config.cache.prefix;
  }

  get redisConfigured(): boolean {
    return this.redis.connection !== undefined;
  }

  get redisReady(): boolean {
    return this.redis.connection?.ready ?? false;
  }

  get l1(): { entries: number; bytes: number } {
    return { entries: this.tiers.l1.size, bytes: this.tiers.l1.bytes };
  }

  /** Round trip of a PING now, in ms. */
  async ping(): Promise<number> {
    return this.bounded(this.requireRedis().ping());
  }

  /** INFO memory of every master (the one Redis when single), summed, and per node. */
  async memory(): Promise<RedisMemoryReport> {
    const nodes = await this.bounded(this.requireRedis().info('memory'));
    return combinedMemoryFigures(nodes.map(({ node, info }) => ({ node, figures: memoryFigures(parseRedisInfo(info)) })));
  }

  /** L1 entries and bytes per namespace, counted now. */
  l1ByNamespace(): Map<EntryNamespace, { entries: number; bytes: number }> {
    const result = new Map<EntryNamespace, { entries: number; bytes: number }>();
    for (const [key, entry] of this.tiers.l1.entries()) {
      const namespace = namespaceOfKey(key);
      const figures = result.get(namespace) ?? { entries: 0, bytes: 0 };
      figures.entries++;
      figures.bytes += entryBytes(key, entry);
      result.set(namespace, figures);
    }
    return result;
  }

  /** A page of a namespace's keys with their TTL: from Redis by SCAN cursor, else from the L1 LRU by offset. */
  async keyPage(namespace: CacheNamespace, cursor: string, count: number): Promise<KeyPage> {
    if (!this.redisConfigured) return this.l1KeyPage(namespace, cursor, count);
    const client = this.client();
    const masters = await this.masters();
    const match = `${globLiteral(this.prefix)}:${globLiteral(namespace)}:*`;
    let { node, cursor: next } = decodeCursor(cursor, masters.length);
    const found: string[] = [];
    let calls = 0;
    do {
      const reply = await this.bounded(masters[node].scan(next, { MATCH: match, COUNT: count }));
      next = reply.cursor;
      found.push(...reply.keys);
      if (next === '0') node++;
    } while (node < masters.length && found.length < count && ++calls < MAX_SCAN_CALLS_PER_PAGE);
    const [ttls, sizes] = await this.bounded(
      Promise.all([Promise.all(found.map((key) => client.pTTL(key))), Promise.all(found.map((key) => client.memoryUsage(key)))]),
    );
    const keys = found
      .map((redisKey, index) => ({
        key: this.cacheKey(redisKey),
        ttl_ms: Number(ttls[index]),
        fresh_for_ms: null,
        bytes: typeof sizes[index] === 'number' ? sizes[index] : null,
      }))
      // -2: expired between the SCAN and the PTTL.
      .filter((key) => key.ttl_ms !== -2);
    return { source: 'redis', cursor: node < masters.length ? encodeCursor(node, next, masters.length) : '0', keys };
  }

  private l1KeyPage(namespace: CacheNamespace, cursor: string, count: number): KeyPage {
    const offset = Number(cursor);
    const now = Date.now();
    const keys: KeyTtl[] = [];
    let index = 0;
    let more = false;
    for (const [key, entry] of this.tiers.l1.entries()) {
      if (!key.startsWith(`${namespace}:`)) continue;
      if (index++ < offset) continue;
      if (keys.length === count) {
        more = true;
        break;
      }
      keys.push({
        key,
        ttl_ms: Math.max(0, entry.staleUntil - now),
        fresh_for_ms: Math.max(0, entry.freshUntil - now),
        bytes: entryBytes(key, entry),
      });
    }
    return { source: 'l1', cursor: more ? String(offset + count) : '0', keys };
  }

  /**
   * Counts the keys under our prefix per namespace (scanning at most `scanLimit` keys) and samples
   * up to `samplesPerGroup` of each with MEMORY USAGE to estimate its bytes.
   */
  async redisFootprint(scanLimit: number, samplesPerGroup: number): Promise<RedisFootprint> {
    const client = this.client();
    const groups = new Map<string, { keys: number; sample: string[] }>();
    let scanned = 0;
    let cursor = '0';
    for (const master of await this.masters()) {
      cursor = '0';
      do {
        const reply = await this.bounded(master.scan(cursor, { MATCH: `${globLiteral(this.prefix)}:*`, COUNT: SCAN_COUNT }));
        cursor = reply.cursor;
        for (const redisKey of reply.keys) {
          const key = this.cacheKey(redisKey);
          const group = key.startsWith(META) ? '_meta' : namespaceOfKey(key);
          const figures = groups.get(group) ?? { keys: 0, sample: [] };
          figures.keys++;
          if (figures.sample.length < samplesPerGroup) figures.sample.push(redisKey);
          groups.set(group, figures);
        }
        scanned += reply.keys.length;
      } while (cursor !== '0' && scanned < scanLimit);
      if (scanned >= scanLimit) break;
    }
    const result: KeyGroupFootprint[] = [];
    for (const [group, { keys, sample }] of groups) {
      const usages = await this.bounded(Promise.all(sample.map((key) => client.memoryUsage(key))));
      const measured = usages.filter((usage): usage is number => typeof usage === 'number');
      const sampledBytes = measured.reduce((sum, usage) => sum + usage, 0);
      result.push({
        group,
        keys,
        sampled: measured.length,
        sampled_bytes: sampledBytes,
        estimated_bytes: measured.length > 0 ? Math.round((sampledBytes / measured.length) * keys) : 0,
      });
    }
    result.sort((a, b) => a.group.localeCompare(b.group));
    return { keys_scanned: scanned, complete: cursor === '0', groups: result };
  }

  /** Unlinks every key under our prefix except the coordination keys, then prunes the tag index. */
  async clearRedis(): Promise<{ removed: RemovedKeys; tag_index: TagPruneReport }> {
    const removed = await this.unlinkMatching(`${globLiteral(this.prefix)}:*`, (key) => !key.startsWith(META));
    const tagIndex = await this.pruneTagIndex(Number.POSITIVE_INFINITY, { resume: false });
    return { removed, tag_index: tagIndex };
  }

  /** Unlinks the selected entries in Redis; their tag-index members are pruned by {@link pruneTagIndex}. */
  async clearRedisSelection(selections: KeySelection[]): Promise<RemovedKeys> {
    const removed: RemovedKeys = [];
    for (const { namespace, keyPrefix = '' } of selections) {
      // On a cluster an entry's key group tag comes first after the namespace (RedisConnection.entryKey).
      const group = keyPrefix !== '' && this.requireRedis().clustered ? '{*}' : '';
      const match = `${globLiteral(this.prefix)}:${globLiteral(namespace)}:${group}${globLiteral(keyPrefix)}*`;
      removed.push(...(await this.unlinkMatching(match, () => true)));
    }
    return removed;
  }

  /**
   * Keeps the tag index to the entries that exist. First finishes any drain key an invalidation
   * left behind (its instance stopped half-way: those entries are stale and must go). Then
   * removes members whose entry is gone (Redis expired, evicted or a clear removed it), a chunk
   * of {@link SCAN_COUNT} per Redis call, examining at most `memberBudget` members; with `resume`
   * the pass starts where the previous budget-limited one stopped, so successive runs cover the
   * whole index however large it is. Tag sets expire with their longest-lived entry by
   * themselves; this matters for sets that keep receiving members, which never expire.
   */
  async pruneTagIndex(memberBudget: number, { resume = true } = {}): Promise<TagPruneReport> {
    const report: TagPruneReport = {
      tag_sets_examined: 0,
      members_examined: 0,
      members_pruned: 0,
      drains_finished: 0,
      drained_entries: 0,
      complete: true,
    };
    await this.scanAll(`${globLiteral(this.prefix)}:${globLiteral(DRAINS)}*`, async (drains) => {
      for (const drain of drains) {
        report.drained_entries += (await this.bounded(this.redisTier().drainTagSet(drain))).length;
        report.drains_finished++;
      }
    });
    const from = resume ? this.pruneResume : undefined;
    this.pruneResume = undefined;
    const masters = await this.masters();
    for (let node = from?.node ?? 0; node < masters.length; node++) {
      const resumed = from?.node === node ? from : undefined;
      const stopped = await this.pruneTagSetsOf(masters[node], node, resumed, memberBudget, report);
      if (stopped) return report;
    }
    return report;
  }

  /** {@link pruneTagIndex} on one master; true when the budget ran out (the resume point is recorded). */
  private async pruneTagSetsOf(
    client: RedisClient,
    node: number,
    from: PruneResume | undefined,
    memberBudget: number,
    report: TagPruneReport,
  ): Promise<boolean> {
    let cursor = from?.scanCursor ?? '0';
    let resuming = from !== undefined;
    do {
      const reply = await this.bounded(
        client.scan(cursor, { MATCH: `${globLiteral(this.prefix)}:${globLiteral(TAG_SETS)}*`, COUNT: SCAN_COUNT }),
      );
      // The batch the last pass stopped in: continue at its half-examined set (all of it if that set is gone).
      const sets = resuming ? reply.keys.slice(Math.max(0, reply.keys.indexOf(from!.tagSet))) : reply.keys;
      for (const tagSet of sets) {
        let memberCursor = resuming && tagSet === from!.tagSet ? from!.memberCursor : '0';
        if (report.members_examined >= memberBudget) {
          this.pruneResume = { node, scanCursor: cursor, tagSet, memberCursor };
          report.complete = false;
          return true;
        }
        report.tag_sets_examined++;
        do {
          const members = await this.bounded(client.sScan(tagSet, memberCursor, { COUNT: SCAN_COUNT }));
          memberCursor = members.cursor;
          if (members.members.length === 0) continue;
          report.members_examined += members.members.length;
          const pruned = await this.bounded(client.eval(PRUNE_TAG_MEMBERS, { keys: [tagSet], arguments: members.members }));
          report.members_pruned += Number(pruned);
        } while (memberCursor !== '0' && report.members_examined < memberBudget);
        if (memberCursor !== '0') {
          this.pruneResume = { node, scanCursor: cursor, tagSet, memberCursor };
          report.complete = false;
          return true;
        }
      }
      resuming = false;
      cursor = reply.cursor;
    } while (cursor !== '0');
    return false;
  }

  /**
   * Fences the selected namespaces (every one when null) on both tiers before a clear removes
   * their entries: a load that began before the clear does not store afterwards (TieredCache.fence).
   */
  async fence(selections: KeySelection[] | null): Promise<void> {
    if (this.redisConfigured) this.requireRedis();
    await this.bounded(this.tiers.fence(namespacesOf(selections)));
  }

  /** Removes L1 entries on this instance, everything or the selected ones, behind a local fence. */
  clearL1(selections: KeySelection[] | null): RemovedKeys {
    this.tiers.fenceLocal(namespacesOf(selections));
    const prefixes = selections?.map(({ namespace, keyPrefix = '' }) => `${namespace}:${keyPrefix}`);
    const keys = [...this.tiers.l1.entries()]
      .map(([key]) => key)
      .filter((key) => !prefixes || prefixes.some((prefix) => key.startsWith(prefix)));
    return keys.filter((key) => this.tiers.l1.delete(key));
  }

  /**
   * Drops the L1 entries past their stale-if-error window (the ones no read can use any more).
   * Entries past their fresh time but inside that window are kept, and counted.
   */
  purgeExpiredL1(now = Date.now()): { removed: RemovedKeys; stale_kept: number } {
    let staleKept = 0;
    const expired: string[] = [];
    for (const [key, entry] of this.tiers.l1.entries()) {
      if (entry.staleUntil <= now) expired.push(key);
      else if (entry.freshUntil <= now) staleKept++;
    }
    return { removed: expired.filter((key) => this.tiers.l1.delete(key)), stale_kept: staleKept };
  }

  /** Removes one entry from this instance's L1 and from Redis. */
  async deleteKey(cacheKey: string): Promise<{ l1: boolean; l2: boolean }> {
    const l1 = this.tiers.l1.delete(cacheKey);
    const l2 = this.redisConfigured ? await this.bounded(this.redisTier().delete(cacheKey)) : false;
    return { l1, l2 };
  }

  /** Where an entry is fresh now, if anywhere (L1 first, then Redis), and for how long. */
  async freshness(cacheKey: string, now = Date.now()): Promise<{ tier: 'L1' | 'L2'; fresh_for_ms: number } | null> {
    const local = this.tiers.l1.peek(cacheKey);
    if (local && local.freshUntil > now) return { tier: 'L1', fresh_for_ms: local.freshUntil - now };
    if (!this.redisReady) return null;
    const shared = await this.tiers.redis!.get(cacheKey).catch(() => undefined);
    return shared && shared.freshUntil > now ? { tier: 'L2', fresh_for_ms: shared.freshUntil - now } : null;
  }

  /** Whether an entry is in this instance's L1 now, and when it was stored. */
  l1StoredAt(cacheKey: string): number | null {
    return this.tiers.l1.peek(cacheKey)?.storedAt ?? null;
  }

  /** SCANs every master (the one Redis when single) for `match`, a batch at a time. */
  private async scanAll(match: string, each: (keys: string[], master: RedisClient) => Promise<void>): Promise<void> {
    for (const master of await this.masters()) {
      let cursor = '0';
      do {
        const reply = await this.bounded(master.scan(cursor, { MATCH: match, COUNT: SCAN_COUNT }));
        cursor = reply.cursor;
        if (reply.keys.length > 0) await each(reply.keys, master);
      } while (cursor !== '0');
    }
  }

  private async unlinkMatching(match: string, include: (cacheKey: string) => boolean): Promise<RemovedKeys> {
    const removed: RemovedKeys = [];
    await this.scanAll(match, async (keys, master) => {
      const batch = keys.filter((redisKey) => include(this.cacheKey(redisKey)));
      const unlinked = await this.bounded(Promise.all(batch.map((redisKey) => master.unlink(redisKey))));
      removed.push(...batch.filter((_, index) => Number(unlinked[index]) === 1).map((redisKey) => this.cacheKey(redisKey)));
    });
    return removed;
  }

  private cacheKey(redisKey: string): string {
    return this.requireRedis().cacheKeyOf(redisKey);
  }

  /** Every master's client: SCAN and INFO see one node's keys only. */
  private masters(): Promise<RedisClient[]> {
    return this.bounded(this.requireRedis().masters());
  }

  /**
   * Redis for an operation: connected is enough. The read path's brief skip after one late answer
   * (`ready` false for a second) is a latency heuristic for reads; an operator's clear or
   * inspection has its own bound ({@link ADMIN_TIMEOUT_MS}) and is not refused because of it.
   */
  private requireRedis() {
    const redis = this.redis.connection;
    if (!redis) throw new Error('Redis is not configured');
    if (!redis.connected) {
      throw new RetryLaterException(
        `Redis is configured but unreachable${redis.lastError ? `: ${redis.lastError.message}` : ''}`,
        REDIS_RETRY_AFTER_SECONDS,
      );
    }
    return redis;
  }

  private client() {
    return this.requireRedis().client;
  }

  /** The cache's Redis tier, for an operation on entries or the tag index, under {@link requireRedis}'s conditions. */
  private redisTier(): RedisTier {
    this.requireRedis();
    return this.tiers.redis!;
  }

  private bounded<T>(operation: Promise<T>): Promise<T> {
    return withTimeout(
      operation,
      ADMIN_TIMEOUT_MS,
      () => new RetryLaterException(`Redis did not answer within ${ADMIN_TIMEOUT_MS} ms`, REDIS_RETRY_AFTER_SECONDS),
    );
  }
}
