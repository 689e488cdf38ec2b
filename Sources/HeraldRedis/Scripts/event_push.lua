-- The fan-out copies status events into the queue of one event subscription
-- (or one message callback URL). A queue holds at most `queue cap` events:
-- a receiver that stays down fills its own dead letter instead (at most
-- `dead cap` entries), and past that its events are dropped and counted, so
-- no receiver can fill Redis. No allow-oom flag: at maxmemory the push is
-- refused and the events stay in the outbox, to be pushed when there is room.
-- A subscription's state hash is made with it and deleted with it: a push
-- for a subscription whose state is gone (deleted since the fan-out read the
-- list) stores nothing, so no queue outlives its subscription. A callback
-- target's state is made by its first push.
-- KEYS: 1 queue stream, 2 dead-letter stream, 3 state hash
-- ARGV: 1 queue cap, 2 dead cap, 3 now ms, 4 '1' for a subscription (its state must exist) or '0',
--       then pairs (event id, event JSON)
-- Returns {queued, dead-lettered, dropped}.
if ARGV[4] == '1' then
  if redis.call('EXISTS', KEYS[3]) == 0 then return {0, 0, 0} end
else
  redis.call('HSETNX', KEYS[3], 'created_at', ARGV[3])
end
local room = tonumber(ARGV[1]) - redis.call('XLEN', KEYS[1])
local dead_room = tonumber(ARGV[2]) - redis.call('XLEN', KEYS[2])
local queued, dead, dropped = 0, 0, 0
for i = 5, #ARGV, 2 do
  if room > 0 then
    redis.call('XADD', KEYS[1], '*', 'i', ARGV[i], 'e', ARGV[i + 1])
    room = room - 1
    queued = queued + 1
  elseif dead_room > 0 then
    redis.call('XADD', KEYS[2], '*', 'i', ARGV[i], 'e', ARGV[i + 1], 'r', 'queue full', 'at', ARGV[3])
    dead_room = dead_room - 1
    dead = dead + 1
  else
    dropped = dropped + 1
  end
end
if dead > 0 then redis.call('HINCRBY', KEYS[3], 'dead', dead) end
if dropped > 0 then redis.call('HINCRBY', KEYS[3], 'dropped', dropped) end
return {queued, dead, dropped}
