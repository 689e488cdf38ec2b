-- Applies one provider receipt to a message hash. A receipt is identified by
-- `event_id` (the provider's event id, or provider id + status); one seen
-- before is a 'duplicate' and changes nothing. A receipt whose status is not
-- further than the current one is recorded as an event but is 'stale'; an
-- engagement event (opened, clicked, …) has no rank and is only 'recorded'.
-- One HMGET (the stats' fields included) and one HSET: this runs for every receipt.
local function herald_apply_receipt(key, status, at, detail, event_id)
  local marker = 'receipt:' .. event_id
  local f = redis.call('HMGET', key, marker, 'status', 'events', 'campaign', 'template', 'created_at', 'variant', 'ev', 'cb')
  if not f[2] then return 'missing' end
  if f[1] then return 'duplicate' end
  local events = herald_events_append(key, f[3], herald_event_line(at, 'receipt:' .. status, detail))
  local next_rank = HERALD_RANK[status]
  if next_rank == nil then
    redis.call('HSET', key, marker, at, 'events', events)
    return 'recorded'
  end
  if next_rank <= (HERALD_RANK[f[2]] or 0) then
    redis.call('HSET', key, marker, at, 'events', events)
    return 'stale'
  end
  if detail ~= '' and (status == 'failed' or status == 'undelivered') then
    redis.call('HSET', key, marker, at, 'events', events, 'status', status, status .. '_at', at, 'error', detail)
  else
    redis.call('HSET', key, marker, at, 'events', events, 'status', status, status .. '_at', at)
  end
  herald_stats_add(f[4], f[5], f[6], status, 1, f[7])
  if f[8] or f[9] then herald_publish(key, at, status, detail) end
  return 'applied'
end
