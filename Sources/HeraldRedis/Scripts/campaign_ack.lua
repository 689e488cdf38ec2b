--! include lib_campaigns.lua
-- Acknowledges a lease of campaign_take.lua: its recipients are messages
-- now (or failed to render, counted as such). Only the first acknowledgement
-- counts, so a lease handed out twice is not counted twice. It also records
-- each released or held-out person's touch (for conversions named by the
-- person) and, while a winner test is undecided, keeps the rest of the
-- audience aside until the decision (a lease taken before a decision and
-- acknowledged after it puts them back in the pending lists to go with the
-- winner, or, after a `stop`, counts them withheld); those kept aside give
-- back what they took of the rate, cap and ramp. A running campaign whose audience is all released
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
    -- Kept aside is not released: what their take counted (released, rate
    -- tokens, the daily cap, the window's ramp) is given back, so they are
    -- paced again when they go.
    redis.call('HINCRBY', KEYS[1], 'released', -deferred)
    if redis.call('HEXISTS', KEYS[1], 'tokens') == 1 then redis.call('HINCRBYFLOAT', KEYS[1], 'tokens', deferred) end
    if KEYS[4] and redis.call('EXISTS', KEYS[4]) == 1 then redis.call('DECRBY', KEYS[4], deferred) end
    local outcome = redis.call('HGET', KEYS[1], 'winner_outcome')
    local life = redis.call('TTL', KEYS[1])
    local byZone = {}
    for _ = 1, deferred do
      local zone = ARGV[a]
      byZone[zone] = (byZone[zone] or 0) + 1
      if outcome == 'sent' then
        -- Decided while this lease was out: back to the pending list, to go with the winner.
        redis.call('RPUSH', HERALD_CMP .. 'p:' .. id .. ':' .. zone, ARGV[a + 1])
      elseif outcome ~= 'stopped' then
        redis.call('RPUSH', HERALD_CMP .. 'r:' .. id .. ':' .. zone, ARGV[a + 1])
      end
      a = a + 2
    end
    local openings = HERALD_CMP .. 'zo:' .. id
    for zone, n in pairs(byZone) do
      local entry = redis.call('HGET', openings, zone)
      if entry then
        local at, before, went = string.match(entry, '^(%d+):(%d+):(%d+)$')
        if at then redis.call('HSET', openings, zone, at .. ':' .. before .. ':' .. math.max(0, tonumber(went) - n)) end
      end
      if outcome == 'sent' then
        redis.call('HINCRBY', HERALD_CMP .. 'z:' .. id, zone, n)
        if life > 0 then redis.call('EXPIRE', HERALD_CMP .. 'p:' .. id .. ':' .. zone, life) end
      elseif outcome ~= 'stopped' then
        redis.call('HINCRBY', HERALD_CMP .. 'rz:' .. id, zone, n)
        if life > 0 then redis.call('EXPIRE', HERALD_CMP .. 'r:' .. id .. ':' .. zone, life) end
      end
    end
    if outcome == 'stopped' then
      redis.call('HINCRBY', KEYS[1], 'withheld', deferred)
    elseif outcome == 'sent' then
      if life > 0 then redis.call('EXPIRE', HERALD_CMP .. 'z:' .. id, life) end
    else
      if life > 0 then redis.call('EXPIRE', HERALD_CMP .. 'rz:' .. id, life) end
      redis.call('HINCRBY', KEYS[1], 'deferred', deferred)
    end
  end
end
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing'} end
return {herald_cmp_maybe_complete(id, state, now, tonumber(ARGV[4]), tonumber(ARGV[5]))}
