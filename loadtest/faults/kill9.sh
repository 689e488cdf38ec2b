#!/usr/bin/env bash
# kill -9 of one of two Herald instances in the middle of a run, then a restart.
# Instance a serves the API and dispatches; instance b only dispatches. b is
# killed when 40 % of the messages have reached the provider and restarted 2 s
# later; a reclaims b's stalled entries after the visibility timeout (5 s here).
# Duplicate sends are counted at the simulator (a recipient accepted twice):
# at most the entries b had read and not finished at the kill, which is printed.
#   MESSAGES=100000 loadtest/faults/kill9.sh
MESSAGES=${MESSAGES:-100000}
source "$(dirname "$0")/lib.sh"
start_redis
start_simulators
start_herald a serve HERALD_VISIBILITY_TIMEOUT_MS=5000
start_herald b worker HERALD_VISIBILITY_TIMEOUT_MS=5000
b=$HERALD_PID
run_load --connections 64 --drain-timeout 600
wait_for 600 sim_reached $((MESSAGES * 2 / 5)) || { echo "the run never reached 40 %"; exit 2; }
{ kill -9 "$b"; wait "$b"; } 2>/dev/null || true
in_flight=$(redis-cli --json -p "$REDIS_PORT" xpending "herald:{sms}:q:normal" dispatch | python3 -c '
import json, sys
reply = json.load(sys.stdin)
print(sum(int(count) for name, count in (reply[3] or []) if name == "b"))')
log "killed b (kill -9) with $in_flight entries read and not finished; restarting it in 2 s"
sleep 2
start_herald b worker HERALD_VISIBILITY_TIMEOUT_MS=5000
verdict
duplicates=$(sim_duplicates)
echo "in flight at the kill: $in_flight; duplicate sends $duplicates (each one an entry b had sent but not recorded)"
[ "$duplicates" -le "$in_flight" ] || { echo "more duplicates than entries in flight at the kill"; exit 1; }
