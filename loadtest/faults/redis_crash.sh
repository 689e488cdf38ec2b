#!/usr/bin/env bash
# A crashed single Redis: SIGKILL of redis-server mid-run (AOF everysec), then
# started again on the same data. Redis writes its AOF before it answers, so
# a process crash loses nothing it acknowledged (only a machine crash can
# lose up to a second of fsync); Herald retries the writes it could not make
# (acceptance for HERALD_STORE_RETRY_MS, the worker's records for 30 s) and
# the load generator resends what a reply said was not stored. Checked:
# traffic flowed at the crash and after the restart; nothing accepted is lost;
# duplicate sends at most the entries in flight at the crash; no reply left
# an item's outcome unknown.
#   MESSAGES=20000 loadtest/faults/redis_crash.sh
MESSAGES=${MESSAGES:-20000}
source "$(dirname "$0")/lib.sh"
rate=${RATE:-$(( MESSAGES / 40 + 1 ))}
start_redis
start_simulators --latency-ms "${LATENCY_MS:-10}"
start_herald a serve
run_load --mode batch --batch-size 50 --connections 8 --rate "$rate" --drain-timeout 300
# Struck a quarter into the paced load, by the clock (polling /metrics fast would load the instance under test).
sleep $(( MESSAGES / 4 / rate ))
# The API is judged by what it accepts after the fault (below): a scrape of /metrics under load is slow.
NO_ACCEPT_CHECK=1 assert_traffic_flowing "the Redis crash"
accepted_at_fault=$(figure "accepted at the fault" api_accepted) || exit 2
sent_at_fault=$(figure "sent at the fault" sim_accepted) || exit 2
in_flight=$(figure "entries in flight" pending_entries) || exit 2
log "SIGKILL of redis-server (pid $REDIS_PID) with $in_flight entries in flight"
kill -9 "$REDIS_PID"
wait "$REDIS_PID" 2>/dev/null || true
sleep "${OUTAGE_SECONDS:-2}"
log "starting redis-server again on the same AOF"
start_redis
# Requests held during the outage complete when it ends and the paced load catches up at once,
# so acceptance is judged by what was accepted after the fault, below.
NO_ACCEPT_CHECK=1 assert_traffic_flowing "after the restart" 10
verdict --duplicates-at-most "$in_flight" --accepted-at-least "$MESSAGES" || status=$?
after_fault_checks "$accepted_at_fault" "$sent_at_fault"
exit "${status:-0}"
