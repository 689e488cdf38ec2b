-- Appends one entry to an audit stream, inside the transition that makes the
-- change it records, so no change is ever without its entry. Every audited
-- script takes the same first three ARGV: 1 retention ms, 2 actor key id,
-- 3 actor name. The stream lives in the slot of what changed (one per hash
-- tag); entries older than the retention are trimmed on each append and an
-- idle stream expires whole. Entries never hold secrets or clear recipients.
local function herald_audit(stream, action, target, before, after)
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local retention = tonumber(ARGV[1])
  redis.call('XADD', stream, 'MINID', '~', tostring(now - retention), '*',
    'actor_id', ARGV[2], 'actor_name', ARGV[3], 'action', action, 'target', target,
    'before', before, 'after', after)
  redis.call('PEXPIRE', stream, retention)
end
