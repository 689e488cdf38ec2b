#!/usr/bin/env bash
# Short-link redirects with clicks recorded (issue 9: at least 15,000/s with
# wrk, 64 connections, Redis on this machine). A fresh redis-server (AOF
# everysec) on a Unix socket, `herald serve`, one link, then wrk fetching it
# as a phone browser would. Afterwards the link's recorded clicks must equal
# the redirects wrk counted: nothing is dropped to go fast.
#
#   loadtest/redirect.sh                # 64 connections, 15 s
#   CONNECTIONS=128 DURATION=30 loadtest/redirect.sh
set -euo pipefail
cd "$(dirname "$0")/.."
herald=${HERALD_BIN:-$(swift build -c release --show-bin-path)/herald}
connections=${CONNECTIONS:-64}
duration=${DURATION:-15}
work=$(mktemp -d /tmp/herald-redirect.XXXXXX)
sock=$work/redis.sock
port=${API_PORT:-18180}
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "redirect.sh needs wrk (apt-get install wrk)" >&2; exit 1; }

redis-server --port 0 --unixsocket "$sock" --dir "$work" --appendonly yes --appendfsync everysec --save "" \
  --logfile "$work/redis.log" --daemonize no &
pids+=($!); redis_pid=$!
for _ in $(seq 100); do redis-cli -s "$sock" ping >/dev/null 2>&1 && break; sleep 0.05; done
env -i PATH="$PATH" HOME="$work" HERALD_DATA_DIR="$work/data" HERALD_REDIS_URL="unix://$sock" HERALD_HTTP_PORT=$port \
  HERALD_SIMULATOR_PORT=$((port + 1)) HERALD_APNS_SIMULATOR_PORT=$((port + 2)) HERALD_LOG_LEVEL=warning \
  "$herald" serve > "$work/herald.log" 2>&1 &
pids+=($!); herald_pid=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.05; done

code=$(curl -sf -X POST "http://127.0.0.1:$port/v1/links" -H 'Content-Type: application/json' \
  -d '{"url":"https://shop.example.com/spring-sale?utm_source=sms"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
cat > "$work/phone.lua" <<'LUA'
wrk.headers["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
LUA
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
h0=$(cpu $herald_pid); r0=$(cpu $redis_pid)
wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$work/phone.lua" "http://127.0.0.1:$port/s/$code" | tee "$work/wrk.txt"
h1=$(cpu $herald_pid); r1=$(cpu $redis_pid)
requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
non3xx=$(awk '/Non-2xx or 3xx/ {print $NF}' "$work/wrk.txt"); non3xx=${non3xx:-0}
clicks=0
for _ in $(seq 100); do
  clicks=$(curl -sf "http://127.0.0.1:$port/v1/links/$code" | python3 -c 'import json,sys; print(json.load(sys.stdin)["clicks"])')
  [ "$clicks" -ge "$requests" ] && break; sleep 0.1
done
awk -v n="$requests" -v c="$clicks" -v h=$((h1 - h0)) -v r=$((r1 - r0)) -v hz="$hz" -v d="$duration" 'BEGIN {
  printf "redirects: %d in %d s = %.0f/s; clicks recorded %d\n", n, d, n / d, c
  printf "cpu per redirect: herald %.1f us  redis %.1f us\n", h/hz/n*1e6, r/hz/n*1e6
}'
[ "$non3xx" = 0 ] || { echo "redirect.sh: $non3xx replies were not 302" >&2; exit 1; }
# wrk stops counting with up to one request per connection still in flight: those are served and recorded too.
[ "$clicks" -ge "$requests" ] && [ "$clicks" -le $((requests + connections)) ] \
  || { echo "redirect.sh: $requests redirects but $clicks clicks recorded" >&2; exit 1; }
