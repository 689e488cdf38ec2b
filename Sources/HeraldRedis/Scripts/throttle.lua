--! include lib_events.lua
-- The provider's rate limit has no token for this message now: sending →
-- scheduled at `due`, without counting the attempt claim.lua counted, since
-- nothing was sent. The entry is finished; promote.lua brings it back.
-- KEYS: 1 message hash, 2 stream, 3 delayed zset
-- ARGV: 1 group, 2 entry id, 3 now ms, 4 due ms, 5 message id, 6 provider, 7 message ttl s
herald_finish_entry(KEYS[2], ARGV[1], ARGV[2])
local f = redis.call('HMGET', KEYS[1], 'status', 'attempts')
if f[1] ~= 'sending' then return {'skip', f[1] or 'missing'} end
redis.call('HSET', KEYS[1], 'status', 'scheduled', 'attempts', math.max(0, tonumber(f[2] or '1') - 1))
herald_event(KEYS[1], ARGV[3], 'throttled', ARGV[6] .. ' rate limit; next attempt at ' .. ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[7]) + math.max(0, math.floor((tonumber(ARGV[4]) - tonumber(ARGV[3])) / 1000)))
return {'scheduled', ARGV[4]}
