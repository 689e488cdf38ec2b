-- Records one fetch of a short link on the link: a preview (link unfurler,
-- mail scanner) is counted apart from clicks; a click also moves the first
-- and last click times. The message's side is click_message.lua, sent in the
-- same pipelined request, so each script touches one slot.
-- KEYS: 1 the link's hash
-- ARGV: 1 now ms, 2 click|preview, 3 user-agent class
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
return 1
