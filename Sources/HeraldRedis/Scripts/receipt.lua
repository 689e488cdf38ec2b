--! include lib_events.lua
--! include lib_receipts.lua
-- A provider receipt arrived. When the provider id is not indexed yet (the
-- receipt beat the worker's sent.lua), it is kept and sent.lua applies it.
-- KEYS: 1 provider-id key, 2 early-receipt list
-- ARGV: 1 status, 2 now ms, 3 detail, 4 receipt event id, 5 channel key prefix,
--       6 terminal ttl s, 7 early-receipt ttl s
-- Returns {'applied'|'duplicate'|'stale'|'early'|'missing', message id}.
local id = redis.call('GET', KEYS[1])
if not id then
  redis.call('RPUSH', KEYS[2], cjson.encode({status = ARGV[1], at = ARGV[2], detail = ARGV[3], event = ARGV[4]}))
  redis.call('EXPIRE', KEYS[2], ARGV[7])
  return {'early', ''}
end
-- The message hash shares the channel's hash tag with KEYS[1], so this key is
-- in the same cluster slot.
local key = ARGV[5] .. 'm:' .. id
local result = herald_apply_receipt(key, ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if result == 'applied' and HERALD_RANK[ARGV[1]] == 3 then redis.call('EXPIRE', key, ARGV[6]) end
return {result, id}
