#!lua flags=allow-oom
--! include lib_events.lua
-- Takes a stream entry for sending: queued → sending (or sending → sending when
-- a stalled entry of a dead consumer is reclaimed). Anything else (canceled,
-- already sent, gone) is acknowledged and skipped, so a replayed entry is never
-- sent twice. An entry past its expires_at becomes `expired`. Suppressions
-- live in the channel's own slot, not the partition's: the worker checks the
-- claimed messages' fingerprints (`rfp`) and user ids there, in the same
-- round trip for the whole batch, and holds a suppressed one (hold.lua).
-- KEYS: 1 message hash, 2 stream
-- ARGV: 1 group, 2 entry id, 3 now ms, 4 terminal ttl s
-- Returns {'send', attempts, payload (MessagePayload: recipient, content, …), expires_at, campaign, rfp}
--      or {'skip', reason}.
local f = redis.call('HMGET', KEYS[1], 'status', 'expires_at', 'attempts', 'events', 'p', 'campaign', 'rfp')
local status = f[1]
if status ~= 'queued' and status ~= 'sending' then
  herald_finish_entry(KEYS[2], ARGV[1], ARGV[2])
  return {'skip', status or 'missing'}
end
local events = f[4] or ''
local function with_event(kind, detail)
  return herald_events_append(KEYS[1], events, herald_event_line(ARGV[3], kind, detail))
end
local expires = tonumber(f[2] or '0')
if expires > 0 and tonumber(ARGV[3]) > expires then
  redis.call('HSET', KEYS[1], 'status', 'expired', 'expired_at', ARGV[3],
    'events', with_event('expired', 'expires_at passed before sending'))
  herald_stats(KEYS[1], 'expired')
  herald_publish(KEYS[1], ARGV[3], 'expired', 'expires_at passed before sending')
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  herald_finish_entry(KEYS[2], ARGV[1], ARGV[2])
  return {'skip', 'expired'}
end
local attempts = tonumber(f[3] or '0') + 1
local detail = 'attempt ' .. attempts
if status == 'sending' then detail = detail .. ' (reclaimed from a stalled consumer)' end
redis.call('HSET', KEYS[1], 'status', 'sending', 'sending_at', ARGV[3], 'attempts', attempts,
  'events', with_event('sending', detail))
local payload = f[5]
if not payload then
  -- Stored before payloads: its request fields one by one, packed the same way.
  local names = {'to', 'body', 'subject', 'title', 'data', 'idempotency_key', 'category', 'html', 'timezone', 'user_id',
    'to_encryption', 'to_key_id'}
  local values = redis.call('HMGET', KEYS[1], unpack(names))
  local parts = {}
  for i, name in ipairs(names) do
    if values[i] then parts[#parts + 1] = name .. ':' .. #values[i] .. ':' .. values[i] end
  end
  payload = table.concat(parts)
end
return {'send', attempts, payload, f[2], f[6], f[7]}
