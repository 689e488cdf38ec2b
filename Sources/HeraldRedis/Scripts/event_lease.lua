#!lua flags=allow-oom
-- One Herald instance at a time delivers a subscription's queue, so its
-- batches go out in order and once: the holder renews its lease every
-- round; a crashed holder's lease lapses and another instance takes over.
-- KEYS: 1 lease key
-- ARGV: 1 owner, 2 ttl ms
-- Returns 1 when `owner` holds the lease.
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
