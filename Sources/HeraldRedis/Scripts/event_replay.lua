-- Puts dead-lettered events of a subscription back in its queue, oldest
-- first, for another delivery (POST /v1/event-subscriptions/{id}/replay).
-- Only as many as the queue has room for; the rest stay for a later replay.
-- KEYS: 1 dead-letter stream, 2 queue stream
-- ARGV: 1 most to move, 2 queue cap
-- Returns {moved, left in the dead letter}.
local room = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - redis.call('XLEN', KEYS[2]))
local moved = 0
if room > 0 then
  for _, entry in ipairs(redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', room)) do
    local f = entry[2]
    local id, json = '', ''
    for j = 1, #f, 2 do
      if f[j] == 'i' then id = f[j + 1] elseif f[j] == 'e' then json = f[j + 1] end
    end
    redis.call('XADD', KEYS[2], '*', 'i', id, 'e', json)
    redis.call('XDEL', KEYS[1], entry[1])
    moved = moved + 1
  end
end
return {moved, redis.call('XLEN', KEYS[1])}
