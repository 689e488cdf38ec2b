-- Counts a conversion of a person held out of a campaign (the caller found
-- their holdout touch and checked the window): once per event and person,
-- in the campaign's holdout counters (`converters:holdout` once per person).
-- KEYS: 1 campaign hash, 2 the campaign's holdout conversions hash
-- ARGV: 1 event, 2 person (touch number, hex), 3 occurred at ms, 4 value in millionths ('' = none), 5 currency ('-' = none)
-- Returns counted, duplicate or unknown_campaign.
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown_campaign' end
if redis.call('HSETNX', KEYS[2], ARGV[1] .. '|' .. ARGV[2], ARGV[3]) == 0 then return 'duplicate' end
local life = redis.call('TTL', KEYS[1])
if life > 0 then redis.call('EXPIRE', KEYS[2], life) end
redis.call('HINCRBY', KEYS[1], 'converted:holdout', 1)
if redis.call('HSETNX', KEYS[2], 'p|' .. ARGV[2], ARGV[3]) == 1 then redis.call('HINCRBY', KEYS[1], 'converters:holdout', 1) end
if ARGV[4] ~= '' and tonumber(ARGV[4]) ~= 0 then
  redis.call('HINCRBY', KEYS[1], 'conversion_value:holdout:' .. ARGV[5], ARGV[4])
end
return 'counted'
