--! include lib_campaigns.lua
-- Releases the next recipients of a campaign to become messages, as far as
-- its state, end, batches, daily cap and rate admit, from the pending lists
-- of the zones whose window is open (the caller reckons windows: Lua has no
-- time zone rules). What is taken is held under a lease until the caller
-- acknowledges it (campaign_ack.lua); a lease not acknowledged in time (its
-- holder died) is handed out again, whole and with the same token, and the
-- messages it makes have ids derived from campaign and person, so a
-- recipient released twice is stored once.
-- A campaign without a rate spreads each zone's window opening over a ramp:
-- the caller gives, per open zone, when its window opened and the share of
-- the ramp gone by (per 10,000); up to that share of what the zone had
-- pending at the opening may have been released since (`herald:{cmp}:zo:<id>`
-- keeps, per zone, the opening, what was pending then and what went since).
-- KEYS: 1 campaign hash, 2 active hash, 3 zones hash, 4 leases hash, 5 lease deadlines zset,
--       6 today's send counter (campaign zone), 7 per-10-second release counter, 8 window openings hash,
--       9.. pending lists of open zones
-- ARGV: 1 id, 2 most to take, 3 lease token, 4 lease ms, 5 releasable share of the audience (per 10,000),
--       6 retention s, 7 completion grace ms, 8 ramp in use (1) or not (0),
--       then per list in KEYS[9..]: zone, window opening ms, ramp share (per 10,000)
-- Returns {records…, 'taken', token, winner}, {'reclaimed', token, records joined by '\n', winner} or {state, detail};
-- winner is '' while undecided (or without a winner test), '=<variant>' once decided, '!' when the rest was stopped.
local now = herald_cmp_now()
local id = ARGV[1]
local f = redis.call('HMGET', KEYS[1], 'state', 'start_at', 'end_at', 'rate', 'cap', 'recipients', 'released',
  'tokens', 'ts', 'state_at', 'winner', 'winner_outcome')
local winner = ''
if f[12] == 'stopped' then winner = '!' elseif f[11] then winner = '=' .. f[11] end
local state = f[1]
if not state then
  redis.call('HDEL', KEYS[2], id)
  return {'missing', ''}
end
if state == 'canceled' then
  -- Workers cancel its released messages (some held for days by quiet hours,
  -- caps or retries) for as long as a message lives; then it leaves the active hash.
  if now - tonumber(f[10] or '0') > 8 * 86400000 then redis.call('HDEL', KEYS[2], id) end
  return {'canceled', ''}
end
if state ~= 'scheduled' and state ~= 'running' and state ~= 'paused' then
  redis.call('HDEL', KEYS[2], id)
  return {state, ''}
end
if state == 'scheduled' then
  if tonumber(f[2] or '0') > now then return {'scheduled', f[2]} end
  state = 'running'
  redis.call('HSET', KEYS[1], 'state', 'running', 'state_at', now)
  redis.call('HSET', KEYS[2], id, 'running')
end
local stale = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, 1)
if #stale > 0 then
  redis.call('ZADD', KEYS[5], now + tonumber(ARGV[4]), stale[1])
  return {'reclaimed', stale[1], redis.call('HGET', KEYS[4], stale[1]) or '', winner}
end
local retention, grace = tonumber(ARGV[6]), tonumber(ARGV[7])
local end_at = tonumber(f[3] or '0')
if end_at > 0 and now >= end_at then
  -- Past its end: every recipient not released ends expired, those a winner test keeps aside too.
  herald_cmp_drop_unreleased(id, 'expired')
  if state == 'paused' then return {'paused', ''} end
  return {herald_cmp_maybe_complete(id, state, now, retention, grace), 'ended'}
end
if state == 'paused' then return {'paused', ''} end
local want = tonumber(ARGV[2])
local recipients, released = tonumber(f[6] or '0'), tonumber(f[7] or '0')
local share = tonumber(ARGV[5])
if share < 10000 then want = math.min(want, math.floor(recipients * share / 10000) - released) end
local cap = tonumber(f[5] or '0')
if cap > 0 then want = math.min(want, cap - tonumber(redis.call('GET', KEYS[6]) or '0')) end
local rate = tonumber(f[4] or '0')
local tokens = 0
if rate > 0 then
  -- A token bucket holding at most half a second of the rate: no burst at the
  -- start of a minute, and any 10-second span stays within 5 % of the rate.
  local burst = math.max(1, rate / 120)
  local ts = tonumber(f[9] or now)
  tokens = math.min(burst, tonumber(f[8] or burst) + math.max(0, now - ts) * rate / 60000)
  want = math.min(want, math.floor(tokens))
end
local taken = {}
local ramp = ARGV[8] == '1'
if want > 0 then
  for i = 9, #KEYS do
    if #taken >= want then break end
    local a = 9 + (i - 9) * 3
    local zone = ARGV[a]
    local room = want - #taken
    local at, before, went
    if ramp then
      -- `opening:pending then:released since`, started afresh at each opening.
      local entry = redis.call('HGET', KEYS[8], zone) or ''
      local since
      at, before, since = string.match(entry, '^(%d+):(%d+):(%d+)$')
      if at ~= ARGV[a + 1] then
        at, before, since = ARGV[a + 1], tonumber(redis.call('HGET', KEYS[3], zone) or '0'), 0
      end
      went = tonumber(since)
      room = math.min(room, math.ceil(tonumber(before) * tonumber(ARGV[a + 2]) / 10000) - went)
      redis.call('HSET', KEYS[8], zone, at .. ':' .. before .. ':' .. went)
      redis.call('EXPIRE', KEYS[8], retention)
    end
    if room > 0 then
      local got = redis.call('LPOP', KEYS[i], room)
      if got then
        if redis.call('HINCRBY', KEYS[3], zone, -#got) <= 0 then redis.call('HDEL', KEYS[3], zone) end
        for _, record in ipairs(got) do taken[#taken + 1] = record end
        if ramp then redis.call('HSET', KEYS[8], zone, at .. ':' .. before .. ':' .. (went + #got)) end
      end
    end
  end
end
local n = #taken
if rate > 0 then redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - n), 'ts', now) end
if n > 0 then
  if cap > 0 and redis.call('INCRBY', KEYS[6], n) == n then redis.call('EXPIRE', KEYS[6], 172800) end
  redis.call('HINCRBY', KEYS[1], 'released', n)
  local slot = math.floor(now / 10000)
  redis.call('HINCRBY', KEYS[7], slot, n)
  redis.call('EXPIRE', KEYS[7], 180)
  if redis.call('HLEN', KEYS[7]) > 12 then
    -- Only the last minute is read: drop older slots, so a long campaign does not grow this hash.
    for _, field in ipairs(redis.call('HKEYS', KEYS[7])) do
      if tonumber(field) < slot - 7 then redis.call('HDEL', KEYS[7], field) end
    end
  end
  redis.call('HSET', KEYS[4], ARGV[3], table.concat(taken, '\n'))
  redis.call('ZADD', KEYS[5], now + tonumber(ARGV[4]), ARGV[3])
  redis.call('EXPIRE', KEYS[4], retention)
  redis.call('EXPIRE', KEYS[5], retention)
  taken[#taken + 1] = 'taken'
  taken[#taken + 1] = ARGV[3]
  taken[#taken + 1] = winner
  return taken
end
return {herald_cmp_maybe_complete(id, state, now, retention, grace), 'waiting'}
