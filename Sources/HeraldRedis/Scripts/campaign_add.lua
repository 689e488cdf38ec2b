-- Adds recipients to a campaign that is not over: each person (a 63-bit
-- number keyed from user_id, else the recipient) once, whichever call
-- brings them; a new one is appended to the pending list of its time zone.
-- KEYS: 1 campaign hash, 2 zones hash (zone → pending count), then per recipient:
--       dedup set of its person number's bucket, pending list of its zone
-- ARGV: 1 ttl s, 2 rows rejected by the caller, then per recipient: person number, zone, packed record
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', ''} end
if state == 'completed' or state == 'canceled' then return {'closed', state} end
local added, duplicates = 0, 0
local touched = {}
local a = 3
for k = 3, #KEYS, 2 do
  if redis.call('SADD', KEYS[k], ARGV[a]) == 1 then
    redis.call('RPUSH', KEYS[k + 1], ARGV[a + 2])
    redis.call('HINCRBY', KEYS[2], ARGV[a + 1], 1)
    touched[KEYS[k]] = true
    touched[KEYS[k + 1]] = true
    added = added + 1
  else
    duplicates = duplicates + 1
  end
  a = a + 3
end
for key in pairs(touched) do redis.call('EXPIRE', key, ARGV[1]) end
if added > 0 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
redis.call('HINCRBY', KEYS[1], 'recipients', added)
if duplicates > 0 then redis.call('HINCRBY', KEYS[1], 'duplicates', duplicates) end
if tonumber(ARGV[2]) > 0 then redis.call('HINCRBY', KEYS[1], 'rejected', ARGV[2]) end
return {'ok', state, added, duplicates}
