#!lua flags=allow-oom
--! include lib_audit.lua
-- Adds or replaces a suppression entry, with its audit entry. Allowed at
-- maxmemory: an opt-out a recipient asked for must never be refused.
-- KEYS: 1 the channel's suppressions hash (fingerprints or user ids), 2 the audit stream
-- ARGV: 1–3 audit (see lib_audit.lua), 4 the field (a fingerprint or a user id),
--       5 the entry (`Suppression.stored`), 6 the audit target ('sms:fp:…', 'user:…'),
--       7 an `unsubscribed` status event's fields (a JSON object), or '' for none: written to
--       the channel's outbox (same slot) when the entry is new or changed, as lib_events.lua's are
-- Returns 1 when there was no entry before, 0 otherwise (no audit entry when nothing changed).
local before = redis.call('HGET', KEYS[1], ARGV[4])
if before == ARGV[5] then return 0 end
redis.call('HSET', KEYS[1], ARGV[4], ARGV[5])
herald_audit(KEYS[2], 'suppression.add', ARGV[6], before or 'none', ARGV[5])
if ARGV[7] and ARGV[7] ~= '' then
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call('XADD', string.match(KEYS[1], '^herald:{[^}]*}:') .. 'outbox', 'MAXLEN', '~', 1000000, '*',
    't', 'unsubscribed', 'm', '', 'at', now, 'q', 1, 's', '', 'p', '', 'd', '', 'x', ARGV[7], 'c', '', 'u', '')
end
if before then return 0 end
return 1
