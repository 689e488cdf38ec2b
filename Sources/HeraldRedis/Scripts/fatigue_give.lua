#!lua flags=allow-oom
-- Gives back the tokens a message took (fatigue_take.lua) when it will never
-- reach the person: failed for good, suppressed by a provider. Only a message
-- that holds tokens gives any back, once.
-- KEYS: 1 the message's marker, 2… one per window (as taken)
-- ARGV: per window: kind (c|r), limit, calendar period end ms | rolling duration ms
-- Returns 1 when tokens were given back, 0 when the message held none.
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
for i = 2, #KEYS do
  local a = 1 + (i - 2) * 3
  local kind, limit, p = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  if kind == 'c' then
    if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
  else
    local f = redis.call('HMGET', KEYS[i], 'tokens', 'at')
    if f[1] then
      local tokens = math.min(limit, tonumber(f[1]) + (now - tonumber(f[2] or now)) * limit / p + 1)
      redis.call('HSET', KEYS[i], 'tokens', tostring(tokens), 'at', now)
    end
  end
end
return 1
