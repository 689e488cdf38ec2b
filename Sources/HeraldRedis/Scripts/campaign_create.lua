-- Creates a campaign in `draft`, or tells a repeat (same definition) from a
-- conflict (another definition under the same id).
-- KEYS: 1 campaign hash, 2 campaign ids zset
-- ARGV: 1 id, 2 definition (canonical JSON), 3 now ms, 4 channel, 5 start_at ms (0 none), 6 end_at ms (0 none),
--       7 rate per minute (0 none), 8 daily cap (0 none), 9 ttl s
local spec = redis.call('HGET', KEYS[1], 'spec')
if spec then
  local state = redis.call('HGET', KEYS[1], 'state')
  if spec == ARGV[2] then return {'same', state} end
  return {'conflict', state}
end
redis.call('HSET', KEYS[1], 'spec', ARGV[2], 'channel', ARGV[4], 'state', 'draft', 'state_at', ARGV[3],
  'created_at', ARGV[3], 'start_at', ARGV[5], 'end_at', ARGV[6], 'rate', ARGV[7], 'cap', ARGV[8],
  'recipients', 0, 'released', 0)
redis.call('EXPIRE', KEYS[1], ARGV[9])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return {'created', 'draft'}
