/*
 * Lua for the operations endpoints, atomic in Redis like the cache's own scripts.
 */

/**
 * Removes from a tag set the members whose entry no longer exists (expired, evicted or cleared).
 * KEYS[1] the tag set; ARGV the members to check. Checking and removing in one script means an
 * entry stored meanwhile (which re-adds itself to the set) is never unindexed. Returns the count removed.
 */
export const PRUNE_TAG_MEMBERS = `
local removed = 0
for i = 1, #ARGV do
  if redis.call('EXISTS', ARGV[i]) == 0 then
    removed = removed + redis.call('SREM', KEYS[1], ARGV[i])
  end
end
return removed
`;
