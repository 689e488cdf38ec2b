-- Lowers the layout's high-water mark to the count in use, once an operator
-- (`herald partitions --retire`) has seen the dropped partitions empty:
-- workers then stop reading them.
-- KEYS: 1 herald:partitions
-- Returns {count, high before}
local f = redis.call('HMGET', KEYS[1], 'count', 'high')
if not f[1] then return {0, 0} end
redis.call('HSET', KEYS[1], 'high', f[1])
return {tonumber(f[1]), tonumber(f[2] or f[1])}
