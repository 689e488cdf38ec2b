-- Records the partition count an instance starts with, in the one key of the
-- layout (`herald:partitions`, a documented kind that never expires: it is a
-- few bytes and must outlive every message):
--   count       the count in use;
--   previous    the count before the last change, and changed_at (ms) when it
--               changed: for the idempotency window a replay is looked up
--               under both, since a key hashes to another partition after a change;
--   high        the highest count whose partitions may still hold work:
--               workers read every partition below it, so lowering the count
--               strands nothing; `herald partitions --retire` lowers it once
--               the dropped partitions are empty.
-- KEYS: 1 herald:partitions
-- ARGV: 1 configured count, 2 now ms, 3 highest partition count found holding work (a probe)
-- Returns {count, previous, changed_at, high}
local f = redis.call('HMGET', KEYS[1], 'count', 'previous', 'changed_at', 'high')
local configured = tonumber(ARGV[1])
local count, previous = tonumber(f[1]), tonumber(f[2] or ARGV[1])
local changed, high = tonumber(f[3] or '0'), tonumber(f[4] or '0')
if not count then
  count = configured
  previous = configured
elseif count ~= configured then
  previous = count
  count = configured
  changed = tonumber(ARGV[2])
end
high = math.max(high, configured, previous, tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 'count', count, 'previous', previous, 'changed_at', changed, 'high', high)
return {count, previous, changed, high}
