#!/usr/bin/env bash
# Measures the least CPU one HTTP exchange costs on this machine in SwiftNIO:
# `herald-bench floor` (NIO's HTTP codec + one synchronous handler, fixed 202 reply)
# driven by `herald-bench loadtest --accept-only` (a raw NIO client) over the same 64
# keep-alive connections as the end-to-end benchmark. Prints CPU µs per
# request on each side. With wrk installed, also drives the server with wrk.
#
#   loadtest/floor.sh 200000
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-200000}
herald=${HERALD_BIN:-$(swift build -c release --show-bin-path)/herald}
bench=${HERALD_BENCH_BIN:-$(dirname "$herald")/herald-bench}
port=${FLOOR_PORT:-18090}
"$bench" floor --port "$port" & server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

c0=$(cpu $server)
/usr/bin/time -f "client cpu %U %S" -o /tmp/floor-client.$$ "$bench" loadtest --port "$port" --mode single \
  --messages "$requests" --connections 64 --accept-only | grep -E "accepted/s|http errors"
c1=$(cpu $server)
read -r _ _ user sys < /tmp/floor-client.$$; rm -f /tmp/floor-client.$$
awk -v s=$((c1 - c0)) -v hz="$hz" -v n="$requests" -v u="$user" -v k="$sys" 'BEGIN {
  printf "swift client → floor server: server %.1f us/request, client %.1f us/request\n", s/hz/n*1e6, (u+k)/n*1e6 }'

if command -v wrk >/dev/null; then
  c0=$(cpu $server)
  wrk -t1 -c64 -d10s "http://127.0.0.1:$port/" | grep -E "Requests/sec|requests in" | tee /tmp/floor-wrk.$$
  c1=$(cpu $server)
  done_requests=$(awk '/requests in/ {print $1}' /tmp/floor-wrk.$$); rm -f /tmp/floor-wrk.$$
  awk -v s=$((c1 - c0)) -v hz="$hz" -v n="$done_requests" 'BEGIN {
    printf "wrk → floor server: server %.1f us/request\n", s/hz/n*1e6 }'
fi
