#!lua flags=allow-oom
--! include lib_events.lua
--! include lib_receipts.lua
-- The provider accepted the message: sending → sent (or delivered, for
-- providers whose acceptance is delivery), provider id indexed for receipts,
-- and receipts that raced ahead of this moment applied in arrival order.
-- Suppressions live in the channel's slot: one such receipt that suppresses
-- the recipient is returned for the caller to record.
-- KEYS: 1 message hash, 2 stream, 3 provider-id key, 4 early-receipt list
-- ARGV: 1 group, 2 entry id, 3 now ms, 4 provider, 5 provider message id, 6 message id,
--       7 provider-id ttl s, 8 terminal ttl s, 9 new status (sent|delivered), 10 note for the event ('' for none),
--       11 '1' to index the provider id (its receipts name only that), '0' not to
herald_finish_entry(KEYS[2], ARGV[1], ARGV[2])
local f = redis.call('HMGET', KEYS[1], 'status', 'events', 'campaign', 'template', 'created_at', 'variant', 'ev', 'cb')
if f[1] ~= 'sending' then return {'skip', f[1] or 'missing'} end
local status = ARGV[9]
local suppress_fp, suppress_entry = '', ''
-- The event's detail is only the note: "accepted by <provider> as <id>" is
-- put back by its reader from the fields written here (StoredMessage.events).
local events = herald_events_append(KEYS[1], f[2], herald_event_line(ARGV[3], status, ARGV[10] or ''))
redis.call('HSET', KEYS[1], 'status', status, status .. '_at', ARGV[3], 'provider', ARGV[4],
  'provider_message_id', ARGV[5], 'events', events)
herald_stats_add(f[3], f[4], f[5], 'sent', 1, f[6])
if status == 'delivered' then herald_stats_add(f[3], f[4], f[5], 'delivered', 1, f[6]) end
if f[7] or f[8] then
  herald_publish(KEYS[1], ARGV[3], 'sent', '')
  if status == 'delivered' then herald_publish(KEYS[1], ARGV[3], 'delivered', '') end
end
if ARGV[5] ~= '' then
  -- Indexed only for providers whose receipts do not name the message: a
  -- key per message is most of what a sent message costs Redis otherwise.
  if ARGV[11] ~= '0' then redis.call('SET', KEYS[3], ARGV[6], 'EX', ARGV[7]) end
  local early = redis.call('LRANGE', KEYS[4], 0, -1)
  if #early > 0 then
    redis.call('DEL', KEYS[4])
    for _, raw in ipairs(early) do
      local receipt = cjson.decode(raw)
      local result = herald_apply_receipt(KEYS[1], receipt.status, receipt.at, receipt.detail, receipt.event)
      if receipt.suppress and receipt.suppress ~= '' and result ~= 'duplicate' then
        local rfp = redis.call('HGET', KEYS[1], 'rfp')
        if rfp then suppress_fp, suppress_entry = rfp, receipt.suppress end
      end
    end
    status = redis.call('HGET', KEYS[1], 'status')
  end
end
-- A final status refreshes the TTL; a `sent` message keeps the one it got when
-- it was created or last rescheduled (retention after its due time), so it
-- expires even if its final receipt never comes.
if HERALD_RANK[status] == 3 then redis.call('EXPIRE', KEYS[1], ARGV[8]) end
-- Returns {'ok', status, fingerprint to suppress or '', suppression entry or ''}.
return {'ok', status, suppress_fp, suppress_entry}
