#!/usr/bin/env bash
# Redis memory per sent and delivered message: a fresh redis-server (no AOF,
# so nothing but the data counts), the simulators (Twilio's posts a delivered
# receipt for each), `herald serve`, and N SMS accepted in batches of 1,000;
# once every one is delivered, prints used_memory growth per message (INFO
# memory, before and after), one message hash's MEMORY USAGE, encoding and
# fields, and the keys left besides the message hashes. Extra arguments go to
# redis-server, e.g. Redis's default hash encoding limits:
#   N=100000 loadtest/sent-memory.sh                                   # as Herald's sandbox runs Redis
#   N=100000 loadtest/sent-memory.sh --hash-max-listpack-value 64      # Redis's default
set -euo pipefail
cd "$(dirname "$0")/.."
herald=${HERALD_BIN:-$(swift build -c release --show-bin-path)/herald}
bench=${HERALD_BENCH_BIN:-$(dirname "$herald")/herald-bench}
n=${N:-100000}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
api_port=$(free_port)
sim_port=$(free_port)
work=$(mktemp -d /tmp/herald-mems.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no --daemonize no \
  --hash-max-listpack-value 1024 "$@" > "$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$redis_port" ping > /dev/null 2>&1 && break; sleep 0.1; done
env -i PATH="$PATH" HOME="$work" HERALD_DATA_DIR="$work/herald" HERALD_REDIS_URL="redis://127.0.0.1:$redis_port" \
  HERALD_HTTP_PORT="$api_port" HERALD_LOG_LEVEL=error HERALD_SIMULATOR_URL="http://127.0.0.1:$sim_port" \
  HERALD_APNS_SIMULATOR_URL="https://127.0.0.1:$((sim_port + 1))" "$herald" serve > "$work/herald.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$api_port/ready" > /dev/null && break; sleep 0.2; done
# After Herald, which draws the sandbox's provider secrets in its data directory.
"$bench" simulate --port "$sim_port" --herald-url "http://127.0.0.1:$api_port" --statuses sent,delivered \
  --data-dir "$work/herald" > "$work/sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$sim_port/" && break; sleep 0.1; done
used() { redis-cli -p "$redis_port" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p' | tr -d '\r'; }
# One message first, so the keys every message shares (streams, groups, stats, scripts) exist before counting.
"$bench" loadtest --port "$api_port" --mode single --messages 1 --connections 1 --redis-url "redis://127.0.0.1:$redis_port" > /dev/null
before=$(used)
# The load generator follows every message to its delivered receipt before it reports.
"$bench" loadtest --port "$api_port" --mode batch --batch-size 1000 --messages "$n" --connections 4 --redis-url "redis://127.0.0.1:$redis_port" > "$work/load.txt"
after=$(used)
key=$(redis-cli -p "$redis_port" --scan --pattern 'herald:*:m:*' | head -1 || true)
others=$(redis-cli -p "$redis_port" --scan --pattern '*' | grep -vc ':m:' || true)
echo "sent and delivered $n SMS: $(( (after - before) / n )) bytes of Redis per message;" \
  "one message hash: $(redis-cli -p "$redis_port" memory usage "$key") bytes," \
  "$(redis-cli -p "$redis_port" object encoding "$key"), $(redis-cli -p "$redis_port" hlen "$key") fields;" \
  "$others other keys"
grep -E "delivered|accepted" "$work/load.txt" | head -3
