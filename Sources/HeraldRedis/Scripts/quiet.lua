--! include lib_events.lua
-- A marketing message reached a worker inside its recipient's quiet hours:
-- sending → scheduled until the window ends (plus its place on the ramp),
-- without counting the attempt claim.lua counted, since nothing was sent; or
-- sending → expired when its expires_at falls before then. The stream entry
-- is finished either way; promote.lua brings a scheduled one back.
-- KEYS: 1 message hash, 2 stream, 3 delayed zset
-- ARGV: 1 group, 2 entry id, 3 now ms, 4 due ms, 5 message id, 6 message ttl s, 7 expire (1|0)
herald_finish_entry(KEYS[2], ARGV[1], ARGV[2])
local f = redis.call('HMGET', KEYS[1], 'status', 'attempts')
if f[1] ~= 'sending' then return {'skip', f[1] or 'missing'} end
local attempts = math.max(0, tonumber(f[2] or '1') - 1)
if ARGV[7] == '1' then
  redis.call('HSET', KEYS[1], 'status', 'expired', 'expired_at', ARGV[3], 'attempts', attempts)
  herald_event(KEYS[1], ARGV[3], 'expired', 'expires_at falls inside the recipient\'s quiet hours')
  redis.call('EXPIRE', KEYS[1], ARGV[6])
  return {'expired', ARGV[4]}
end
redis.call('HSET', KEYS[1], 'status', 'scheduled', 'attempts', attempts)
herald_event(KEYS[1], ARGV[3], 'quiet_hours', 'held until ' .. ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]) + math.max(0, math.floor((tonumber(ARGV[4]) - tonumber(ARGV[3])) / 1000)))
return {'scheduled', ARGV[4]}
