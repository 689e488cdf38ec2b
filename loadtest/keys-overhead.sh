#!/usr/bin/env bash
# What a stored, scoped key costs against a HERALD_API_KEYS key (issue 23:
# at least 97 % of the rate). One redis-server (AOF everysec, Unix socket),
# one `herald api` holding both kinds of key, and wrk POSTing single SMS to
# /v1/messages with one bearer or the other, runs alternated (flat, scoped,
# flat, …) so drift on a shared machine falls on both. Ingress alone is
# measured: it is the half a key check is part of, so the ratio is the
# harshest one; end to end the check is a smaller share still.
#
#   loadtest/keys-overhead.sh                 # 3 runs of each, 8 s, 32 connections
#   RUNS=5 DURATION=10 loadtest/keys-overhead.sh
set -euo pipefail
cd "$(dirname "$0")/.."
herald=${HERALD_BIN:-$(swift build -c release --scratch-path .build-release --show-bin-path)/herald}
runs=${RUNS:-3}
duration=${DURATION:-8}
connections=${CONNECTIONS:-32}
port=${API_PORT:-18280}
work=$(mktemp -d /tmp/herald-keys.XXXXXX)
sock=$work/redis.sock
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "keys-overhead.sh needs wrk (apt-get install wrk)" >&2; exit 1; }

redis-server --port 0 --unixsocket "$sock" --dir "$work" --appendonly yes --appendfsync everysec --save "" \
  --logfile "$work/redis.log" --daemonize no &
pids+=($!); redis_pid=$!
for _ in $(seq 100); do redis-cli -s "$sock" ping >/dev/null 2>&1 && break; sleep 0.05; done
settings=(PATH="$PATH" HOME="$work" HERALD_DATA_DIR="$work/data" HERALD_REDIS_URL="unix://$sock" HERALD_LOG_LEVEL=warning)
scoped=$(env -i "${settings[@]}" "$herald" keys create --name bench --scopes send | awk '/^secret/ {print $2}')
flat=bench-flat-key-$(date +%s%N)
# The Twilio account is never called: `herald api` only accepts and stores.
env -i "${settings[@]}" HERALD_API_KEYS="$flat" HERALD_HTTP_PORT=$port HERALD_PUBLIC_URL="http://127.0.0.1:$port" \
  HERALD_TWILIO_BASE_URL=http://127.0.0.1:9 HERALD_TWILIO_ACCOUNT_SID=AC00000000000000000000000000000042 \
  HERALD_TWILIO_AUTH_TOKEN=bench-token HERALD_TWILIO_FROM=+15005550006 \
  "$herald" api > "$work/herald.log" 2>&1 &
pids+=($!); herald_pid=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.05; done

cat > "$work/post.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"channel":"sms","to":"+1555%07d","content":{"body":"bench %d"}}', n % 10000000, n)
  return wrk.format("POST", "/v1/messages", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("BEARER")}, body)
end
LUA
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
measure() { # label bearer
  local h0 r0 h1 r1 requests non2xx
  h0=$(cpu $herald_pid); r0=$(cpu $redis_pid)
  BEARER=$2 wrk -t1 -c"$connections" -d"${duration}s" -s "$work/post.lua" "http://127.0.0.1:$port" > "$work/wrk.txt"
  h1=$(cpu $herald_pid); r1=$(cpu $redis_pid)
  requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt"); non2xx=${non2xx:-0}
  [ "$non2xx" = 0 ] || { echo "keys-overhead.sh: $non2xx replies were not 2xx with the $1 key" >&2; exit 1; }
  awk -v l="$1" -v n="$requests" -v d="$duration" -v h=$((h1 - h0)) -v r=$((r1 - r0)) -v hz="$hz" \
    'BEGIN { printf "%s %.0f %.1f\n", l, n / d, (h + r) / hz / n * 1e6 }' | tee -a "$work/results.txt"
}
# One warm-up run of each, not counted.
DURATION_SAVED=$duration; duration=2
measure warm "$flat" > /dev/null; measure warm "$scoped" > /dev/null
duration=$DURATION_SAVED; : > "$work/results.txt"
for _ in $(seq "$runs"); do measure flat "$flat"; measure scoped "$scoped"; done
python3 - "$work/results.txt" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
rate = {k: statistics.median(float(r[1]) for r in rows if r[0] == k) for k in ("flat", "scoped")}
cpu = {k: statistics.median(float(r[2]) for r in rows if r[0] == k) for k in ("flat", "scoped")}
print(f"flat key:   {rate['flat']:.0f} req/s, {cpu['flat']:.1f} us CPU per request (herald + redis)")
print(f"scoped key: {rate['scoped']:.0f} req/s, {cpu['scoped']:.1f} us CPU per request (herald + redis)")
print(f"scoped/flat rate: {rate['scoped'] / rate['flat']:.3f} (median of {len(rows) // 2} alternated runs)")
PY
