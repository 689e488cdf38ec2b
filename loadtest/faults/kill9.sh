#!/usr/bin/env bash
# kill -9 of one of two Herald instances in the middle of a run, then a restart.
# Instance a serves the API and dispatches; instance b only dispatches. b is
# killed when 40 % of the messages have reached the provider and restarted 2 s
# later; a reclaims b's stalled entries after the visibility timeout (5 s here).
# The load is paced (RATE, by default the messages over 25 s) and the provider
# answers in 20 ms (LATENCY_MS), so that the kill meets a run still accepting
# and sending, with sends in flight on b, in the short form too; the script
# checks that it did.
# Duplicate sends are counted at the simulator (a recipient accepted twice):
# at most the entries b had read and not finished at the kill, which is printed.
#   MESSAGES=100000 loadtest/faults/kill9.sh
MESSAGES=${MESSAGES:-100000}
source "$(dirname "$0")/lib.sh"
rate=${RATE:-$(( MESSAGES / 25 + 1 ))}
start_redis
start_simulators --latency-ms "${LATENCY_MS:-20}"
start_herald a serve HERALD_VISIBILITY_TIMEOUT_MS=5000
start_herald b worker HERALD_VISIBILITY_TIMEOUT_MS=5000
b=$HERALD_PID
run_load --connections 64 --rate "$rate" --drain-timeout 600
wait_for 600 sim_reached $((MESSAGES * 2 / 5)) || { echo "the run never reached 40 %"; exit 2; }
assert_traffic_flowing "the kill of b"
{ kill -9 "$b"; wait "$b"; } 2>/dev/null || true
at_kill=$(figure "sends at the kill" sim_accepted) || exit 2
in_flight=$(redis-cli --json -p "$REDIS_PORT" xpending "herald:{sms}:q:normal" dispatch | python3 -c '
import json, sys
reply = json.load(sys.stdin)
print(sum(int(count) for name, count in (reply[3] or []) if name == "b"))')
log "killed b (kill -9) at $at_kill sends with $in_flight entries read and not finished; restarting it in 2 s"
# b was dispatching when it died: otherwise the kill proved nothing about reclaiming.
assert_ge "entries b had in flight at the kill" "$in_flight" 1
assert_ge "sends at the kill (40 %)" "$at_kill" $((MESSAGES * 2 / 5))
sleep 2
start_herald b worker HERALD_VISIBILITY_TIMEOUT_MS=5000
verdict --duplicates-at-most "$in_flight" --accepted-at-least "$MESSAGES" || status=$?
echo "in flight at the kill: $in_flight; duplicate sends $DUPLICATES (each one an entry b had sent but not recorded)"
exit "${status:-0}"
