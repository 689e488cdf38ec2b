#!lua flags=allow-oom
-- The provider asked the whole account to slow down (a 429 with Retry-After):
-- its bucket grants nothing until then, for every instance. A pause only
-- ever lengthens.
-- KEYS: 1 bucket hash
-- ARGV: 1 pause length ms
-- Returns the end of the pause (ms, Redis time).
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'paused_until') or '0')
if until_ms > current then
  redis.call('HSET', KEYS[1], 'paused_until', until_ms)
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) + 60000 then
    redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 60000)
  end
end
return math.max(until_ms, current)
