--! include lib_campaigns.lua
-- Acknowledges a lease of campaign_take.lua: its recipients are messages
-- now (or failed to render, counted as such). Only the first acknowledgement
-- counts, so a lease handed out twice is not counted twice. It also records
-- each released or held-out person's touch (for conversions named by the
-- person) and, while a winner test is undecided, keeps the rest of the
-- audience aside until the decision (after a `stop` decision they are
-- counted withheld); those kept aside give back what they took of the
-- rate, so the test share goes at the campaign's pace. A running campaign whose audience is all released
-- then completes.
-- KEYS: 1 campaign hash, 2 leases hash, 3 lease deadlines zset, 4 (optional) the daily cap's counter of the take
-- ARGV: 1 id, 2 lease token, 3 recipients that could not become messages, 4 retention s, 5 completion grace ms,
--       6 touch ttl s, 7 group pairs G, 8 touches T, 9 deferred D,
--       then G pairs: experiment group (variant name or `holdout`), recipients assigned to it;
--       then T triples: person (touch number, hex), `<campaign>|<message id or holdout>`, release ms;
--       then D pairs: zone, packed record
local now = herald_cmp_now()
local id = ARGV[1]
if redis.call('HDEL', KEYS[2], ARGV[2]) == 1 then
  redis.call('ZREM', KEYS[3], ARGV[2])
  if tonumber(ARGV[3]) > 0 then redis.call('HINCRBY', KEYS[1], 'release_failed', ARGV[3]) end
  local groups, touches, deferred = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
  local a = 10
  for _ = 1, groups do
    redis.call('HINCRBY', KEYS[1], 'assigned:' .. ARGV[a], ARGV[a + 1])
    a = a + 2
  end
  local ttl = tonumber(ARGV[6])
  for _ = 1, touches do
    local key = HERALD_CMP .. 't:' .. ARGV[a]
    redis.call('ZADD', key, ARGV[a + 2], ARGV[a + 1])
    if redis.call('ZCARD', key) > HERALD_CMP_TOUCHES then
      redis.call('ZREMRANGEBYRANK', key, 0, -(HERALD_CMP_TOUCHES + 1))
    end
    if redis.call('TTL', key) < ttl then redis.call('EXPIRE', key, ttl) end
    a = a + 3
  end
  if deferred > 0 then
    if redis.call('HGET', KEYS[1], 'winner_outcome') == 'stopped' then
      redis.call('HINCRBY', KEYS[1], 'withheld', deferred)
    else
      local life = redis.call('TTL', KEYS[1])
      for _ = 1, deferred do
        local list = HERALD_CMP .. 'r:' .. id .. ':' .. ARGV[a]
        redis.call('RPUSH', list, ARGV[a + 1])
        if life > 0 then redis.call('EXPIRE', list, life) end
        redis.call('HINCRBY', HERALD_CMP .. 'rz:' .. id, ARGV[a], 1)
        a = a + 2
      end
      if life > 0 then redis.call('EXPIRE', HERALD_CMP .. 'rz:' .. id, life) end
      redis.call('HINCRBY', KEYS[1], 'deferred', deferred)
      -- Kept aside is not released: they are taken (and paced) again after the decision.
      redis.call('HINCRBY', KEYS[1], 'released', -deferred)
      if redis.call('HEXISTS', KEYS[1], 'tokens') == 1 then redis.call('HINCRBYFLOAT', KEYS[1], 'tokens', deferred) end
      if KEYS[4] and redis.call('EXISTS', KEYS[4]) == 1 then redis.call('DECRBY', KEYS[4], deferred) end
    end
  end
end
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing'} end
return {herald_cmp_maybe_complete(id, state, now, tonumber(ARGV[4]), tonumber(ARGV[5]))}
