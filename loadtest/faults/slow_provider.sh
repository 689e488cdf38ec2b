#!/usr/bin/env bash
# A slow provider (2 s per call): sends pile up to the dispatch concurrency,
# Herald's memory stays bounded, and the enqueue API keeps its latency. The
# same load runs first against a fast provider as the baseline; the verdict is
# on the slow run. RSS and the entries in flight are sampled every second.
# Bounds: enqueue p99 with the slow provider at most twice the baseline's plus
# P99_MARGIN_MS (25 ms; release runs measured 1.6 ms fast and 5.5 ms slow,
# and on a busy machine both runs queue behind other work); RSS at most
# RSS_LIMIT_MIB (1 GiB); at least 128 sends in flight at once (half the
# dispatch concurrency of 256: the slow provider did hold sends up).
#   MESSAGES=5000 loadtest/faults/slow_provider.sh
MESSAGES=${MESSAGES:-5000}
source "$(dirname "$0")/lib.sh"
start_redis
start_simulators
start_herald a serve
run_load --connections 16 --rate "${RATE:-500}" --drain-timeout 300
wait "$LOAD_PID" || { echo "load generator failed:"; cat "$WORK/load.txt"; exit 2; }
cp "$WORK/load.txt" "$WORK/baseline.txt"
read -r baseline_accepted baseline_delivered _ < <(load_figures "$WORK/baseline.txt") || true
require_number "baseline delivered" "${baseline_delivered:-}"
redis-cli -p "$REDIS_PORT" flushall >/dev/null
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true
start_simulators --latency-ms "${LATENCY_MS:-2000}"
rss() { awk '/VmRSS/ {print $2}' "/proc/$HERALD_PID/status"; }
rss_start=$(rss)
( while kill -0 "$HERALD_PID" 2>/dev/null; do rss >> "$WORK/rss.txt"; pending_entries >> "$WORK/in-flight.txt"; sleep 1; done ) &
PIDS+=($!)
run_load --connections 16 --rate "${RATE:-500}" --drain-timeout 600
wait_for 30 sim_reached 1 || { echo "the slow provider never answered"; exit 2; }
assert_traffic_flowing "slow provider" 5
verdict --accepted-at-least "$MESSAGES" || status=$?
baseline_p99=$(load_p99 "$WORK/baseline.txt") || exit 2
slow_p99=$(load_p99 "$WORK/load.txt") || exit 2
rss_max=$(sort -n "$WORK/rss.txt" | tail -1)
in_flight_max=$(sort -n "$WORK/in-flight.txt" | tail -1)
limit=${RSS_LIMIT_MIB:-1024}
margin=${P99_MARGIN_MS:-25}
echo "enqueue p99: fast provider $baseline_p99 ms, slow provider $slow_p99 ms"
echo "herald RSS: $((rss_start / 1024)) MiB at the start, $((rss_max / 1024)) MiB at most while sends waited 2 s each"
echo "in flight: at most $in_flight_max sends waiting on the provider at once"
assert_ge "baseline delivered (fast provider)" "$baseline_delivered" "$MESSAGES"
assert_le "enqueue p99 with the slow provider, ms (2 × baseline $baseline_p99 + $margin)" "$slow_p99" \
  "$(awk -v b="$baseline_p99" -v m="$margin" 'BEGIN { print 2 * b + m }')"
assert_le "herald RSS at the start, MiB" $((rss_start / 1024)) "$limit"
assert_le "herald RSS at most, MiB" $((rss_max / 1024)) "$limit"
assert_ge "sends in flight at most (the provider held them)" "$in_flight_max" 128
exit "${status:-0}"
