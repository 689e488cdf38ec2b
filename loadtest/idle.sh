#!/usr/bin/env bash
# What an idle Herald costs Redis: starts a fresh 3-master Redis Cluster (or,
# with CLUSTER=0, one redis-server), the simulators and `herald serve` with no
# traffic at all, lets it settle, then counts the commands Redis processes
# and the CPU Herald and Redis use over SECONDS.
#
#   loadtest/idle.sh HERALD_BINARY [SECONDS=10]
#   CLUSTER=0 loadtest/idle.sh HERALD_BINARY
#
# Prints one line: commands per second, and Herald's and Redis's CPU in
# milliseconds per second. Loopback only, bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
herald=$(realpath "$1")
seconds=${2:-10}
bench=${HERALD_BENCH_BIN:-$(swift build -c release --show-bin-path)/herald-bench}
cluster=${CLUSTER:-3}
work=$(mktemp -d /tmp/herald-idle.XXXXXX)
api_port=${API_PORT:-18090}
sim_port=${SIM_PORT:-18091}
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
redis_pids=()
source loadtest/redis-start.sh
herald_redis_start "$work" "$cluster" "${CLUSTER_PORT:-17100}" || exit 2
"$bench" simulate --port "$sim_port" --herald-url "http://127.0.0.1:$api_port" > "$work/sim.log" 2>&1 &
pids+=($!)
env "${redis_env[@]}" HERALD_HTTP_PORT=$api_port HERALD_SIMULATOR_URL="http://127.0.0.1:$sim_port" \
  HERALD_APNS_SIMULATOR_URL="https://127.0.0.1:$((sim_port + 1))" HERALD_LOG_LEVEL=warning \
  env -u HERALD_ROLE -u HERALD_BENCH_BIN "$herald" serve > "$work/herald.log" 2>&1 &
pids+=($!); herald_pid=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$api_port/ready" >/dev/null && break; sleep 0.05; done
kill -0 $herald_pid 2>/dev/null || { echo "herald did not start:" >&2; tail -5 "$work/herald.log" >&2; exit 1; }
sleep 3 # consumer groups made, scripts loaded, first promotes done
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
redis_cpu() { local sum=0; for pid in "${redis_pids[@]}"; do sum=$((sum + $(cpu "$pid"))); done; echo $sum; }
commands() { rcli info stats | awk -F: '/total_commands_processed/ {s += $2} END {print s+0}'; }
# Scripts run (promote.lua on every partition is most of an idle Herald's), and blocking stream reads.
stat() { rcli info commandstats | awk -F'[=,:]' -v c="cmdstat_$1" '$1 == c {s += $3} END {print s+0}'; }
hz=$(getconf CLK_TCK)
c0=$(commands); h0=$(cpu $herald_pid); r0=$(redis_cpu); e0=$(stat evalsha); x0=$(stat xreadgroup)
sleep "$seconds"
c1=$(commands); h1=$(cpu $herald_pid); r1=$(redis_cpu); e1=$(stat evalsha); x1=$(stat xreadgroup)
# Less the INFO calls themselves (three per node per read).
nodes_count=$([ "$cluster" -gt 0 ] && echo "$cluster" || echo 1)
awk -v c=$((c1 - c0 - 3 * nodes_count)) -v h=$((h1 - h0)) -v r=$((r1 - r0)) -v s="$seconds" -v hz="$hz" -v n="$cluster" \
  -v e=$((e1 - e0)) -v x=$((x1 - x0)) \
  'BEGIN { printf "idle %s: %.0f Redis commands/s (%.0f scripts/s, %.0f XREADGROUP/s), herald %.1f ms CPU/s, redis %.1f ms CPU/s\n", (n > 0 ? n "-master cluster" : "one redis-server"), c / s, e / s, x / s, 1000 * h / hz / s, 1000 * r / hz / s }'
