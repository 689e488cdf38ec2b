--! include lib_audit.lua
-- Deletes a template with every version, and its name from the list, with
-- the audit entry.
-- KEYS: 1 the template's hash, 2 the set of template names, 3 the audit stream
-- ARGV: 1–3 audit (see lib_audit.lua), 4 the template's name
-- Returns 1 when it existed.
redis.call('SREM', KEYS[2], ARGV[4])
local latest = redis.call('HGET', KEYS[1], 'latest')
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
herald_audit(KEYS[3], 'template.delete', 'template:' .. ARGV[4], 'v' .. (latest or '?'), 'deleted')
return 1
