--! include lib_events.lua
-- Counts a conversion against the message that caused it, if its window
-- holds it: once per event and message (a campaign's person has one
-- message), in the message's stats (`converted`, the value by currency in
-- millionths, and `converters` for the message's first counted event) and
-- its event log. The window opens at the delivery (or at
-- `sent_at` while no receipt said otherwise) or at the first human click.
-- KEYS: 1 the message's hash
-- ARGV: 1 now ms, 2 event, 3 occurred at ms, 4 window ms, 5 window opens at (delivered|clicked),
--       6 value in millionths ('' = none), 7 currency ('-' = none)
-- Returns {outcome, campaign, variant}: counted, duplicate, outside_window, not_delivered or unknown_message.
local field = 'cv:' .. ARGV[2]
local f = redis.call('HMGET', KEYS[1], 'status', 'campaign', 'template', 'created_at', 'variant', 'delivered_at',
  'sent_at', 'clicked_at', field)
if not f[1] then return {'unknown_message', '', ''} end
local campaign, variant = f[2] or '', f[5] or ''
local opened
if ARGV[5] == 'clicked' then
  opened = f[8]
elseif f[1] == 'delivered' then
  opened = f[6]
elseif f[1] == 'sent' then
  opened = f[7]
end
if not opened then return {'not_delivered', campaign, variant} end
local at = tonumber(ARGV[3])
if at < tonumber(opened) or at > tonumber(opened) + tonumber(ARGV[4]) then return {'outside_window', campaign, variant} end
if f[9] then return {'duplicate', campaign, variant} end
redis.call('HSET', KEYS[1], field, ARGV[3])
herald_event(KEYS[1], ARGV[1], 'converted', ARGV[2])
herald_publish(KEYS[1], ARGV[1], 'converted', ARGV[2])
herald_stats_add(f[2], f[3], f[4], 'converted', 1, f[5])
-- People, not events, are what a conversion rate compares: the first counted event of a message counts its person.
if redis.call('HSETNX', KEYS[1], 'converted_at', ARGV[3]) == 1 then herald_stats_add(f[2], f[3], f[4], 'converters', 1, f[5]) end
if ARGV[6] ~= '' and ARGV[6] ~= '0' then
  herald_stats_add(f[2], f[3], f[4], 'conversion_value:' .. ARGV[7], ARGV[6], f[5])
end
return {'counted', campaign, variant}
