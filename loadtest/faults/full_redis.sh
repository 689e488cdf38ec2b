#!/usr/bin/env bash
# A full Redis, as Herald demands it be set up (maxmemory, noeviction): while
# the load runs, maxmemory is lowered under what Redis holds, so it refuses
# every write that could grow memory, for FULL_SECONDS; then it is raised again.
# Acceptance must refuse with 507 store_full (a reply that says the store is
# full, with herald_store_full_total and a log line to alert on) and store
# nothing half; the worker's transitions (flags=allow-oom) keep recording
# what is in flight, so nothing is stranded or sent twice. The load generator
# resends what was refused. Checked: refusals happened, and were store_full;
# the metric and the log line; traffic flowed before and after; once there is
# room every accepted message is delivered within the drain timeout (90 s),
# none twice, nothing lost.
#   MESSAGES=20000 loadtest/faults/full_redis.sh
MESSAGES=${MESSAGES:-20000}
source "$(dirname "$0")/lib.sh"
rate=${RATE:-$(( MESSAGES / 20 < 1000 ? MESSAGES / 20 : 1000 ))}
full=${FULL_SECONDS:-8}
start_redis
redis-cli -p "$REDIS_PORT" config set maxmemory-policy noeviction > /dev/null
start_simulators --latency-ms "${LATENCY_MS:-10}"
start_herald a serve
run_load --mode batch --batch-size 100 --connections 8 --rate "$rate" --drain-timeout 90
# Struck a quarter into the paced load, by the clock.
sleep $(( MESSAGES / 4 / rate ))
assert_traffic_flowing "Redis filling up"
used=$(redis-cli -p "$REDIS_PORT" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p' | tr -d '\r')
require_number "used memory" "$used"
redis-cli -p "$REDIS_PORT" config set maxmemory $(( used / 2 )) > /dev/null
log "Redis full: maxmemory $(( used / 2 )) under the $used bytes it holds, for $full s"
sleep "$full"
full_metric=$(curl -sf "http://127.0.0.1:$API_PORT/metrics" | awk '/^herald_store_full_total/ { n += $NF } END { printf "%d\n", n }')
redis-cli -p "$REDIS_PORT" config set maxmemory 0 > /dev/null
log "Redis has room again"
assert_traffic_flowing "Redis having room again" 10
verdict --accepted-at-least "$MESSAGES" || status=$?
refused=$(python3 - "$WORK/load.txt" <<'PY'
import re, sys
line = re.search(r"^requests \d+, accepted \d+, http errors \d+, statuses \[(.*)\]$", open(sys.argv[1]).read(), re.M)
statuses = {int(code): int(n) for code, n in re.findall(r"key: (\d+), value: (\d+)", line.group(1))}
print(statuses.get(507, 0), sum(n for code, n in statuses.items() if code not in (202, 507)))
PY
) || { echo "cannot judge the run: no statuses in the load report"; exit 2; }
read -r refused other <<< "$refused"
echo "refused while Redis was full: $refused requests (507 store_full); other statuses: $other; herald_store_full_total $full_metric"
assert_ge "requests refused with 507 store_full" "$refused" 1
assert_le "requests answered other than 202 or 507" "$other" 0
assert_ge "herald_store_full_total" "$full_metric" 1
assert_true "a log line names the full store" grep -q "message store full" "$WORK/herald-a.log"
exit "${status:-0}"
