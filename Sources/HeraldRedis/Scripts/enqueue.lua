--! include lib_events.lua
-- Accepts new messages of one channel: for each, idempotency check, message
-- hash, and the ready stream or the delayed set. One call carries many
-- messages (a batch request is split into calls of up to 100), so the cost of
-- invoking a script is paid once per call, not once per message. Each call is
-- atomic: all its messages are stored, or none.
-- KEYS: per message i (0-based): 3i+1 message hash, 3i+2 idempotency key, 3i+3 ready stream;
--       last: the channel's delayed zset
-- ARGV: 1 now ms, 2 idempotency ttl s, 3 message ttl s (counted from the due time), then per message:
--       id, idempotency (1: check and set the key; 2: a retry of a call that may have run, the message hash
--       itself tells whether it was stored; 0: neither), due ms (0 = now), SMS segments (0 = none), n, then n items (field, value, …):
--       the payload `p` and the few fields transitions read (expires_at, priority, campaign, template, variant)
-- Returns, per message, 1 and its id when created, 0 and the original id on an idempotent replay.
local delayed = KEYS[#KEYS]
local now = ARGV[1]
local result = {}
local ttl = tonumber(ARGV[3])
-- Stats of the call, summed per campaign, template and channel before they
-- are written: a batch of one campaign costs a few HINCRBYs, not one per message.
local stats = {}
local function count(first, last, segments)
  local campaign, template, variant = false, false, false
  for i = first, last, 2 do
    if ARGV[i] == 'campaign' then campaign = ARGV[i + 1]
    elseif ARGV[i] == 'template' then template = ARGV[i + 1]
    elseif ARGV[i] == 'variant' then variant = ARGV[i + 1] end
  end
  local group = (campaign or '') .. '\n' .. (template or '') .. '\n' .. (variant or '')
  local entry = stats[group]
  if not entry then
    entry = {campaign = campaign, template = template, variant = variant, n = 0, segments = 0}
    stats[group] = entry
  end
  entry.n = entry.n + 1
  entry.segments = entry.segments + segments
end
local a = 4
for k = 1, #KEYS - 1, 3 do
  local id, use_idempotency, due = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
  local segments, n = tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  local first = a + 5
  a = first + n
  local existing = false
  if use_idempotency == '1' then existing = redis.call('GET', KEYS[k + 1]) end
  if use_idempotency == '2' and redis.call('EXISTS', KEYS[k]) == 1 then
    -- Stored by the earlier try whose answer was lost: it was created by this request.
    result[#result + 1] = 1
    result[#result + 1] = id
  elseif existing then
    result[#result + 1] = 0
    result[#result + 1] = existing
  else
    if use_idempotency == '1' then redis.call('SET', KEYS[k + 1], id, 'EX', ARGV[2]) end
    local status = 'queued'
    if due > 0 then status = 'scheduled' end
    redis.call('HSET', KEYS[k], 'status', status, 'created_at', now,
      'events', herald_event_line(now, status, ''), unpack(ARGV, first, a - 1))
    -- Every message expires, even one whose final status never comes; the
    -- final status refreshes it.
    redis.call('EXPIRE', KEYS[k], ttl + math.max(0, math.floor((due - tonumber(now)) / 1000)))
    if due > 0 then
      redis.call('ZADD', delayed, due, id)
    else
      redis.call('XADD', KEYS[k + 2], '*', 'id', id)
    end
    count(first, a - 1, segments)
    for i = first, a - 1, 2 do
      if ARGV[i] == 'ev' or ARGV[i] == 'cb' then
        herald_publish(KEYS[k], now, 'accepted', '')
        break
      end
    end
    result[#result + 1] = 1
    result[#result + 1] = id
  end
end
for _, entry in pairs(stats) do
  herald_stats_add(entry.campaign, entry.template, now, 'accepted', entry.n, entry.variant)
  if entry.segments > 0 then
    herald_stats_add(entry.campaign, entry.template, now, 'segments', entry.segments, entry.variant)
  end
end
return result
