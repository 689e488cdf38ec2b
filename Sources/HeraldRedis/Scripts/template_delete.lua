-- Deletes a template with every version, and its name from the list.
-- KEYS: 1 the template's hash, 2 the set of template names
-- ARGV: 1 the template's name
-- Returns 1 when it existed.
redis.call('SREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])
