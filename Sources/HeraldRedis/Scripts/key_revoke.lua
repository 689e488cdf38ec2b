--! include lib_audit.lua
-- Revokes an API key: its record goes, so every instance refuses it on its
-- next look (within the key cache's lifetime), with the audit entry.
-- KEYS: 1 the key's hash, 2 the set of key ids, 3 the audit stream
-- ARGV: 1–3 audit (see lib_audit.lua), 4 the key id
-- Returns 1, or 0 when there was no such key.
redis.call('SREM', KEYS[2], ARGV[4])
local summary = redis.call('HGET', KEYS[1], 'summary')
if not summary then return 0 end
redis.call('DEL', KEYS[1])
herald_audit(KEYS[3], 'key.revoke', 'key:' .. ARGV[4], summary, 'revoked')
return 1
