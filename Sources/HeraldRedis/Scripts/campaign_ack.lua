--! include lib_campaigns.lua
-- Acknowledges a lease of campaign_take.lua: its recipients are messages
-- now (or failed to render, counted as such). Only the first acknowledgement
-- counts, so a lease handed out twice is not counted twice. A running
-- campaign whose audience is all released then completes.
-- KEYS: 1 campaign hash, 2 leases hash, 3 lease deadlines zset
-- ARGV: 1 id, 2 lease token, 3 recipients that could not become messages, 4 retention s, 5 completion grace ms,
--       then pairs: experiment group (variant name or `holdout`), recipients assigned to it
local now = herald_cmp_now()
if redis.call('HDEL', KEYS[2], ARGV[2]) == 1 then
  redis.call('ZREM', KEYS[3], ARGV[2])
  if tonumber(ARGV[3]) > 0 then redis.call('HINCRBY', KEYS[1], 'release_failed', ARGV[3]) end
  for i = 6, #ARGV - 1, 2 do redis.call('HINCRBY', KEYS[1], 'assigned:' .. ARGV[i], ARGV[i + 1]) end
end
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing'} end
return {herald_cmp_maybe_complete(ARGV[1], state, now, tonumber(ARGV[4]), tonumber(ARGV[5]))}
