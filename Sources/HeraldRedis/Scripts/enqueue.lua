--! include lib_events.lua
-- Accepts a new message: idempotency check, message hash, and either the ready
-- stream or the delayed set, all or nothing.
-- KEYS: 1 message hash, 2 idempotency key, 3 ready stream, 4 delayed zset
-- ARGV: 1 id, 2 use idempotency (1|0), 3 idempotency ttl s, 4 now ms, 5 due ms (0 = now), 6.. field, value, …
-- Returns {1, id} for a new message, {0, original id} for an idempotent replay.
if ARGV[2] == '1' then
  local existing = redis.call('GET', KEYS[2])
  if existing then return {0, existing} end
  redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
end
local due = tonumber(ARGV[5])
local status = 'queued'
if due > 0 then status = 'scheduled' end
local fields = {'id', ARGV[1], 'status', status, 'attempts', '0', 'created_at', ARGV[4],
  'events', herald_event_line(ARGV[4], status, '')}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
if due > 0 then
  redis.call('ZADD', KEYS[4], due, ARGV[1])
else
  redis.call('XADD', KEYS[3], '*', 'id', ARGV[1])
end
return {1, ARGV[1]}
