#!/usr/bin/env bash
# A master crash under load on a Redis Cluster (3 masters, a replica each, AOF
# everysec): SIGKILL of the master serving SMS partition 0 — not a manual
# CLUSTER FAILOVER, so its replica is promoted by the cluster itself after the
# node timeout, and what the replica had not yet received is gone. Two Herald
# instances (a serves and dispatches, b dispatches) take batches of 100 SMS
# with no idempotency keys; the load generator resends exactly what the
# replies say was not stored (a 503, or the batch items marked retryable).
# Checked: traffic flowed when the master died; acceptance and sending both
# resumed after the promotion (how long each stopped is printed and bounded);
# nothing accepted is lost; duplicate sends at most the entries in flight at
# the kill; no reply left an item's outcome unknown.
#   MESSAGES=100000 loadtest/faults/master_crash.sh
MESSAGES=${MESSAGES:-100000}
source "$(dirname "$0")/lib.sh"
rate=${RATE:-$(( MESSAGES / 40 + 1 ))}
start_cluster 3 1
start_simulators --latency-ms "${LATENCY_MS:-10}"
start_herald a serve
start_herald b worker
run_load --mode batch --batch-size 100 --connections 16 --rate "$rate" --drain-timeout 600
# Sends every half second, to see how long sending stopped (the simulators' counter
# is cheap to read; how long acceptance stopped is the longest request wait of the load report).
( while kill -0 "$LOAD_PID" 2>/dev/null; do
    echo "$(date +%s%3N) $(sim_accepted 2>/dev/null || echo -)" >> "$WORK/timeline.txt"
    sleep 0.5
  done ) &
PIDS+=($!)
# Struck a quarter into the paced load (by the clock: polling /metrics fast would
# load the instance under test; the checks at the fault take a few seconds more),
# so that acceptance meets the crash and must resume after it.
sleep $(( MESSAGES / 4 / rate ))
# The API is judged by what it accepts after the fault (below): a scrape of /metrics under load is slow.
NO_ACCEPT_CHECK=1 assert_traffic_flowing "the master crash"
accepted_at_fault=$(figure "accepted at the fault" api_accepted) || exit 2
sent_at_fault=$(figure "sent at the fault" sim_accepted) || exit 2
slot=$(redis-cli -p "${CLUSTER_NODES[0]#*:}" cluster keyslot "herald:{sms}:q:normal")
master=$(redis-cli -p "${CLUSTER_NODES[0]#*:}" cluster nodes | python3 -c '
import sys
slot = int(sys.argv[1])
for line in sys.stdin:
    fields = line.split()
    if "master" not in fields[2] or "fail" in fields[2]:
        continue
    for part in fields[8:]:
        low, _, high = part.partition("-")
        if low.isdigit() and int(low) <= slot <= int(high or low):
            print(fields[1].split("@")[0].split(":")[1])' "$slot")
[ -n "$master" ] || { echo "cannot find the master of slot $slot"; exit 2; }
pid=$(redis-cli -p "$master" info server | sed -n 's/^process_id:\([0-9]*\).*/\1/p' | tr -d '\r')
require_number "pid of the master on $master" "$pid"
in_flight=$(figure "entries in flight" pending_entries) || exit 2
killed_at=$(date +%s%3N)
kill -9 "$pid"
log "SIGKILL of the master on port $master (pid $pid) with $in_flight entries in flight"
# Whether a live node now serves the slot as master (the replica was promoted).
promoted() {
  local node port
  for node in "${CLUSTER_NODES[@]}"; do
    port=${node##*:}
    [ "$port" = "$master" ] && continue
    redis-cli -p "$port" cluster nodes 2>/dev/null | python3 -c '
import sys
slot, dead = int(sys.argv[1]), sys.argv[2]
for line in sys.stdin:
    fields = line.split()
    if "master" not in fields[2] or "fail" in fields[2] or fields[1].split("@")[0].endswith(":" + dead):
        continue
    for part in fields[8:]:
        low, _, high = part.partition("-")
        if low.isdigit() and int(low) <= slot <= int(high or low):
            sys.exit(0)
sys.exit(1)' "$slot" "$master" && return 0
    return 1
  done
  return 1
}
wait_for 60 promoted || { echo "the cluster did not recover within 60 s"; exit 2; }
log "a replica serves the slot again after $(( $(date +%s%3N) - killed_at )) ms"
# Requests held during the outage complete when it ends and the paced load catches up at once,
# so acceptance is judged by what was accepted after the fault, below.
NO_ACCEPT_CHECK=1 assert_traffic_flowing "after the promotion" 10
verdict --duplicates-at-most "$in_flight" --accepted-at-least "$MESSAGES" || status=$?
after_fault_checks "$accepted_at_fault" "$sent_at_fault"
# How long sending stopped after the kill: from the kill until the simulators' count grew again.
# (A few entries whose read reply died with the master are reclaimed after the
# visibility timeout; they end the run later but do not stop sending.)
send_stall=$(python3 - "$WORK/timeline.txt" "$killed_at" <<'PY'
import sys
rows = [tuple(int(p) for p in line.split()) for line in open(sys.argv[1])
        if len(line.split()) == 2 and all(p.isdigit() for p in line.split())]
killed = int(sys.argv[2])
before = [sent for at, sent in rows if at <= killed]
at_kill = before[-1] if before else 0
print(next((at - killed for at, sent in rows if at > killed and sent > at_kill), 10**9))
PY
)
accept_stall=$(sed -n 's/^request latency .* max \([0-9]*\)[0-9.]* ms.*/\1/p' "$WORK/load.txt")
echo "after the kill, sending stopped for $send_stall ms; the longest request waited $accept_stall ms"
assert_le "sending stopped, ms" "$send_stall" 30000
assert_le "longest request wait (acceptance stopped), ms" "$accept_stall" 30000
exit "${status:-0}"
