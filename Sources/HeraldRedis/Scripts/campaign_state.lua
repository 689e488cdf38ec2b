--! include lib_campaigns.lua
-- Start, pause, resume or cancel a campaign. start: draft → scheduled (its
-- start_at ahead) or running, pinning the template version; pause:
-- scheduled|running → paused; resume: paused → running (or scheduled);
-- cancel: any state not over → canceled, every unreleased recipient counted
-- canceled. Anything else is refused with the current state.
-- KEYS: 1 campaign hash, 2 active hash
-- ARGV: 1 id, 2 action, 3 pinned template reference ('' none), 4 retention s, 5 ttl s (a campaign not over)
local now = herald_cmp_now()
local f = redis.call('HMGET', KEYS[1], 'state', 'start_at')
local state = f[1]
if not state then return {'missing', ''} end
local action = ARGV[2]
local legal = {
  start = {draft = true}, pause = {scheduled = true, running = true}, resume = {paused = true},
  cancel = {draft = true, scheduled = true, running = true, paused = true},
}
if not legal[action] or not legal[action][state] then return {'illegal', state} end
if action == 'cancel' then
  herald_cmp_end(ARGV[1], 'canceled', now, tonumber(ARGV[4]))
  return {'ok', 'canceled'}
end
local next = 'paused'
if action == 'start' or action == 'resume' then
  next = 'running'
  if tonumber(f[2] or '0') > now then next = 'scheduled' end
end
redis.call('HSET', KEYS[1], 'state', next, 'state_at', now)
redis.call('EXPIRE', KEYS[1], ARGV[5])
if action == 'start' then
  redis.call('HSET', KEYS[1], 'started_at', now)
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'template_ref', ARGV[3]) end
end
if action == 'pause' then redis.call('HSET', KEYS[1], 'paused_at', now) end
redis.call('HSET', KEYS[2], ARGV[1], next)
return {'ok', next}
