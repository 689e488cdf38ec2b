-- Shared by every transition: status ranks and the event log of a message.
-- Statuses only move to a higher rank (DESIGN §3), so replays and late
-- receipts can never move a message backwards.
local HERALD_RANK = {
  queued = 0, scheduled = 0, retrying = 0, sending = 1, sent = 2,
  delivered = 3, undelivered = 3, failed = 3, suppressed = 3, canceled = 3, expired = 3,
}

-- One line of a message's `events` field: "<at> <type>" or "<at> <type> <detail>",
-- the detail with backslash and newline escaped (\\, \n), so a line is one line.
-- Compact on purpose: the history is most of a message's hash, and a hash kept
-- small stays a listpack (BENCHMARKS.md, memory per message). Lines written
-- before this format are JSON objects ({"at":…,"type":…,"detail":…}); readers
-- (StoredMessage.events) take both.
-- `at` is an integer string from the caller (cjson would print it in exponent form).
-- `kind` is one of Herald's own event names: no spaces, no escaping.
local function herald_event_line(at, kind, detail)
  if detail and detail ~= '' then
    local escaped = string.gsub(string.gsub(detail, '\\', '\\\\'), '\n', '\\n')
    return at .. ' ' .. kind .. ' ' .. escaped .. '\n'
  end
  return at .. ' ' .. kind .. '\n'
end

-- A message keeps at most this many events: opens, clicks and repeated
-- `throttled` must not grow a hash without bound. Past it, the oldest event
-- after the first (`queued`) is dropped and counted in `events_dropped`.
local HERALD_MAX_EVENTS = 64

-- Appends `line` to the event text `events` of message `key`, keeping at most
-- HERALD_MAX_EVENTS lines; a dropped line is counted on the message at once.
-- Returns the new text, for the caller to write with its other fields.
local function herald_events_append(key, events, line)
  events = (events or '') .. line
  -- An event line is at least 18 bytes: a shorter history cannot be over the cap, and is not counted.
  if #events < HERALD_MAX_EVENTS * 18 then return events end
  local _, count = string.gsub(events, '\n', '')
  if count <= HERALD_MAX_EVENTS then return events end
  local first = string.find(events, '\n', 1, true)
  local second = string.find(events, '\n', first + 1, true)
  redis.call('HINCRBY', key, 'events_dropped', 1)
  return string.sub(events, 1, first) .. string.sub(events, second + 1)
end

local function herald_event(key, at, kind, detail)
  redis.call('HSET', key, 'events',
    herald_events_append(key, redis.call('HGET', key, 'events'), herald_event_line(at, kind, detail)))
end

-- Removes a finished entry from its stream: acknowledged and deleted, so
-- streams hold only work that is still to do and never need trimming.
local function herald_finish_entry(stream, group, entry)
  redis.call('XACK', stream, group, entry)
  redis.call('XDEL', stream, entry)
end

-- Campaign stats (GET /v1/stats): one hash per channel partition, campaign and
-- UTC day of acceptance, `herald:{sms:07}:stats:c:<campaign>:<day>`, and one per
-- partition for all traffic, `herald:{sms:07}:stats:all:<day>` (day = days since
-- 1970-01-01). They carry the hash tag of the script's first key (every key of
-- a transition shares it), so the transition that counts touches only its
-- message's slot; a query sums the partitions. Fields are
-- `<channel>|<template name or ->|<counter>`, so a query reads a few small
-- hashes whatever the number of messages. A key lives HERALD_STATS_TTL
-- seconds from its first counter.
local HERALD_STATS_TTL = 400 * 86400

-- `n` may be a string of digits (a conversion value in millionths): Lua
-- numbers past 1e17 would be formatted in exponent form, which HINCRBY refuses.
local function herald_stats_bump(key, field, n)
  if redis.call('HINCRBY', key, field, n) == tonumber(n) then redis.call('EXPIRE', key, HERALD_STATS_TTL) end
end

-- The partition prefix and channel of the transition's keys (every key of a
-- transition shares its tag): `herald:{sms:07~x}:` and `sms`.
local HERALD_PREFIX = KEYS[1] and string.match(KEYS[1], '^herald:{[^}]*}:')
local HERALD_CHANNEL = HERALD_PREFIX and string.match(HERALD_PREFIX, '^herald:{(%a+)')

-- Adds `n` to `counter` for a message of this transition's channel described
-- by its campaign (or false), template reference (`name@version`, or false)
-- and created_at ms; a campaign's A/B variant (or false) is also counted on
-- its own, in `stats:v:<campaign>:<variant>:<day>`.
local function herald_stats_add(campaign, template, created_at, counter, n, variant)
  if not HERALD_PREFIX or not created_at then return end
  local day = math.floor(tonumber(created_at) / 86400000)
  local name = '-'
  if template then name = string.match(template, '^[^@]*') end
  local field = HERALD_CHANNEL .. '|' .. name .. '|' .. counter
  local prefix = HERALD_PREFIX .. 'stats:'
  if campaign then herald_stats_bump(prefix .. 'c:' .. campaign .. ':' .. day, field, n) end
  if campaign and variant then herald_stats_bump(prefix .. 'v:' .. campaign .. ':' .. variant .. ':' .. day, field, n) end
  herald_stats_bump(prefix .. 'all:' .. day, field, n)
end

-- Counts one event of message `key` in its stats.
local function herald_stats(key, counter)
  local f = redis.call('HMGET', key, 'campaign', 'template', 'created_at', 'variant')
  herald_stats_add(f[1], f[2], f[3], counter, 1, f[4])
end

-- A suppression counts as `suppressed` and, by reason, as `suppressed:<reason>`
-- (fatigue, unsubscribed, invalid_recipient, …).
local function herald_stats_suppressed(key, reason)
  local f = redis.call('HMGET', key, 'campaign', 'template', 'created_at', 'variant')
  herald_stats_add(f[1], f[2], f[3], 'suppressed', 1, f[4])
  herald_stats_add(f[1], f[2], f[3], 'suppressed:' .. (reason or 'other'), 1, f[4])
end

-- Status events pushed to callers (ARCHITECTURE.md, "Status events"). A
-- message accepted while event subscriptions existed carries `ev` (its
-- caller fields as a JSON object: campaign, user_id, idempotency_key,
-- metadata); one with its own `callback_url` carries `cb`. Each change of
-- such a message is written here, in the transition that makes it, to its
-- partition's outbox stream: nothing is lost between the change and the push.
-- The fan-out reads the outbox and copies each event into the queue of every
-- subscription that wants it. An outbox nobody reads is trimmed at
-- HERALD_OUTBOX_MAX entries, so it never fills Redis.
local HERALD_OUTBOX_MAX = 1000000

-- Appends event `kind` (accepted, sent, delivered, …) of message `key` at
-- `at` ms, with `detail` (the error of a failure), to the outbox. A message
-- without `ev` or `cb` costs one HMGET.
local function herald_publish(key, at, kind, detail)
  local f = redis.call('HMGET', key, 'ev', 'cb', 'status', 'provider', 'campaign')
  if not f[1] and not f[2] then return end
  local sequence = redis.call('HINCRBY', key, 'ev_seq', 1)
  local id = string.match(key, ':m:(.*)$')
  redis.call('XADD', HERALD_PREFIX .. 'outbox', 'MAXLEN', '~', HERALD_OUTBOX_MAX, '*',
    't', kind, 'm', id, 'at', at, 'q', sequence, 's', f[3] or '', 'p', f[4] or '', 'd', detail or '',
    'x', f[1] or '{}', 'c', f[5] or '', 'u', f[2] or '')
end
