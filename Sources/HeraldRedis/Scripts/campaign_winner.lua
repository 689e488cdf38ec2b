--! include lib_campaigns.lua
-- Decides a campaign's winner test, once: either the winner goes to the
-- rest (the recipients campaign_ack.lua kept aside move back to the
-- pending lists, to be released with the winner's content), or, for a
-- `stop` decision, the rest is dropped and counted withheld. A second
-- decision (another instance's, or a manual one racing the automatic one)
-- finds the first and changes nothing.
-- KEYS: 1 campaign hash, 2 zones hash, 3 rest zones hash
-- The look at a due test whose fallback is `manual` and that found no winner
-- is recorded too (`winner_awaiting`), so it is looked at once: the test is
-- not re-run, which would crown one of equal variants far more often than α.
-- ARGV: 1 id, 2 winning variant ('' to stop), 3 decided by (test|fallback|manual), 4 reason,
--       5 retention s, 6 completion grace ms, 7 'await' to record the look only
-- Returns {'ok', state}, {'decided', state}, {'illegal', state} or {'missing'}.
local now = herald_cmp_now()
local id = ARGV[1]
local f = redis.call('HMGET', KEYS[1], 'state', 'winner_outcome')
local state = f[1]
if not state then return {'missing'} end
if f[2] then return {'decided', state} end
if state ~= 'draft' and state ~= 'scheduled' and state ~= 'running' and state ~= 'paused' then return {'illegal', state} end
if ARGV[7] == 'await' then
  redis.call('HSETNX', KEYS[1], 'winner_awaiting', now)
  redis.call('HSETNX', KEYS[1], 'winner_reason', ARGV[4])
  return {'ok', state}
end
local rest = redis.call('HGETALL', KEYS[3])
local moved = 0
for i = 1, #rest, 2 do
  local zone = rest[i]
  local from = HERALD_CMP .. 'r:' .. id .. ':' .. zone
  local n = redis.call('LLEN', from)
  if n > 0 then
    if ARGV[2] == '' then
      redis.call('DEL', from)
    else
      local to = HERALD_CMP .. 'p:' .. id .. ':' .. zone
      if redis.call('EXISTS', to) == 0 then
        redis.call('RENAME', from, to)
      else
        while true do
          local got = redis.call('LPOP', from, 1000)
          if not got then break end
          redis.call('RPUSH', to, unpack(got))
        end
      end
      redis.call('HINCRBY', KEYS[2], zone, n)
    end
    moved = moved + n
  end
end
redis.call('DEL', KEYS[3])
local life = redis.call('TTL', KEYS[1])
if life > 0 and ARGV[2] ~= '' and moved > 0 then
  redis.call('EXPIRE', KEYS[2], life)
  for i = 1, #rest, 2 do redis.call('EXPIRE', HERALD_CMP .. 'p:' .. id .. ':' .. rest[i], life) end
end
redis.call('HSET', KEYS[1], 'deferred', 0, 'winner_at', now, 'winner_by', ARGV[3], 'winner_reason', ARGV[4],
  'winner_outcome', ARGV[2] == '' and 'stopped' or 'sent')
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'winner', ARGV[2])
else
  redis.call('HINCRBY', KEYS[1], 'withheld', moved)
end
return {'ok', herald_cmp_maybe_complete(id, state, now, tonumber(ARGV[5]), tonumber(ARGV[6]))}
