-- Creates a short link unless its code is taken (a fresh random code
-- colliding is astronomically unlikely, but never overwrites a link).
-- KEYS: 1 the link's hash
-- ARGV: 1 long URL, 2 message id ('' = none), 3 now ms, 4 expires at ms, 5 key ttl s (expiry plus the 410 grace)
-- Returns 1 when created, 0 when the code exists.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'url', ARGV[1], 'message_id', ARGV[2], 'created_at', ARGV[3], 'expires_at', ARGV[4],
  'clicks', 0, 'previews', 0)
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
