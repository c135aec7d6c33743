/*
 * Lua scripts run atomically in Redis, so each one's work is bounded: none walks a set of
 * unbounded size in one call. Meta keys live under `{prefix}:_meta:` so they never
 * collide with a namespace and are covered by "everything under our prefix".
 *
 * The invalidation sequence is monotonic across restarts and clears: it is the larger of Redis'
 * clock in microseconds and the last value plus one.
 */

import { createHash } from 'node:crypto';

/** The name Redis knows a script by once it has run it (EVALSHA): the SHA1 of its text, in hex. */
export function scriptDigest(source: string): string {
  return createHash('sha1').update(source).digest('hex');
}

/**
 * Stores an entry unless one of its tags, or one of the fences it falls under, was invalidated
 * after the loader took its snapshot (the stale-set race). Fences are checked like tags but index
 * nothing (a clear records one; see TieredCache.fence). KEYS[1] entry key. ARGV: snapshot,
 * serialised value, ttl ms, meta prefix, key group, fence count n, n fences, tags...
 *
 * The key group is the entry's hash tag on a cluster ('' on a single Redis): the tag sequences
 * and tag sets it reads and writes are that group's shards, in the entry's slot.
 *
 * Each tag set lives at least as long as the entry just added to it: its TTL is raised to the
 * entry's when shorter (never lowered), so a set outlives every entry it indexes and disappears
 * once they all have expired. Nothing in the index outlives the entries' own TTLs.
 */
export const SET_IF_NOT_INVALIDATED = `
local snapshot = tonumber(ARGV[1])
local group = ARGV[5]
local firstTag = 7 + tonumber(ARGV[6])
for i = 7, #ARGV do
  local seq = redis.call('GET', ARGV[4] .. 'tagseq:' .. group .. ARGV[i])
  if seq and tonumber(seq) > snapshot then return 0 end
end
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
for i = firstTag, #ARGV do
  local tagKey = ARGV[4] .. 'tag:' .. group .. ARGV[i]
  redis.call('SADD', tagKey, KEYS[1])
  if redis.call('PTTL', tagKey) < ttl then redis.call('PEXPIRE', tagKey, ttl) end
end
return 1
`;

/** The next invalidation sequence, from `seq` (the meta prefix's): Redis' clock in microseconds, or the last value plus one. */
const NEXT_SEQUENCE_LUA = `
local now = redis.call('TIME')
local seq = tonumber(now[1]) * 1000000 + tonumber(now[2])
local last = tonumber(redis.call('GET', seqKey) or '0')
if seq <= last then seq = last + 1 end
seqText = string.format('%.0f', seq)
redis.call('SET', seqKey, seqText)
`;

/**
 * Takes the next invalidation sequence on a cluster, where the tag shards are in other slots than
 * the sequence: {@link INVALIDATE_TAGS} then runs once per key group with it. KEYS[1] the
 * sequence key. Returns the sequence.
 */
export const NEXT_SEQUENCE = `
local seqKey = KEYS[1]
local seqText
${NEXT_SEQUENCE_LUA}
return seqText
`;

/**
 * Invalidates tags, with bounded work: records the new sequence on each tag (from then on no load
 * that began earlier can store under it), then removes the entries of the tag sets while the
 * members handled stay within the budget. A larger set is renamed, in O(1), to a drain key of
 * this invalidation (`drain:{group}{sequence}:{tag}`, keeping its TTL): entries stored from now on
 * go to a fresh set, and the caller empties the drain key with {@link DRAIN_TAG_SET}, a chunk per
 * call. ARGV: meta prefix, tagseq ttl ms, member budget, key group, sequence, announcement,
 * tags... The sequence is '' on a single Redis (taken here, in the same call) and the one
 * {@link NEXT_SEQUENCE} gave on a cluster, where KEYS[1] is any key of the group, for routing.
 * The announcement, when not '', is published on the invalidation channel once every entry is
 * gone, that is when nothing was left to drain: the other instances hear of the invalidation
 * without a round trip of its own. Returns { sequence, {drain keys}, {removed keys}, subscribers
 * that received the announcement (-1: not published) }.
 */
export const INVALIDATE_TAGS = `
local meta = ARGV[1]
local budget = tonumber(ARGV[3])
local group = ARGV[4]
local seqText = ARGV[5]
if seqText == '' then
  local seqKey = meta .. 'seq'
  ${NEXT_SEQUENCE_LUA}
end
local drains = {}
local removed = {}
for i = 7, #ARGV do
  redis.call('SET', meta .. 'tagseq:' .. group .. ARGV[i], seqText, 'PX', tonumber(ARGV[2]))
  local tagKey = meta .. 'tag:' .. group .. ARGV[i]
  local size = redis.call('SCARD', tagKey)
  if size > 0 and size <= budget then
    budget = budget - size
    for _, key in ipairs(redis.call('SMEMBERS', tagKey)) do
      if redis.call('UNLINK', key) == 1 then table.insert(removed, key) end
    end
    redis.call('UNLINK', tagKey)
  elseif size > budget then
    local drain = meta .. 'drain:' .. group .. seqText .. ':' .. ARGV[i]
    redis.call('RENAME', tagKey, drain)
    table.insert(drains, drain)
  end
end
local receivers = -1
if ARGV[6] ~= '' and #drains == 0 then receivers = redis.call('PUBLISH', meta .. 'invalidate', ARGV[6]) end
return { seqText, drains, removed, receivers }
`;

/**
 * Removes up to ARGV[1] entries of a drain key (see {@link INVALIDATE_TAGS}): SPOP takes them out
 * of the set, so concurrent drains of one key (the invalidating instance and the cleanup job)
 * never handle a member twice, and the key disappears with its last member.
 * KEYS[1] the drain key. Returns { members left, {removed keys} }.
 */
export const DRAIN_TAG_SET = `
local removed = {}
for _, key in ipairs(redis.call('SPOP', KEYS[1], tonumber(ARGV[1]))) do
  if redis.call('UNLINK', key) == 1 then table.insert(removed, key) end
end
return { redis.call('SCARD', KEYS[1]), removed }
`;

/** Releases a lease only if we still hold it. KEYS[1] lease key, ARGV[1] token. */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Extends a lease only if we still hold it. KEYS[1] lease key, ARGV[1] token, ARGV[2] ttl ms. */
export const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
return 0
`;

/**
 * A fixed-window hit counter with a block, counting `n` hits at once as if they came one after
 * another: KEYS = [hits, block]; ARGV = [windowMs, limit, blockMs, n]. The first hit past the
 * limit starts the block (if blockMs > 0), and the hits after it are refused without being
 * counted, as they would have been one by one. Returns {hits, windowLeftMs, blockLeftMs, counted}:
 * with a block already running, the count as it stands, the block's time left and 0 counted;
 * otherwise the count after the `counted` hits it added.
 */
export const COUNT_HITS = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), blockLeft, 0}
end
local limit = tonumber(ARGV[2])
local blockMs = tonumber(ARGV[3])
local counted = tonumber(ARGV[4])
if blockMs > 0 then
  counted = math.min(counted, math.max(limit - tonumber(redis.call('GET', KEYS[1]) or '0'), 0) + 1)
end
local hits = redis.call('INCRBY', KEYS[1], counted)
if hits == counted then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local windowLeft = redis.call('PTTL', KEYS[1])
if hits > limit and blockMs > 0 then redis.call('SET', KEYS[2], '1', 'PX', blockMs) end
return {hits, windowLeft, 0, counted}
`;
