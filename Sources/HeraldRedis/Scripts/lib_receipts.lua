-- Applies one provider receipt to a message hash. A receipt is identified by
-- `event_id` (the provider's event id, or provider id + status); one seen
-- before is a 'duplicate' and changes nothing. A receipt whose status is not
-- further than the current one is recorded as an event but is 'stale'.
local function herald_apply_receipt(key, status, at, detail, event_id)
  if redis.call('HSETNX', key, 'receipt:' .. event_id, at) == 0 then return 'duplicate' end
  herald_event(key, at, 'receipt:' .. status, detail)
  local current = redis.call('HGET', key, 'status')
  local next_rank = HERALD_RANK[status]
  if next_rank == nil or next_rank <= (HERALD_RANK[current] or 0) then return 'stale' end
  redis.call('HSET', key, 'status', status, status .. '_at', at)
  if detail ~= '' and (status == 'failed' or status == 'undelivered') then
    redis.call('HSET', key, 'error', detail)
  end
  return 'applied'
end
