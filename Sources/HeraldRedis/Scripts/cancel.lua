#!lua flags=allow-oom
--! include lib_events.lua
-- Cancels a message that no worker has started sending. Canceling twice is
-- not an error. A stream entry left behind is skipped by claim.lua.
-- KEYS: 1 message hash, 2 delayed zset
-- ARGV: 1 now ms, 2 message id, 3 terminal ttl s
-- Returns {'canceled'|'conflict'|'missing', status}.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing', ''} end
if status == 'canceled' then return {'canceled', status} end
if status == 'queued' or status == 'scheduled' or status == 'retrying' then
  redis.call('HSET', KEYS[1], 'status', 'canceled', 'canceled_at', ARGV[1])
  herald_stats(KEYS[1], 'canceled')
  herald_event(KEYS[1], ARGV[1], 'canceled', 'canceled by caller')
  herald_publish(KEYS[1], ARGV[1], 'canceled', 'canceled by caller')
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  return {'canceled', status}
end
return {'conflict', status}
