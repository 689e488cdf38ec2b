--! include lib_events.lua
-- A click on one of a message's short links: the first marks the message
-- `clicked` (event, `clicked_at`, and the campaign's `clicked` stat, whose
-- hash shares the message's tag); every click adds to its `clicks`.
-- KEYS: 1 the message's hash
-- ARGV: 1 now ms, 2 link code
-- Returns 1 when recorded, 0 when the message no longer exists.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HSETNX', KEYS[1], 'clicked_at', ARGV[1]) == 1 then
  herald_event(KEYS[1], ARGV[1], 'clicked', ARGV[2])
  herald_stats(KEYS[1], 'clicked')
  herald_publish(KEYS[1], ARGV[1], 'clicked', ARGV[2])
end
redis.call('HINCRBY', KEYS[1], 'clicks', 1)
return 1
