-- Stores a new version of a template if nobody stored one since the caller
-- read it (compare-and-append): two concurrent PUTs never both become N+1.
-- KEYS: 1 the template's hash, 2 the set of template names
-- ARGV: 1 the version the caller read (0 = none), 2 the new version's JSON,
--       3 the template's name, 4 how many versions to keep
-- Returns the new version, or -1 when another version was stored meanwhile.
local latest = tonumber(redis.call('HGET', KEYS[1], 'latest') or '0')
if latest ~= tonumber(ARGV[1]) then return -1 end
local version = latest + 1
redis.call('HSET', KEYS[1], 'latest', version, 'v:' .. version, ARGV[2])
local keep = tonumber(ARGV[4])
if version > keep then redis.call('HDEL', KEYS[1], 'v:' .. (version - keep)) end
redis.call('SADD', KEYS[2], ARGV[3])
return version
