#!/usr/bin/env bash
# SIGTERM under load, with a provider that answers in 30 ms and a rate limit
# (twilio:200:20): no new message is claimed after the signal, in-flight sends
# finish and are recorded, messages waiting for a rate-limit slot go back to
# the delayed set rather than out at once, nothing stays pending in the
# consumer groups, and the process exits within the grace period
# (HERALD_SHUTDOWN_GRACE_SECONDS). A second instance then drains the rest:
# nothing is lost and nothing is sent twice, and the sends per second are
# checked against the limit over the whole run.
#   MESSAGES=5000 loadtest/faults/sigterm.sh
MESSAGES=${MESSAGES:-5000}
source "$(dirname "$0")/lib.sh"
grace=${GRACE_SECONDS:-10}
limit=(HERALD_RATE_LIMITS=twilio:200:20 HERALD_SHUTDOWN_GRACE_SECONDS=$grace)
start_redis
start_simulators --latency-ms 30
start_herald a serve "${limit[@]}"
a=$HERALD_PID
run_load --connections 16 --rate 1000 --drain-timeout 300
wait_for 120 sim_reached $((MESSAGES / 4)) || { echo "the run never reached a quarter"; exit 2; }
log "SIGTERM to a"
started=$(date +%s%N)
kill -TERM "$a"
for _ in $(seq $((grace * 10 + 50))); do kill -0 "$a" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$a" 2>/dev/null; then echo "a did not exit within the grace period"; exit 1; fi
took=$(( ($(date +%s%N) - started) / 1000000 ))
pending=$(pending_entries)
echo "a exited $took ms after SIGTERM (grace $grace s); entries left pending: $pending"
[ "$pending" -eq 0 ] || { echo "entries left pending in the consumer groups"; status=1; }
start_herald b serve "${limit[@]}"
verdict || status=$?
duplicates=$(sim_duplicates)
[ "$duplicates" -eq 0 ] || { echo "a graceful stop sent $duplicates messages twice"; status=1; }
peak=$(redis-cli -p "$REDIS_PORT" --scan --pattern 'herald:{sms}:m:*' | sed 's/.*/HGET & sent_at/' \
  | redis-cli -p "$REDIS_PORT" | python3 -c '
import sys
times = sorted(int(line) for line in sys.stdin if line.strip().isdigit())
peak, start = 0, 0
for end, t in enumerate(times):
    while times[start] <= t - 1000: start += 1
    peak = max(peak, end - start + 1)
print(peak)')
echo "most sends in any 1 s window: $peak (limit 200/s + burst 20 = 220)"
[ "$peak" -le 230 ] || { echo "rate limit broken"; status=1; }
exit "${status:-0}"
