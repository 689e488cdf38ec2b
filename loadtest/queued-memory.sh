#!/usr/bin/env bash
# Redis memory per queued message: `herald api` alone on a fresh redis-server
# (no AOF), N SMS accepted in batches of 1,000 and not sent; prints used_memory
# growth per message and one message hash's MEMORY USAGE and encoding. Extra
# arguments go to redis-server, e.g. to compare encodings:
#   N=50000 loadtest/queued-memory.sh
#   N=50000 loadtest/queued-memory.sh --hash-max-listpack-value 1024
set -euo pipefail
cd "$(dirname "$0")/.."
herald=${HERALD_BIN:-$(swift build -c release --show-bin-path)/herald}
bench=${HERALD_BENCH_BIN:-$(dirname "$herald")/herald-bench}
n=${N:-50000}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
api_port=$(free_port)
work=$(mktemp -d /tmp/herald-memq.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no --daemonize no "$@" \
  > "$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$redis_port" ping > /dev/null 2>&1 && break; sleep 0.1; done
env -i PATH="$PATH" HOME="$work" HERALD_DATA_DIR="$work/herald" HERALD_REDIS_URL="redis://127.0.0.1:$redis_port" \
  HERALD_HTTP_PORT="$api_port" HERALD_LOG_LEVEL=error HERALD_SIMULATOR_URL=http://127.0.0.1:1 "$herald" api \
  > "$work/herald.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$api_port/ready" > /dev/null && break; sleep 0.2; done
used() { redis-cli -p "$redis_port" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p' | tr -d '\r'; }
before=$(used)
"$bench" loadtest --port "$api_port" --mode batch --batch-size 1000 --messages "$n" --connections 4 --accept-only \
  > "$work/load.txt"
after=$(used)
key=$(redis-cli -p "$redis_port" --scan --pattern 'herald:*:m:*' | head -1)
echo "queued $n SMS: $(( (after - before) / n )) bytes of Redis per message;" \
  "one message hash: $(redis-cli -p "$redis_port" memory usage "$key") bytes," \
  "$(redis-cli -p "$redis_port" object encoding "$key"), $(redis-cli -p "$redis_port" hlen "$key") fields"
