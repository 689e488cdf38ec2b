#!lua flags=allow-oom
--! include lib_events.lua
-- Moves due messages (send_at reached, retry backoff over) from the delayed set
-- back to the ready stream of their priority. Canceled ones are dropped.
-- KEYS: 1 delayed zset
-- ARGV: 1 now ms, 2 max to move, 3 channel key prefix ("herald:{sms}:")
-- Returns {moved, the earliest due time left (ms, as a string) or ''}: the
-- promoter sleeps until then instead of polling an idle set.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local moved = 0
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  local key = ARGV[3] .. 'm:' .. id
  local f = redis.call('HMGET', key, 'status', 'priority')
  if f[1] == 'scheduled' or f[1] == 'retrying' then
    redis.call('HSET', key, 'status', 'queued')
    herald_event(key, ARGV[1], 'queued', 'due')
    redis.call('XADD', ARGV[3] .. 'q:' .. (f[2] or 'normal'), '*', 'id', id)
    moved = moved + 1
  end
end
local next = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {moved, next[2] or ''}
