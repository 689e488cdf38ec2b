#!/usr/bin/env bash
# Runs one benchmark scenario end to end on this machine and prints the load
# generator's report plus CPU seconds and Redis commands per message.
#
#   loadtest/bench.sh single 200000      # single-message POSTs, 64 connections
#   loadtest/bench.sh batch 200000       # batch POSTs of 1000
#   MIX=sms:40,email:30,push:20,wechat:10 loadtest/bench.sh single 100000   # mixed channels
#   SMS_TEMPLATE=1 loadtest/bench.sh single 100000   # SMS from a stored template, links auto-shortened
#   CLUSTER=3 loadtest/bench.sh batch 200000          # on a local 3-master Redis Cluster (HERALD_PARTITIONS, default 32)
#   EVENTS_URL=http://127.0.0.1:18080/events API_PORT=18090 loadtest/bench.sh single 30000
#                                                     # with a subscription to every status event, POSTed to EVENTS_URL
#                                                     # (the peers' nginx mock answers 200); reports events delivered per second
#
# Everything runs on loopback: a fresh redis-server (AOF everysec) on a Unix
# socket, or with CLUSTER=N a fresh N-master Redis Cluster (AOF everysec, TCP),
# `herald-bench simulate` (every provider's simulator, receipts posted back),
# `herald serve` (API + dispatcher) and `herald-bench loadtest`. On a cluster the
# Redis CPU is also reported per master.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-single}
messages=${2:-200000}
connections=${CONNECTIONS:-64}
herald=${HERALD_BIN:-$(swift build -c release --show-bin-path)/herald}
bench=${HERALD_BENCH_BIN:-$(dirname "$herald")/herald-bench}
work=$(mktemp -d /tmp/herald-bench.XXXXXX)
sock=$work/redis.sock
api_port=${API_PORT:-18080}
sim_port=${SIM_PORT:-18081}
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

redis_pids=()
source loadtest/redis-start.sh
herald_redis_start "$work" "${CLUSTER:-0}" "${CLUSTER_PORT:-17000}" || exit 2

"$bench" simulate --port "$sim_port" --herald-url "http://127.0.0.1:$api_port" --callback-delay-ms "${CALLBACK_DELAY_MS:-20}" --statuses "${STATUSES:-sent,delivered}" \
  > "$work/sim.log" 2>&1 &
pids+=($!); sim_pid=$!
env "${redis_env[@]}" HERALD_HTTP_PORT=$api_port HERALD_SIMULATOR_URL="http://127.0.0.1:$sim_port" \
  HERALD_APNS_SIMULATOR_URL="https://127.0.0.1:$((sim_port + 1))" \
  HERALD_LOG_LEVEL=warning HERALD_DISPATCH_CONCURRENCY=${CONCURRENCY:-256} \
  env -u HERALD_BIN -u HERALD_BENCH_BIN -u HERALD_ROLE "$herald" "${HERALD_ROLE:-serve}" > "$work/herald.log" 2>&1 &
pids+=($!); herald_pid=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$api_port/ready" >/dev/null && break; sleep 0.05; done

if [ -n "${EVENTS_URL:-}" ]; then
  curl -sf -X POST "http://127.0.0.1:$api_port/v1/event-subscriptions" -H 'Content-Type: application/json' \
    -d "{\"url\":\"$EVENTS_URL\",\"events\":[\"*\"]}" >/dev/null || { echo "could not subscribe $EVENTS_URL" >&2; exit 2; }
fi

template_args=()
if [ -n "${SMS_TEMPLATE:-}" ]; then
  curl -sf -X PUT "http://127.0.0.1:$api_port/v1/templates/bench" -H 'Content-Type: application/json' \
    -d '{"channel":"sms","signature":"【Shop】","body":"{{name}}, your order {{order}} has shipped. Track it: https://shop.example.com/orders/{{order}}?utm_source=sms","required":["name","order"],"shorten_links":true}' >/dev/null
  template_args=(--sms-template bench)
