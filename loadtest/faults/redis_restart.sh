#!/usr/bin/env bash
# Redis restarted mid-run (AOF everysec, shut down cleanly and started again
# on the same data). Herald reconnects by itself; /ready answers 503 while
# Redis is away and 200 again after. Requests refused during the outage get
# 503 and are not counted as accepted; nothing accepted may be lost.
#   MESSAGES=20000 loadtest/faults/redis_restart.sh
MESSAGES=${MESSAGES:-20000}
source "$(dirname "$0")/lib.sh"
start_redis
start_simulators
start_herald a serve
run_load --connections 16 --rate "${RATE:-1000}" --drain-timeout 300
( while kill -0 "$LOAD_PID" 2>/dev/null; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$API_PORT/ready" || true)
    echo "$code" >> "$WORK/ready.txt"; sleep 0.1
  done ) &
PIDS+=($!)
wait_for 300 sim_reached $((MESSAGES / 3)) || { echo "the run never reached a third"; exit 2; }
log "shutting Redis down"
redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
wait "$REDIS_PID" 2>/dev/null || true
sleep "${OUTAGE_SECONDS:-3}"
log "starting Redis again on the same AOF"
start_redis
verdict || status=$?
transitions=$(uniq "$WORK/ready.txt" | tr '\n' ' ')
echo "/ready over the run: $transitions"
echo "$transitions" | grep -q "200 503 200" || { echo "/ready did not go false and back to true"; exit 1; }
exit "${status:-0}"
