#!lua flags=allow-oom
-- A batch was not taken (no answer, or not 2xx): the subscription is
-- failing, its next try waits for `next at`, and every event queued before
-- `cutoff` (the retry window, at least 24 h by default) goes to the dead
-- letter, from which GET …/failed lists it and POST …/replay puts it back.
-- A stream id's first part is the time it was queued, so the cutoff is a
-- range. At most `max moved` per call; the next failure moves more.
-- KEYS: 1 queue stream, 2 dead-letter stream, 3 state hash
-- The wait before the next try doubles per failure from `first backoff`, up to `max backoff`.
-- ARGV: 1 now ms, 2 cutoff ms, 3 first backoff ms, 4 dead cap, 5 error, 6 max moved, 7 max backoff ms
-- Returns {attempts, dead-lettered, dropped, next at ms}.
redis.call('HSETNX', KEYS[3], 'failing_since', ARGV[1])
local attempts = redis.call('HINCRBY', KEYS[3], 'attempts', 1)
local wait = math.min(tonumber(ARGV[7]), tonumber(ARGV[3]) * 2 ^ math.min(attempts - 1, 30))
local next_at = tonumber(ARGV[1]) + math.floor(wait)
redis.call('HSET', KEYS[3], 'next_at', next_at, 'last_error', ARGV[5])
local old = redis.call('XRANGE', KEYS[1], '-', '(' .. ARGV[2] .. '-0', 'COUNT', ARGV[6])
local dead_room = tonumber(ARGV[4]) - redis.call('XLEN', KEYS[2])
local dead, dropped = 0, 0
for _, entry in ipairs(old) do
  local f = entry[2]
  local id, json = '', ''
  for j = 1, #f, 2 do
    if f[j] == 'i' then id = f[j + 1] elseif f[j] == 'e' then json = f[j + 1] end
  end
  if dead_room > 0 then
    redis.call('XADD', KEYS[2], '*', 'i', id, 'e', json, 'r', ARGV[5], 'at', ARGV[1])
    dead_room = dead_room - 1
    dead = dead + 1
  else
    dropped = dropped + 1
  end
  redis.call('XDEL', KEYS[1], entry[1])
end
if dead > 0 then redis.call('HINCRBY', KEYS[3], 'dead', dead) end
if dropped > 0 then redis.call('HINCRBY', KEYS[3], 'dropped', dropped) end
return {attempts, dead, dropped, next_at}