fi

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
redis_cpu() { local sum=0; for pid in "${redis_pids[@]}"; do sum=$((sum + $(cpu "$pid"))); done; echo $sum; }
commands() { rcli info stats | awk -F: '/total_commands_processed/ {s += $2} END {print s+0}'; }
hz=$(getconf CLK_TCK)
traffic() { curl -sf "http://127.0.0.1:$api_port/metrics" | awk -v n="herald_redis_$1_total" '$1 == n {print $2+0; f=1} END {if (!f) print 0}'; }
rt0=$(traffic round_trips); rq0=$(traffic requests)
c0_herald=$(cpu $herald_pid); c0_sim=$(cpu $sim_pid); c0_redis=$(redis_cpu); cmd0=$(commands)
per_master0=(); for pid in "${redis_pids[@]}"; do per_master0+=($(cpu "$pid")); done
start=$(date +%s.%N)
extra=()
[ "$mode" = batch ] && extra=(--batch-size 1000 --connections "${BATCH_CONNECTIONS:-4}") || extra=(--connections "$connections")
loadgen_redis=(--redis-url "unix://$sock"); [ -n "${CLUSTER:-}" ] && loadgen_redis=()
env "${redis_env[@]}" /usr/bin/time -f "loadgen cpu %U+%S s" "$bench" loadtest --port "$api_port" --mode "$mode" --messages "$messages" \
  "${loadgen_redis[@]}" --mix "${MIX:-sms:1}" "${extra[@]}" "${template_args[@]}" ${LOADTEST_ARGS:-}
end=$(date +%s.%N)
if [ -n "${EVENTS_URL:-}" ]; then
  # accepted, sent and delivered per message; bounded wait for the last of them.
  expected=$((messages * ${EVENTS_PER_MESSAGE:-3}))
  delivered_events() { curl -sf "http://127.0.0.1:$api_port/metrics" | awk '$1 ~ /^herald_events_delivered_total/ {s += $2} END {print s+0}'; }
  for _ in $(seq 600); do [ "$(delivered_events)" -ge "$expected" ] && break; sleep 0.1; done
  events_end=$(date +%s.%N)
  awk -v d="$(delivered_events)" -v e="$expected" -v wall="$(echo "$events_end - $start" | bc)" \
    'BEGIN { printf "status events delivered: %d of %d expected in %.1f s, %.0f events/s\n", d, e, wall, d / wall }'
fi
c1_herald=$(cpu $herald_pid); c1_sim=$(cpu $sim_pid); c1_redis=$(redis_cpu); cmd1=$(commands)
if [ -n "${CLUSTER:-}" ]; then
  index=0
  for pid in "${redis_pids[@]}"; do
    awk -v c=$(( $(cpu "$pid") - per_master0[index] )) -v hz="$(getconf CLK_TCK)" -v n="$messages" -v node="${nodes[index]}" \
      -v keys="$(redis-cli -p "${nodes[index]#*:}" dbsize)" \
      'BEGIN { printf "master %s: redis cpu %.1f us per message, %d keys\n", node, c/hz/n*1e6, keys }'
    index=$((index + 1))
  done
fi
rt1=$(traffic round_trips); rq1=$(traffic requests)
awk -v h=$((c1_herald - c0_herald)) -v s=$((c1_sim - c0_sim)) -v r=$((c1_redis - c0_redis)) -v hz="$hz" \
    -v n="$messages" -v c=$((cmd1 - cmd0)) -v wall="$(echo "$end - $start" | bc)" \
    -v rt="$(echo "$rt1 - $rt0" | bc)" -v rq="$(echo "$rq1 - $rq0" | bc)" 'BEGIN {
  printf "cpu seconds: herald %.2f  simulator %.2f  redis %.2f  (wall %.1f s)\n", h/hz, s/hz, r/hz, wall
  printf "cpu per message: herald %.1f us  simulator %.1f us  redis %.1f us\n", h/hz/n*1e6, s/hz/n*1e6, r/hz/n*1e6
  printf "redis commands per message: %.2f (includes the load generator reading results back)\n", c/n
  if (rt > 0) printf "herald redis round trips per message: %.2f (requests %.2f)\n", rt/n, rq/n
}'
rcli info commandstats | grep -E "evalsha|xreadgroup|xautoclaim|hmget|xack|hset|xadd|xdel|set:|get:" | cut -d, -f1-2 || true
