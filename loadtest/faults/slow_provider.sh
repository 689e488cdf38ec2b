#!/usr/bin/env bash
# A slow provider (2 s per call): sends pile up to the dispatch concurrency,
# Herald's memory stays bounded, and the enqueue API keeps its latency. The
# same load runs first against a fast provider as the baseline; the verdict is
# on the slow run. RSS is sampled every second.
#   MESSAGES=5000 loadtest/faults/slow_provider.sh
MESSAGES=${MESSAGES:-5000}
source "$(dirname "$0")/lib.sh"
start_redis
start_simulators
start_herald a serve
run_load --connections 16 --rate "${RATE:-500}" --drain-timeout 300
wait "$LOAD_PID"
cp "$WORK/load.txt" "$WORK/baseline.txt"
redis-cli -p "$REDIS_PORT" flushall >/dev/null
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true
start_simulators --latency-ms "${LATENCY_MS:-2000}"
rss() { awk '/VmRSS/ {print $2}' "/proc/$HERALD_PID/status"; }
rss_start=$(rss)
( while kill -0 "$HERALD_PID" 2>/dev/null; do rss >> "$WORK/rss.txt"; sleep 1; done ) &
PIDS+=($!)
run_load --connections 16 --rate "${RATE:-500}" --drain-timeout 600
verdict || status=$?
baseline_p99=$(sed -n 's/^request latency .*p99 \([0-9.]*\) ms.*/\1/p' "$WORK/baseline.txt")
slow_p99=$(sed -n 's/^request latency .*p99 \([0-9.]*\) ms.*/\1/p' "$WORK/load.txt")
rss_max=$(sort -n "$WORK/rss.txt" | tail -1)
echo "enqueue p99: fast provider $baseline_p99 ms, slow provider $slow_p99 ms"
echo "herald RSS: $((rss_start / 1024)) MiB at the start, $((rss_max / 1024)) MiB at most while sends waited 2 s each"
limit=${RSS_LIMIT_MIB:-1024}
[ "$rss_max" -le $((limit * 1024)) ] || { echo "RSS above $limit MiB"; exit 1; }
exit "${status:-0}"
