#!/usr/bin/env bash
# Redis restarted mid-run (AOF everysec, shut down cleanly and started again
# on the same data). Herald reconnects by itself; /ready answers 503 while
# Redis is away and 200 again after. Requests refused during the outage get
# 503 and are not counted as accepted; nothing accepted may be lost. The load
# (RATE, by default at most 1,000/s and over at least 15 s) outlasts the
# outage: the script checks that traffic was flowing when Redis went away and
# flowed again after it came back.
#   MESSAGES=20000 loadtest/faults/redis_restart.sh
MESSAGES=${MESSAGES:-20000}
source "$(dirname "$0")/lib.sh"
rate=${RATE:-$(( MESSAGES / 15 < 1000 ? MESSAGES / 15 : 1000 ))}
start_redis
start_simulators
start_herald a serve
run_load --connections 16 --rate "$rate" --drain-timeout 300
( while kill -0 "$LOAD_PID" 2>/dev/null; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$API_PORT/ready" || true)
    echo "$code" >> "$WORK/ready.txt"; sleep 0.1
  done ) &
PIDS+=($!)
wait_for 300 sim_reached $((MESSAGES / 3)) || { echo "the run never reached a third"; exit 2; }
assert_traffic_flowing "Redis shutdown"
accepted_before=$(figure "accepted before the shutdown" api_accepted) || exit 2
log "shutting Redis down at $accepted_before accepted"
redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
wait "$REDIS_PID" 2>/dev/null || true
sleep "${OUTAGE_SECONDS:-3}"
log "starting Redis again on the same AOF"
start_redis
# Herald takes requests again once it has reconnected: acceptance and sending resume.
wait_for 30 curl -sf "http://127.0.0.1:$API_PORT/ready" || true
assert_traffic_flowing "after the restart" 5
verdict --accepted-at-least "$accepted_before" || status=$?
refused=$(python3 - "$WORK/load.txt" <<'PY'
import re, sys
line = re.search(r"^requests \d+, accepted \d+, http errors \d+, statuses \[(.*)\]$", open(sys.argv[1]).read(), re.M)
statuses = {int(code): int(n) for code, n in re.findall(r"key: (\d+), value: (\d+)", line.group(1))}
other = sum(n for code, n in statuses.items() if code not in (202, 503))
print(statuses.get(503, 0), other)
PY
) || { echo "cannot judge the run: no statuses in the load report"; exit 2; }
read -r refused other <<< "$refused"
echo "refused while Redis was away: $refused requests (503); other statuses: $other"
# Only what came after the shutdown can have been refused.
assert_le "requests refused with 503" "$refused" $((MESSAGES - accepted_before))
assert_le "requests answered other than 202 or 503" "$other" 0
transitions=$(uniq "$WORK/ready.txt" | tr '\n' ' ')
echo "/ready over the run: $transitions"
assert_true "/ready went from 200 to 503 and back to 200" grep -q "200 503 200" <<< "$transitions"
exit "${status:-0}"
