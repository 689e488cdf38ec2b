#!lua flags=allow-oom
-- A receiver took a batch (2xx): its events leave the queue, and the
-- subscription is no longer failing.
-- KEYS: 1 queue stream, 2 state hash
-- ARGV: 1 now ms, then the stream ids of the batch
-- Returns how many entries were removed.
local removed = redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
redis.call('HDEL', KEYS[2], 'failing_since', 'attempts', 'next_at', 'last_error')
redis.call('HSET', KEYS[2], 'last_success_at', ARGV[1])
redis.call('HINCRBY', KEYS[2], 'delivered', removed)
return removed
