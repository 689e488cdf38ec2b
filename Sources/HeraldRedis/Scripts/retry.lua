#!lua flags=allow-oom
--! include lib_events.lua
-- A send attempt failed: sending → retrying (due time in the delayed set), or
-- sending → failed when the error is permanent or attempts are exhausted, in
-- which case the message is also written to the dead-letter stream. When the
-- provider said the recipient cannot receive (invalid, opted out), an
-- opted-out recipient's message ends `suppressed` rather than `failed` (the
-- caller adds the recipient to the channel's suppressions, in its own slot).
-- KEYS: 1 message hash, 2 stream, 3 delayed zset, 4 dead-letter stream
-- ARGV: 1 group, 2 entry id, 3 now ms, 4 due ms, 5 max attempts, 6 permanent (1|0),
--       7 error code, 8 error message, 9 message id, 10 terminal ttl s, 11 provider,
--       12 suppression entry ("all:unsubscribed", or '' for none; its reason names a suppressed outcome),
--       13 final status when permanent (failed|suppressed)
herald_finish_entry(KEYS[2], ARGV[1], ARGV[2])
local f = redis.call('HMGET', KEYS[1], 'status', 'attempts')
if f[1] ~= 'sending' then return {'skip', f[1] or 'missing'} end
local attempts = tonumber(f[2] or '0')
local detail = ARGV[11] .. ': ' .. ARGV[7] .. ' ' .. ARGV[8]
redis.call('HSET', KEYS[1], 'error', ARGV[7] .. ' ' .. ARGV[8], 'provider', ARGV[11])
if ARGV[6] == '1' and ARGV[13] == 'suppressed' then
  local reason = string.match(ARGV[12], ':(.*)$') or 'unsubscribed'
  redis.call('HSET', KEYS[1], 'status', 'suppressed', 'suppressed_at', ARGV[3], 'suppressed_reason', reason)
  herald_stats_suppressed(KEYS[1], reason)
  herald_event(KEYS[1], ARGV[3], 'suppressed', reason .. ' (' .. detail .. ')')
  herald_publish(KEYS[1], ARGV[3], 'suppressed', reason .. ' (' .. detail .. ')')
  redis.call('EXPIRE', KEYS[1], ARGV[10])
  return {'suppressed', attempts}
end
if ARGV[6] == '1' or attempts >= tonumber(ARGV[5]) then
  local why = 'permanent error'
  if ARGV[6] ~= '1' then why = 'retries exhausted after ' .. attempts .. ' attempts' end
  redis.call('HSET', KEYS[1], 'status', 'failed', 'failed_at', ARGV[3])
  herald_stats(KEYS[1], 'failed')
  herald_event(KEYS[1], ARGV[3], 'failed', why .. ' (' .. detail .. ')')
  herald_publish(KEYS[1], ARGV[3], 'failed', why .. ' (' .. detail .. ')')
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', '1000000', '*', 'id', ARGV[9], 'reason', why, 'error', ARGV[7])
  redis.call('EXPIRE', KEYS[1], ARGV[10])
  return {'failed', attempts}
end
redis.call('HSET', KEYS[1], 'status', 'retrying', 'next_attempt_at', ARGV[4])
herald_event(KEYS[1], ARGV[3], 'retrying', detail .. '; next attempt at ' .. ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[9])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[10]) + math.max(0, math.floor((tonumber(ARGV[4]) - tonumber(ARGV[3])) / 1000)))
return {'retrying', attempts}
