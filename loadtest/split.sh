#!/usr/bin/env bash
# Where a message's CPU goes, split in its two halves, on compare.sh's work
# (../shared/peers: wrk posting single SMS, the nginx mock as Twilio):
#   ingress: `herald api` alone, wrk for DURATION s (32 connections, one thread);
#   egress:  `herald worker` alone, draining that backlog to the mock.
# For each: messages per second and the CPU per message of Herald and of its
# redis-server (AOF everysec), read from /proc.
#   loadtest/split.sh HERALD_RELEASE_BINARY [DURATION=8]
# Needs wrk, nginx, redis-server (apt-get install wrk nginx redis-server).
# Loopback only, bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
herald=$(realpath "$1")
duration=${2:-8}
peers=${PEERS:-$(realpath ../shared/peers)}
work=$(mktemp -d /tmp/herald-split.XXXXXX)
rport=${REDIS_PORT:-16391}; hport=${HTTP_PORT:-23090}
pids=()
started_mock=0
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true
  [ "$started_mock" = 1 ] && "$peers/mock_provider.sh" stop > /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ "$("$peers/mock_provider.sh" status)" != running ]; then "$peers/mock_provider.sh" start > /dev/null; started_mock=1; fi
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync everysec --dir "$work" \
  --logfile "$work/redis.log" --daemonize no &
pids+=($!); redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$rport" ping > /dev/null 2>&1 && break; sleep 0.1; done
run() {
  HERALD_REDIS_URL="redis://127.0.0.1:$rport" HERALD_HTTP_PORT=$hport HERALD_API_KEYS=bench-key \
  HERALD_PUBLIC_URL="http://127.0.0.1:$hport" HERALD_TWILIO_BASE_URL="http://127.0.0.1:18080" \
  HERALD_TWILIO_ACCOUNT_SID="AC00000000000000000000000000000042" HERALD_TWILIO_AUTH_TOKEN=bench-token \
  HERALD_TWILIO_FROM="+15005550006" HERALD_LOG_LEVEL=warning HERALD_DATA_DIR="$work/herald" \
    "$herald" "$1" > "$work/herald-$1.log" 2>&1 &
  pids+=($!); herald_pid=$!
}
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# With STATS=1, Redis's own account of each half: calls and microseconds per
# command (a script's inner commands are listed too, and included in its time).
commandstats() {
  [ -n "${STATS:-}" ] || return 0
  redis-cli -p "$rport" info commandstats | tr -d '\r' | awk -F'[:=,]' -v n="$1" '/^cmdstat_/ {
    printf "  %-22s %8.2f calls per message, %7.2f us per call, %6.2f us per message\n", substr($1, 9), $3 / n, $7, $5 / n }' |
    sort -t, -k3 -rn | head -14
}
report() { # label messages seconds herald_ticks redis_ticks
  awk -v l="$1" -v n="$2" -v s="$3" -v h="$4" -v r="$5" -v hz="$hz" 'BEGIN {
    printf "%s: %d messages, %.0f msgs/s, herald %.1f us CPU per message, redis %.1f us\n", l, n, n / s, 1e6 * h / hz / n, 1e6 * r / hz / n }'
}
run api
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$hport/ready" > /dev/null && break; sleep 0.2; done
cat > "$work/post.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local body = '{"channel":"sms","to":"+1555' .. string.format("%07d", n) .. '","content":{"body":"hello world ' .. n .. '"}}'
  return wrk.format("POST", "/v1/messages", {["Content-Type"]="application/json", ["Authorization"]="Bearer bench-key"}, body)
end
LUA
redis-cli -p "$rport" config resetstat > /dev/null
h0=$(cpu "$herald_pid"); r0=$(cpu "$redis_pid"); t0=$(date +%s.%N)
out=$(wrk -t1 -c32 -d"${duration}s" -s "$work/post.lua" "http://127.0.0.1:$hport/")
t1=$(date +%s.%N); h1=$(cpu "$herald_pid"); r1=$(cpu "$redis_pid")
total=$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
non2xx=$(echo "$out" | sed -n 's/.*Non-2xx or 3xx responses: \([0-9]*\).*/\1/p')
[ -n "$total" ] || { echo "wrk's report could not be read:" >&2; echo "$out" >&2; exit 1; }
accepted=$((total - ${non2xx:-0}))
[ "$accepted" -gt 0 ] || { echo "herald api accepted nothing (see $work/herald-api.log)" >&2; exit 1; }
report "ingress (herald api)" "$accepted" "$(echo "$t1 - $t0" | bc)" $((h1 - h0)) $((r1 - r0))
commandstats "$accepted"
kill "$herald_pid"; wait "$herald_pid" 2>/dev/null || true
"$peers/mock_provider.sh" reset > /dev/null
redis-cli -p "$rport" config resetstat > /dev/null
run worker
h0=$(cpu "$herald_pid"); r0=$(cpu "$redis_pid"); t0=$(date +%s.%N)
deadline=$((SECONDS + 300))
while [ $SECONDS -lt $deadline ]; do
  [ "$("$peers/mock_provider.sh" count --nowait)" -ge "$accepted" ] && break
  sleep 0.2
done
t1=$(date +%s.%N); h1=$(cpu "$herald_pid"); r1=$(cpu "$redis_pid")
sent=$("$peers/mock_provider.sh" count)
[ "$sent" -ge "$accepted" ] || { echo "egress: only $sent of $accepted reached the mock within 300 s" >&2; exit 1; }
report "egress (herald worker)" "$sent" "$(echo "$t1 - $t0" | bc)" $((h1 - h0)) $((r1 - r0))
commandstats "$sent"
