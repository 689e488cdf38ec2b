#!lua flags=allow-oom
--! include lib_audit.lua
-- Lifts a suppression entry, with its audit entry. An entry is lifted only
-- when its reason is in ARGV[6] ('' lifts any), so a START keyword cannot
-- lift what an operator or a bounce put there.
-- KEYS: 1 the channel's suppressions hash, 2 the audit stream
-- ARGV: 1–3 audit (see lib_audit.lua), 4 the field, 5 the audit target,
--       6 space-separated reasons that may be lifted ('' for any)
-- Returns 1 when an entry was lifted.
local before = redis.call('HGET', KEYS[1], ARGV[4])
if not before then return 0 end
if ARGV[6] ~= '' then
  local reason = string.match(before, ':(.*)$') or ''
  if not string.find(' ' .. ARGV[6] .. ' ', ' ' .. reason .. ' ', 1, true) then return 0 end
end
redis.call('HDEL', KEYS[1], ARGV[4])
herald_audit(KEYS[2], 'suppression.lift', ARGV[5], before, 'none')
return 1
