--! include lib_audit.lua
-- Stores a new version of a template if nobody stored one since the caller
-- read it (compare-and-append): two concurrent PUTs never both become N+1.
-- KEYS: 1 the template's hash, 2 the set of template names, 3 the audit stream
-- ARGV: 1–3 audit (see lib_audit.lua), 4 the version the caller read (0 = none),
--       5 the new version's JSON, 6 the template's name, 7 how many versions to keep
-- Returns the new version, or -1 when another version was stored meanwhile.
local latest = tonumber(redis.call('HGET', KEYS[1], 'latest') or '0')
if latest ~= tonumber(ARGV[4]) then return -1 end
local version = latest + 1
redis.call('HSET', KEYS[1], 'latest', version, 'v:' .. version, ARGV[5])
local keep = tonumber(ARGV[7])
if version > keep then redis.call('HDEL', KEYS[1], 'v:' .. (version - keep)) end
redis.call('SADD', KEYS[2], ARGV[6])
local before = 'none'
if latest > 0 then before = 'v' .. latest end
herald_audit(KEYS[3], 'template.put', 'template:' .. ARGV[6], before, 'v' .. version)
return version
