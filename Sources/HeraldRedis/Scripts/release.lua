#!lua flags=allow-oom
-- Gives back stream entries a stopping worker read but will not claim: each
-- is acknowledged and deleted, and its message queued again at the stream's
-- tail, so the next reader takes it at once (not after the visibility
-- timeout) and nothing stays pending under the stopped consumer. An entry no
-- longer pending (another consumer took it) is left alone.
-- KEYS: the partition's streams
-- ARGV: 1 group, then per entry: stream index (1-based into KEYS), entry id, message id
-- Returns the number of entries given back.
local released = 0
for i = 2, #ARGV, 3 do
  local stream = KEYS[tonumber(ARGV[i])]
  if redis.call('XACK', stream, ARGV[1], ARGV[i + 1]) == 1 then
    redis.call('XDEL', stream, ARGV[i + 1])
    redis.call('XADD', stream, '*', 'id', ARGV[i + 2])
    released = released + 1
  end
end
return released
