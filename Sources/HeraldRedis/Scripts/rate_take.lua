#!lua flags=allow-oom
-- Reserves the next send slot of a provider's token bucket, shared by every
-- instance: the bucket refills at `rate` tokens a second up to `burst`, from
-- the time Redis itself reports, so no instance's clock matters. Tokens may be
-- reserved up to `horizon` ms ahead (the count goes negative); the caller
-- waits until its token exists and then sends, without asking again. Beyond
-- the horizon nothing is reserved and the caller puts the message back.
-- A bucket whose `paused_until` is set grants nothing until then.
-- KEYS: 1 bucket hash (tokens, at, paused_until)
-- ARGV: 1 rate per second, 2 burst, 3 horizon ms
-- Returns {1, ms to wait before sending} when reserved, else {0, ms until a reservation may succeed}.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local rate, burst, horizon = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local f = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'paused_until')
local paused_until = tonumber(f[3] or '0')
if now < paused_until then return {0, paused_until - now} end
local tokens = tonumber(f[1] or ARGV[2])
local at = tonumber(f[2] or now)
tokens = math.min(burst, tokens + (now - at) * rate / 1000)
local floor = -rate * horizon / 1000
local result
if tokens - 1 >= floor then
  tokens = tokens - 1
  local wait = 0
  if tokens < 0 then wait = math.ceil(-tokens * 1000 / rate) end
  result = {1, wait}
else
  result = {0, math.ceil((floor - (tokens - 1)) * 1000 / rate)}
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + horizon + 60000)
return result
