#!lua flags=allow-oom
-- Takes one token from every fatigue window of a user on a channel, or none:
-- the message goes out only if every window has room. Calendar windows are
-- counters keyed by their period (they reset at local midnight, Monday or the
-- 1st); rolling windows are token buckets refilled by elapsed time from Redis
-- TIME, so instances' clocks do not matter. A message that already holds its
-- tokens (a retry) takes none again. All keys carry the user's hash tag.
-- KEYS: 1 the message's marker, 2… one per window
-- ARGV: 1 marker ttl s, then per window: kind (c|r), limit, calendar period end ms | rolling duration ms
-- Returns {1, 0} when taken (or already held), {0, window index (1-based), ms until one may free}.
if redis.call('EXISTS', KEYS[1]) == 1 then return {1, 0} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function rolling_tokens(key, limit, duration)
  local f = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(f[1] or limit)
  local at = tonumber(f[2] or now)
  return math.min(limit, tokens + (now - at) * limit / duration)
end
for i = 2, #KEYS do
  local a = 2 + (i - 2) * 3
  local kind, limit, p = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  if kind == 'c' then
    if tonumber(redis.call('GET', KEYS[i]) or '0') >= limit then return {0, i - 1, math.max(0, p - now)} end
  else
    local tokens = rolling_tokens(KEYS[i], limit, p)
    if tokens < 1 then return {0, i - 1, math.ceil((1 - tokens) * p / limit)} end
  end
end
for i = 2, #KEYS do
  local a = 2 + (i - 2) * 3
  local kind, limit, p = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  if kind == 'c' then
    redis.call('INCR', KEYS[i])
    redis.call('PEXPIREAT', KEYS[i], p + 86400000)
  else
    redis.call('HSET', KEYS[i], 'tokens', tostring(rolling_tokens(KEYS[i], limit, p) - 1), 'at', now)
    redis.call('PEXPIRE', KEYS[i], p + 86400000)
  end
end
redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
return {1, 0}
