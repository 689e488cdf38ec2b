#!lua flags=allow-oom
--! include lib_events.lua
--! include lib_receipts.lua
-- A provider receipt arrived. The message is found by its id when the provider
-- echoes it back (Aliyun OutId, SendGrid custom_args), else by the provider's
-- id; when that is not indexed yet (the receipt beat the worker's sent.lua), the
-- receipt is kept and sent.lua applies it. A receipt that says the recipient
-- cannot or will not receive returns the recipient's fingerprint, for the
-- caller to add to the channel's suppressions (they live in its own slot).
-- KEYS: 1 provider-id key, 2 early-receipt list
-- ARGV: 1 status or event, 2 now ms, 3 detail, 4 receipt event id, 5 channel key prefix,
--       6 terminal ttl s, 7 early-receipt ttl s, 8 message id ('' = look up by provider id),
--       9 suppression entry ("all:invalid_recipient", or '' for none), 10 provider message id ('' unknown)
-- Returns {'applied'|'recorded'|'duplicate'|'stale'|'early'|'missing', message id, fingerprint to suppress or ''}.
local function keep_early()
  redis.call('RPUSH', KEYS[2], cjson.encode({status = ARGV[1], at = ARGV[2], detail = ARGV[3], event = ARGV[4],
    suppress = ARGV[9]}))
  redis.call('EXPIRE', KEYS[2], ARGV[7])
  return {'early', ''}
end
local id = ARGV[8]
if id == '' then
  id = redis.call('GET', KEYS[1])
  if not id then return keep_early() end
elseif ARGV[10] ~= '' and redis.call('HGET', ARGV[5] .. 'm:' .. id, 'status') == 'sending' then
  -- The provider answered, but the worker has not recorded it yet: applying
  -- now would make sent.lua skip recording the provider. sent.lua applies it.
  return keep_early()
end
-- The message hash shares the partition's hash tag with KEYS[1], so this key
-- is in the same cluster slot.
local key = ARGV[5] .. 'm:' .. id
local result = herald_apply_receipt(key, ARGV[1], ARGV[2], ARGV[3], ARGV[4])
if result == 'applied' and HERALD_RANK[ARGV[1]] == 3 then redis.call('EXPIRE', key, ARGV[6]) end
if ARGV[9] ~= '' and result ~= 'duplicate' and result ~= 'missing' then
  if string.find(ARGV[9], ':unsubscribed', 1, true) then herald_stats(key, 'unsubscribed') end
  return {result, id, redis.call('HGET', key, 'rfp') or ''}
end
return {result, id, ''}
