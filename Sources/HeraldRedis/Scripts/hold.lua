#!lua flags=allow-oom
--! include lib_events.lua
-- A policy holds a claimed message back before any provider call: quiet
-- hours (until the window ends), fatigue (until a token frees, or for good),
-- a provider's rate limit (until its slot), a paused campaign (a moment
-- later) or a canceled one (for good).
-- sending → scheduled at `due` (promote.lua brings it back), → expired (its
-- expires_at falls before it could go), → suppressed, or → canceled. The attempt
-- claim.lua counted is taken back, since nothing was sent; the stream entry
-- is finished either way.
-- KEYS: 1 message hash, 2 stream, 3 delayed zset
-- ARGV: 1 group, 2 entry id, 3 now ms, 4 due ms, 5 message id, 6 message ttl s,
--       7 outcome (scheduled|expired|suppressed|canceled), 8 event type, 9 event detail, 10 suppressed reason
herald_finish_entry(KEYS[2], ARGV[1], ARGV[2])
local f = redis.call('HMGET', KEYS[1], 'status', 'attempts')
if f[1] ~= 'sending' then return {'skip', f[1] or 'missing'} end
local attempts = math.max(0, tonumber(f[2] or '1') - 1)
local outcome = ARGV[7]
if outcome == 'scheduled' then
  redis.call('HSET', KEYS[1], 'status', 'scheduled', 'attempts', attempts)
  herald_event(KEYS[1], ARGV[3], ARGV[8], ARGV[9])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]) + math.max(0, math.floor((tonumber(ARGV[4]) - tonumber(ARGV[3])) / 1000)))
  return {'scheduled', ARGV[4]}
end
if outcome == 'suppressed' then
  redis.call('HSET', KEYS[1], 'status', 'suppressed', 'suppressed_at', ARGV[3], 'suppressed_reason', ARGV[10],
    'attempts', attempts)
  herald_stats_suppressed(KEYS[1], ARGV[10])
elseif outcome == 'canceled' then
  redis.call('HSET', KEYS[1], 'status', 'canceled', 'canceled_at', ARGV[3], 'attempts', attempts)
  herald_stats(KEYS[1], 'canceled')
else
  redis.call('HSET', KEYS[1], 'status', 'expired', 'expired_at', ARGV[3], 'attempts', attempts)
  herald_stats(KEYS[1], 'expired')
end
herald_event(KEYS[1], ARGV[3], ARGV[8], ARGV[9])
herald_publish(KEYS[1], ARGV[3], outcome, ARGV[9])
redis.call('EXPIRE', KEYS[1], ARGV[6])
return {outcome, ARGV[4]}
