-- Shared by the campaign transitions. Every campaign key lives under the one
-- hash tag {cmp} (one slot), so a transition can reach the campaign's
-- pending lists, leases and dedup sets it derives from the campaign id.
local HERALD_CMP = 'herald:{cmp}:'
-- A campaign's dedup sets: person numbers spread over this many sets, so
-- each stays a compact intset (at most 512 members) up to ~2M recipients.
local HERALD_CMP_BUCKETS = 4096
-- A person's touch index (`t:<number>`) keeps their newest campaign touches only.
local HERALD_CMP_TOUCHES = 16

-- The current time in ms from Redis itself: every instance reckons pacing
-- and leases by the same clock.
local function herald_cmp_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Ends campaign `id` as `state` (completed or canceled): what is left of its
-- audience (pending lists, leases, dedup sets) is deleted, and the campaign
-- and its counters expire after `retention` seconds. A canceled campaign
-- stays in the active hash for a while, so workers cancel its released
-- messages; the take transition drops it later.
-- Drops every recipient of campaign `id` not released yet (its pending
-- lists, and the rest a winner test keeps aside) and counts them as
-- `counter` (expired or canceled).
local function herald_cmp_drop_unreleased(id, counter)
  local c = HERALD_CMP .. 'c:' .. id
  local left = 0
  for _, kind in ipairs({'p', 'r'}) do
    local index = HERALD_CMP .. (kind == 'p' and 'z:' or 'rz:') .. id
    local zones = redis.call('HGETALL', index)
    for i = 1, #zones, 2 do
      left = left + tonumber(zones[i + 1])
      redis.call('DEL', HERALD_CMP .. kind .. ':' .. id .. ':' .. zones[i])
    end
    if #zones > 0 then redis.call('DEL', index) end
    if kind == 'r' and #zones > 0 then redis.call('HSET', c, 'deferred', 0) end
  end
  if left > 0 then redis.call('HINCRBY', c, counter, left) end
end

local function herald_cmp_end(id, state, now, retention)
  local c = HERALD_CMP .. 'c:' .. id
  herald_cmp_drop_unreleased(id, state == 'canceled' and 'canceled' or 'expired')
  redis.call('DEL', HERALD_CMP .. 'l:' .. id, HERALD_CMP .. 'lt:' .. id, HERALD_CMP .. 'dt:' .. id, HERALD_CMP .. 'zo:' .. id)
  for b = 0, HERALD_CMP_BUCKETS - 1 do redis.call('DEL', HERALD_CMP .. 'd:' .. id .. ':' .. b) end
  redis.call('HSET', c, 'state', state, 'state_at', now, state .. '_at', now)
  if state == 'canceled' then
    redis.call('HSET', HERALD_CMP .. 'active', id, 'canceled')
  else
    redis.call('HDEL', HERALD_CMP .. 'active', id)
  end
  redis.call('EXPIRE', c, retention)
  -- Status events: `campaign.completed` goes to the campaigns' outbox
  -- whether or not anyone subscribes (one entry per campaign; the fan-out
  -- drops what no subscription wants). Trimmed like the messages' outboxes.
  if state == 'completed' then
    redis.call('XADD', HERALD_CMP .. 'outbox', 'MAXLEN', '~', 100000, '*', 't', 'campaign.completed', 'm', '',
      'at', now, 'q', 1, 's', 'completed', 'p', '', 'd', '', 'x', '{}', 'c', id, 'u', '')
  end
  redis.call('EXPIRE', HERALD_CMP .. 'rt:' .. id, retention)
  if redis.call('TTL', HERALD_CMP .. 'hc:' .. id) > retention then redis.call('EXPIRE', HERALD_CMP .. 'hc:' .. id, retention) end
end

-- Completes a running campaign whose audience is all released and
-- acknowledged, once `grace` ms have passed since it started and since
-- recipients were last added: a caller still importing into a running
-- campaign does not find it completed between two calls. A campaign whose
-- winner test keeps recipients aside for the decision does not complete:
-- it notes when its test share was first all released (`test_done_at`).
local function herald_cmp_maybe_complete(id, state, now, retention, grace)
  if state ~= 'running' then return state end
  if redis.call('HLEN', HERALD_CMP .. 'z:' .. id) > 0 or redis.call('HLEN', HERALD_CMP .. 'l:' .. id) > 0 then
    return state
  end
  local c = HERALD_CMP .. 'c:' .. id
  local f = redis.call('HMGET', c, 'started_at', 'last_added_at', 'deferred', 'test_done_at')
  if now - math.max(tonumber(f[1] or '0'), tonumber(f[2] or '0')) < grace then return state end
  if tonumber(f[3] or '0') > 0 then
    if not f[4] then redis.call('HSET', c, 'test_done_at', now) end
    return state
  end
  herald_cmp_end(id, 'completed', now, retention)
  return 'completed'
end
