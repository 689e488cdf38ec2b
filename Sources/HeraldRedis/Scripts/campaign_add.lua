--! include lib_campaigns.lua
-- Adds recipients to a campaign that is not over: each person (a 63-bit
-- number keyed from user_id, else the recipient) once, whichever call brings
-- them; a new one is appended to the pending list of its time zone. Persons
-- are spread over 4096 dedup sets by the number's top 12 bits, so each stays
-- a compact intset; the caller groups a call's recipients by zone and set, so
-- each set costs one SMISMEMBER and one SADD, whatever its number of people.
-- A dedup set gets its TTL once, when first made: the bitmap
-- `herald:{cmp}:dt:<id>` marks which have one.
-- KEYS: 1 campaign hash, 2 zones hash (zone → pending count), 3 TTL bitmap, then the pending list of each zone group
-- ARGV: 1 ttl s, 2 rows rejected by the caller, 3 campaign id, then per zone group (in KEYS order):
--       zone, number of set groups, then per set group: set number (0–4095), n, n person numbers, n records
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', ''} end
if state == 'completed' or state == 'canceled' then return {'closed', state} end
-- New people include new test recipients: an undecided winner test is not done until they are released.
if redis.call('HEXISTS', KEYS[1], 'winner_outcome') == 0 then redis.call('HDEL', KEYS[1], 'test_done_at') end
local ttl = ARGV[1]
local sets_prefix = HERALD_CMP .. 'd:' .. ARGV[3] .. ':'
local added, duplicates = 0, 0
local sets = {}
local a = 4
for k = 4, #KEYS do
  local zone, groups = ARGV[a], tonumber(ARGV[a + 1])
  a = a + 2
  local fresh = {}
  for _ = 1, groups do
    local bucket, n = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
    local set = sets_prefix .. ARGV[a]
    local first = a + 2
    local known = redis.call('SMISMEMBER', set, unpack(ARGV, first, first + n - 1))
    local people, seen = {}, {}
    for i = 1, n do
      local person = ARGV[first + i - 1]
      if known[i] == 0 and not seen[person] then
        seen[person] = true
        people[#people + 1] = person
        fresh[#fresh + 1] = ARGV[first + n + i - 1]
      end
    end
    if #people > 0 then
      redis.call('SADD', set, unpack(people))
      sets[bucket] = set
    end
    duplicates = duplicates + n - #people
    a = first + 2 * n
  end
  if #fresh > 0 then
    redis.call('RPUSH', KEYS[k], unpack(fresh))
    redis.call('EXPIRE', KEYS[k], ttl)
    redis.call('HINCRBY', KEYS[2], zone, #fresh)
  end
  added = added + #fresh
end
if added > 0 then
  redis.call('EXPIRE', KEYS[2], ttl)
  local marks = redis.call('GET', KEYS[3]) or ''
  local marked = false
  for bucket, set in pairs(sets) do
    local bit = 2 ^ (7 - bucket % 8)
    local value = string.byte(marks, math.floor(bucket / 8) + 1) or 0
    if math.floor(value / bit) % 2 == 0 then
      redis.call('EXPIRE', set, ttl)
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
