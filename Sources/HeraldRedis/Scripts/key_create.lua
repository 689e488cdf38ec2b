--! include lib_audit.lua
-- Stores a new API key's record (never its secret, only its hash) and its id
-- in the set of ids, with the audit entry of its creation.
-- KEYS: 1 the key's hash, 2 the set of key ids, 3 the audit stream
-- ARGV: 1–3 audit (see lib_audit.lua), 4 the key id, 5 a secret-free summary,
--       6 when the record expires (epoch ms, '' for never), 7… field, value pairs
-- Returns 1, or 0 when a key with that id exists (nothing is written).
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fields = {}
for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], 'summary', ARGV[5], unpack(fields))
if ARGV[6] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[6]) end
redis.call('SADD', KEYS[2], ARGV[4])
herald_audit(KEYS[3], 'key.create', 'key:' .. ARGV[4], 'none', ARGV[5])
return 1
