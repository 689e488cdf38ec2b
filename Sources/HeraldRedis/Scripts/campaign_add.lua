-- Adds recipients to a campaign that is not over: each person (a 63-bit
-- number keyed from user_id, else the recipient) once, whichever call
-- brings them; a new one is appended to the pending list of its time zone.
-- One SADD per recipient; the appends, counts and TTLs are made once per
-- list, zone and dedup set. A dedup set gets its TTL once, when first made:
-- the bitmap `herald:{cmp}:dt:<id>` marks which of the 4096 sets have one.
-- KEYS: 1 campaign hash, 2 zones hash (zone → pending count), 3 TTL bitmap, then per recipient:
--       dedup set of its person number's bucket, pending list of its zone
-- ARGV: 1 ttl s, 2 rows rejected by the caller, then per recipient: person number, zone, packed record
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', ''} end
if state == 'completed' or state == 'canceled' then return {'closed', state} end
local ttl = ARGV[1]
local added, duplicates = 0, 0
local lists, zones, sets = {}, {}, {}
local order = {}
local a = 3
for k = 4, #KEYS, 2 do
  if redis.call('SADD', KEYS[k], ARGV[a]) == 1 then
    local list = lists[KEYS[k + 1]]
    if not list then
      list = {}
      lists[KEYS[k + 1]] = list
      order[#order + 1] = KEYS[k + 1]
    end
    list[#list + 1] = ARGV[a + 2]
    zones[ARGV[a + 1]] = (zones[ARGV[a + 1]] or 0) + 1
    sets[KEYS[k]] = true
    added = added + 1
  else
    duplicates = duplicates + 1
  end
  a = a + 3
end
for _, key in ipairs(order) do
  redis.call('RPUSH', key, unpack(lists[key]))
  redis.call('EXPIRE', key, ttl)
end
for zone, n in pairs(zones) do redis.call('HINCRBY', KEYS[2], zone, n) end
if added > 0 then
  redis.call('EXPIRE', KEYS[2], ttl)
  local marks = redis.call('GET', KEYS[3]) or ''
  local marked = false
  for key in pairs(sets) do
    local bucket = tonumber(string.match(key, ':(%d+)$'))
    local byte = math.floor(bucket / 8) + 1
    local bit = 2 ^ (7 - bucket % 8)
    local value = string.byte(marks, byte) or 0
    if math.floor(value / bit) % 2 == 0 then
      redis.call('EXPIRE', key, ttl)
      redis.call('SETBIT', KEYS[3], bucket, 1)
      marked = true
    end
  end
  if marked then redis.call('EXPIRE', KEYS[3], ttl) end
end
redis.call('HINCRBY', KEYS[1], 'recipients', added)
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], 'last_added_at', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
redis.call('EXPIRE', KEYS[1], ttl)
if duplicates > 0 then redis.call('HINCRBY', KEYS[1], 'duplicates', duplicates) end
if tonumber(ARGV[2]) > 0 then redis.call('HINCRBY', KEYS[1], 'rejected', ARGV[2]) end
return {'ok', state, added, duplicates}
