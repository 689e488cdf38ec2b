#!lua flags=allow-oom
-- Forgets a shared access token only if it is still the one a provider just
-- rejected; a token another instance already refreshed is kept. The same
-- compare-and-delete releases a refresh lock only for the owner that holds it.
-- KEYS: 1 token (or lock) key
-- ARGV: 1 the rejected token (or the lock's owner)
-- Returns 1 when deleted, 0 otherwise.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
