/*
 * Lua scripts run atomically in Redis. Meta keys live under `{prefix}:_meta:` so they never
 * collide with a namespace and are covered by "everything under our prefix".
 *
 * The invalidation sequence is monotonic across restarts and clears: it is the larger of Redis'
 * clock in microseconds and the last value plus one.
 */

/**
 * Stores an entry unless one of its tags was invalidated after the loader took its snapshot
 * (the stale-set race). KEYS[1] entry key. ARGV: snapshot, serialised value, ttl ms, meta prefix, tags...
 *
 * Tag sets have no TTL on purpose: under a volatile-* eviction policy Redis then evicts entries
 * but never the index that invalidation needs to find them.
 */
export const SET_IF_NOT_INVALIDATED = `
local snapshot = tonumber(ARGV[1])
for i = 5, #ARGV do
  local seq = redis.call('GET', ARGV[4] .. 'tagseq:' .. ARGV[i])
  if seq and tonumber(seq) > snapshot then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
for i = 5, #ARGV do
  redis.call('SADD', ARGV[4] .. 'tag:' .. ARGV[i], KEYS[1])
end
return 1
`;

/**
 * Invalidates tags: records the new sequence on each tag, then removes the entries the tag set
 * lists. Cost is proportional to the entries removed. ARGV: meta prefix, tagseq ttl ms, tags...
 * Returns { sequence, removed keys... }.
 */
export const INVALIDATE_TAGS = `
local meta = ARGV[1]
local now = redis.call('TIME')
local seq = tonumber(now[1]) * 1000000 + tonumber(now[2])
local last = tonumber(redis.call('GET', meta .. 'seq') or '0')
if seq <= last then seq = last + 1 end
local seqText = string.format('%.0f', seq)
redis.call('SET', meta .. 'seq', seqText)
local result = { seqText }
for i = 3, #ARGV do
  redis.call('SET', meta .. 'tagseq:' .. ARGV[i], seqText, 'PX', tonumber(ARGV[2]))
  local tagKey = meta .. 'tag:' .. ARGV[i]
  for _, key in ipairs(redis.call('SMEMBERS', tagKey)) do
    if redis.call('UNLINK', key) == 1 then table.insert(result, key) end
  end
  redis.call('DEL', tagKey)
end
return result
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
 * A fixed-window hit counter with a block: KEYS = [hits, block]; ARGV = [windowMs, limit, blockMs].
 * Returns {hits, windowLeftMs, blockLeftMs}; a hit past the limit starts the block (if blockMs > 0).
 */
export const COUNT_HIT = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), blockLeft}
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local windowLeft = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) and tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, windowLeft, tonumber(ARGV[3])}
end
return {hits, windowLeft, 0}
`;
