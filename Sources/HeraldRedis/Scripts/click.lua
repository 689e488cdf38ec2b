--! include lib_events.lua
-- Records one fetch of a short link. A preview (link unfurler, mail scanner)
-- is counted apart and never touches the message. A click counts on the link
-- and, the first time, marks the message `clicked` (event, `clicked_at`, and
-- the campaign's `clicked` stat); later clicks only add to its `clicks`.
-- KEYS: 1 the link's hash
-- ARGV: 1 now ms, 2 click|preview, 3 user-agent class, 4 the message's hash key ('' = none), 5 link code
-- Returns 1 when recorded, 0 when the link no longer exists.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'ua:' .. ARGV[3], 1)
if ARGV[2] == 'preview' then
  redis.call('HINCRBY', KEYS[1], 'previews', 1)
  return 1
end
redis.call('HINCRBY', KEYS[1], 'clicks', 1)
redis.call('HSETNX', KEYS[1], 'first_click_at', ARGV[1])
redis.call('HSET', KEYS[1], 'last_click_at', ARGV[1])
local message = ARGV[4]
if message ~= '' and redis.call('EXISTS', message) == 1 then
  if redis.call('HSETNX', message, 'clicked_at', ARGV[1]) == 1 then
    herald_event(message, ARGV[1], 'clicked', ARGV[5])
    herald_stats(message, 'clicked')
  end
  redis.call('HINCRBY', message, 'clicks', 1)
end
return 1
