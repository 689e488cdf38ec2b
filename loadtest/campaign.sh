#!/usr/bin/env bash
# Campaign benchmarks (issue 18), on loopback with a fresh redis-server (AOF everysec).
#
#   loadtest/campaign.sh import 1000000     # import N recipients by CSV (one call) and by JSON (calls of 10,000):
#                                           # recipients a second, and Redis memory per pending recipient
#   loadtest/campaign.sh variants 100000    # the dispatch series again, a campaign of two variants against one of
#                                           # one content, alternated: the variants' ratio
#   loadtest/campaign.sh conversions 100000 # a campaign of N people sent, then POST /v1/conversions by person and
#                                           # campaign for SECONDS_RUN (10) with wrk: conversions a second
#                                           # (BATCH=100: POST /v1/conversions/batch of 100, CONNECTIONS=8)
#   loadtest/campaign.sh results 1000000    # a campaign of N people with two variants and a holdout, all released:
#                                           # GET …/results latency (median, p99 of 500) at the end
#   loadtest/campaign.sh dispatch 100000    # N messages sent from a campaign at an unlimited rate against
#                                           # `herald-bench simulate`, against N plain messages batch-enqueued
#                                           # while the same worker sends them; ROUNDS (3) alternated rounds
#
# The dispatch rate of each is N / (time from the first enqueue, or the campaign's start, to the last
# `sent`), read from /v1/stats: both include making the messages and sending them.
# Both are transactional by default, so both pay the same policies; CATEGORY=marketing makes the campaign
# marketing (frequency caps, quiet hours and the opt-out text then apply to it alone).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-import}
n=${2:-100000}
herald=${HERALD_BIN:-$(swift build -c release --show-bin-path)/herald}
bench=${HERALD_BENCH_BIN:-$(dirname "$herald")/herald-bench}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
work=$(mktemp -d /tmp/herald-campaign.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

start_redis() {
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --appendonly "${AOF:-yes}" --appendfsync everysec --save "" \
    --logfile "$work/redis.log" --daemonize no &
  redis_pid=$!; pids+=($redis_pid)
  for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done
}
used() { redis-cli -p "$redis_port" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p' | tr -d '\r'; }
start_herald() {  # role port
  env -i PATH="$PATH" HOME="$work" HERALD_DATA_DIR="$work/herald" HERALD_REDIS_URL="redis://127.0.0.1:$redis_port" \
    HERALD_HTTP_PORT="$2" HERALD_LOG_LEVEL=warning HERALD_SIMULATOR_URL="http://127.0.0.1:${sim_port:-1}" \
    HERALD_APNS_SIMULATOR_URL="https://127.0.0.1:$(( ${sim_port:-1} + 1 ))" HERALD_DISPATCH_CONCURRENCY=256 \
    "$herald" "$1" >> "$work/herald-$1.log" 2>&1 &
  last_pid=$!; pids+=($last_pid)
  if [ "$1" != worker ]; then for _ in $(seq 200); do curl -sf "http://127.0.0.1:$2/ready" >/dev/null && break; sleep 0.05; done; fi
}
csv() {  # count offset → a CSV of count people with a name each
  awk -v n="$1" -v o="$2" 'BEGIN { print "to,user_id,name"; for (i = 0; i < n; i++) printf "+1415%07d,u%d,Ann%d\n", (o + i) % 10000000, o + i, i }'
}
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }

if [ "$mode" = import ]; then
  start_redis
  api_port=$(free_port)
  start_herald api "$api_port"
  base="http://127.0.0.1:$api_port"
  csv "$n" 0 > "$work/audience.csv"
  python3 - "$n" "$work" <<'PY'
import json, sys
n, work = int(sys.argv[1]), sys.argv[2]
for part in range((n + 9999) // 10000):
    rows = [{"to": "+1416%07d" % (i % 10000000), "user_id": "j%d" % i, "data": {"name": "Bo%d" % i}}
            for i in range(part * 10000, min(n, (part + 1) * 10000))]
    open("%s/part%05d.json" % (work, part), "w").write(json.dumps({"recipients": rows}))
PY
  for id in bycsv byjson; do
    curl -sf -X POST "$base/v1/campaigns" -H 'Content-Type: application/json' \
      -d "{\"id\":\"$id\",\"channel\":\"sms\",\"content\":{\"body\":\"Hi {{name}}\"}}" > /dev/null
  done
  cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
  hz=$(getconf CLK_TCK)
  h0=$(cpu "$last_pid"); r0=$(cpu "$redis_pid")
  m0=$(used); t0=$(now)
  [ -n "${PERF:-}" ] && { perf record -g -o "$PERF" -p "$last_pid" > /dev/null 2>&1 & perf_pid=$!; sleep 0.5; }
  curl -sf -X POST "$base/v1/campaigns/bycsv/recipients" -H 'Content-Type: text/csv' --data-binary "@$work/audience.csv" \
    -o "$work/csv-reply.json"
  [ -n "${PERF:-}" ] && { kill -INT "$perf_pid"; wait "$perf_pid" || true; }
  t1=$(now); m1=$(used)
  h1=$(cpu "$last_pid"); r1=$(cpu "$redis_pid")
  # JSON calls of 10,000, JSON_CLIENTS (2) at a time, as an importer with a connection per core would send them.
  ls "$work"/part*.json | xargs -P "${JSON_CLIENTS:-2}" -I{} \
    curl -sf -X POST "$base/v1/campaigns/byjson/recipients" -H 'Content-Type: application/json' --data-binary @{} -o /dev/null
  t2=$(now); m2=$(used)
  h2=$(cpu "$last_pid"); r2=$(cpu "$redis_pid")
  echo "csv reply: $(head -c 120 "$work/csv-reply.json")"
  [ -n "${STATS:-}" ] && redis-cli -p "$redis_port" info commandstats | grep -E "evalsha|sadd|rpush|expire|setbit|hincrby" || true
  echo "import by CSV:  $n recipients in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s = $(rate "$n" "$t0" "$t1") recipients/s"
  echo "import by JSON: $n recipients in $(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.2f", b-a}') s = $(rate "$n" "$t1" "$t2") recipients/s (calls of 10,000, ${JSON_CLIENTS:-2} at a time)"
  awk -v n="$n" -v hz="$hz" -v a=$((h1 - h0)) -v b=$((r1 - r0)) -v c=$((h2 - h1)) -v d=$((r2 - r1)) 'BEGIN {
    printf "cpu per recipient: CSV herald %.1f us, redis %.1f us; JSON herald %.1f us, redis %.1f us\n", a/hz/n*1e6, b/hz/n*1e6, c/hz/n*1e6, d/hz/n*1e6 }'
  echo "Redis memory per pending recipient: CSV $(( (m1 - m0) / n )) bytes, JSON $(( (m2 - m1) / n )) bytes (used_memory growth)"
  list=$(redis-cli -p "$redis_port" --scan --pattern 'herald:{cmp}:p:bycsv:*' | head -1 || true)
  bucket=$(redis-cli -p "$redis_port" --scan --pattern 'herald:{cmp}:d:bycsv:*' | head -1 || true)
  echo "pending list $list: $(redis-cli -p "$redis_port" llen "$list") records, $(redis-cli -p "$redis_port" memory usage "$list" samples 0) bytes, $(redis-cli -p "$redis_port" object encoding "$list")"
  echo "dedup set $bucket: $(redis-cli -p "$redis_port" scard "$bucket") members, $(redis-cli -p "$redis_port" memory usage "$bucket") bytes, $(redis-cli -p "$redis_port" object encoding "$bucket")"
  echo "one record: $(redis-cli -p "$redis_port" lindex "$list" 0 | tr '\037' '|')"
  exit 0
fi

# dispatch: the simulator, then per round a plain backlog and a campaign, each drained by one worker.
sim_port=$(free_port)
api_port=$(free_port)
start_redis
"$bench" simulate --port "$sim_port" --data-dir "$work/herald" --herald-url "http://127.0.0.1:$api_port" --callback-delay-ms 20 --statuses sent,delivered \
  > "$work/sim.log" 2>&1 &
pids+=($!)
start_herald api "$api_port"
api_pid=$last_pid
base="http://127.0.0.1:$api_port"
sent() {  # campaign (or empty) → messages sent so far
  curl -sf "$base/v1/stats${1:+?campaign=$1}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["sent"])'
}
wait_sent() {  # campaign target
  while [ "$(sent "$1")" -lt "$2" ]; do sleep 0.1; done
}
started_campaign() {  # id definition-json-tail → imports N people (user ids offset by the round) and starts it
  curl -sf -X POST "$base/v1/campaigns" -H 'Content-Type: application/json' \
    -d "{\"id\":\"$1\",\"channel\":\"sms\",\"category\":\"transactional\",$2}" > /dev/null
  csv "$n" "${3:-0}" | cut -d, -f1,2 | curl -sf -X POST "$base/v1/campaigns/$1/recipients" -H 'Content-Type: text/csv' --data-binary @- > /dev/null
  t0=$(now); curl -sf -X POST "$base/v1/campaigns/$1/start" > /dev/null
}
ab='"variants":[{"name":"A","content":{"body":"hello A"},"weight":1},{"name":"B","content":{"body":"hello B"},"weight":1}]'
if [ "$mode" = variants ]; then
  start_herald worker 0
  for round in $(seq "${ROUNDS:-3}"); do
    # Alternated: odd rounds run the one-content campaign first, even rounds the variants first.
    for kind in $([ $((round % 2)) = 1 ] && echo "one ab" || echo "ab one"); do
      if [ "$kind" = one ]; then
        started_campaign "one$round" '"content":{"body":"hello A"}' $((round * 2 * n)); wait_sent "one$round" "$n"; t1=$(now)
        one=$(rate "$n" "$t0" "$t1")
      else
        started_campaign "ab$round" "$ab" $(((round * 2 + 1) * n)); wait_sent "ab$round" "$n"; t1=$(now)
        two=$(rate "$n" "$t0" "$t1")
      fi
    done
    echo "round $round: one content $one msgs/s, two variants $two msgs/s, ratio $(awk -v a="$two" -v b="$one" 'BEGIN{printf "%.2f", a/b}')"
  done
  exit 0
fi
if [ "$mode" = conversions ]; then
  start_herald worker 0
  started_campaign conv '"content":{"body":"hello"},"conversion":{"window":"P1D"}'
  # The simulator posts no receipts here (no public URL): each window opens at `sent_at`.
  wait_sent conv "$n"
  # Every request a new event of a sent person, with its own idempotency key: each is counted once,
  # none is a replay or a duplicate (wrk's threads and rounds each get their own prefix).
  cat > "$work/conversion.lua" <<'LUA'
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n, i = tonumber(os.getenv("N")), 0
local batch = tonumber(os.getenv("BATCH"))
local at = os.date("!%Y-%m-%dT%H:%M:%SZ")
local function item()
  i = i + 1
  local tag = os.getenv("RUN") .. "-" .. tid .. "-" .. math.floor(i / n)
  return '{"event":"e' .. tag .. '","occurred_at":"' .. at .. '","idempotency_key":"k' .. tag .. '-' .. i
    .. '","user_id":"u' .. ((i * 7919 + tid * 104729) % n) .. '","campaign":"conv"}'
end
request = function()
  if batch <= 1 then
    return wrk.format("POST", "/v1/conversions", {["Content-Type"] = "application/json"}, item())
  end
  local items = {}
  for k = 1, batch do items[k] = item() end
  return wrk.format("POST", "/v1/conversions/batch", {["Content-Type"] = "application/json"},
    '{"conversions":[' .. table.concat(items, ",") .. ']}')
end
LUA
  cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
  hz=$(getconf CLK_TCK)
  for round in $(seq "${ROUNDS:-3}"); do
    h0=$(cpu "$api_pid"); r0=$(cpu "$redis_pid"); c0=$(curl -sf "$base/v1/stats?campaign=conv" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["converted"])')
    [ -n "${STATS:-}" ] && redis-cli -p "$redis_port" config resetstat > /dev/null
    N=$n BATCH=${BATCH:-1} RUN="r$round$RANDOM" wrk -t 2 -c "${CONNECTIONS:-64}" -d "${SECONDS_RUN:-10}s" -s "$work/conversion.lua" "$base" > "$work/wrk.txt"
    h1=$(cpu "$api_pid"); r1=$(cpu "$redis_pid"); c1=$(curl -sf "$base/v1/stats?campaign=conv" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["converted"])')
    reqs=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/wrk.txt")
    non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$work/wrk.txt")
    awk -v q="$(awk -v a="$reqs" -v b="${BATCH:-1}" 'BEGIN{print a*b}')" -v c=$((c1 - c0)) -v s="${SECONDS_RUN:-10}" -v hz="$hz" -v h=$((h1 - h0)) -v r=$((r1 - r0)) -v bad="${non2xx:-0}" 'BEGIN {
      printf "round: %.0f conversions/s (wrk), %d counted in stats (%.0f/s), non-2xx %d; cpu per counted conversion herald %.1f us, redis %.1f us\n",
        q, c, c / s, bad, h / hz / c * 1e6, r / hz / c * 1e6 }'
    grep -E "Latency" "$work/wrk.txt"
    [ -n "${STATS:-}" ] && redis-cli -p "$redis_port" info commandstats | grep -E "calls=[0-9]{4}" | tr -d '\r' || true
  done
  exit 0
fi
if [ "$mode" = results ]; then
  # No worker: the messages stay queued (sending them all would take most of an hour here); what results
  # read (the campaign hash and a few stats hashes per group and day) is the same size either way.
  started_campaign big "$ab,\"holdout_percent\":10"
  while [ "$(curl -sf "$base/v1/campaigns/big" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" != completed ]; do sleep 1; done
  echo "campaign big: $n recipients, $(curl -sf "$base/v1/stats?campaign=big" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["accepted"])') messages, completed in $(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.0f", b-a}') s"
  for metric in click_rate conversion_rate; do
    for _ in $(seq 20); do curl -sf -o /dev/null "$base/v1/campaigns/big/results?metric=$metric"; done
    for _ in $(seq 500); do curl -sf -o /dev/null -w '%{time_total}\n' "$base/v1/campaigns/big/results?metric=$metric"; done | sort -n |
      awk -v m="$metric" '{ t[NR] = $1 } END { printf "results (%s): median %.2f ms, p99 %.2f ms over %d requests (curl time_total, new connection each)\n", m, t[int(NR/2)] * 1000, t[int(NR*0.99)] * 1000, NR }'
  done
  curl -sf "$base/v1/campaigns/big/results" | python3 -c 'import json,sys; r=json.load(sys.stdin); print([(g["name"], g["assigned"], g["sent"]) for g in r["groups"]])'
  exit 0
fi
for round in $(seq "${ROUNDS:-3}"); do
  # Plain: N messages batch-enqueued (batches of 1,000, 4 connections) while a worker sends them.
  before=$(sent "")
  start_herald worker 0; worker=$last_pid
  sleep 1
  t0=$(now)
  "$bench" loadtest --port "$api_port" --mode batch --batch-size 1000 --messages "$n" --connections 4 --accept-only > /dev/null
  wait_sent "" $((before + n)); t1=$(now)
  kill "$worker"; wait "$worker" 2>/dev/null || true
  plain=$(rate "$n" "$t0" "$t1")
  # Campaign: N recipients imported, the worker running, then started at an unlimited rate.
  id="round$round"
  curl -sf -X POST "$base/v1/campaigns" -H 'Content-Type: application/json' \
    -d "{\"id\":\"$id\",\"channel\":\"sms\",\"category\":\"${CATEGORY:-transactional}\",\"content\":{\"body\":\"hello\"}}" > /dev/null
  # The same messages as the plain ones: a number and a body, no user id or data.
  csv "$n" $((round * n)) | cut -d, -f1 | curl -sf -X POST "$base/v1/campaigns/$id/recipients" -H 'Content-Type: text/csv' --data-binary @- > /dev/null
  start_herald worker 0; worker=$last_pid
  sleep 1
  [ -n "${PERF:-}" ] && { perf record -g -o "$PERF.$round" -p "$api_pid" > /dev/null 2>&1 & perf_pid=$!; sleep 0.5; }
  t0=$(now); curl -sf -X POST "$base/v1/campaigns/$id/start" > /dev/null
  wait_sent "$id" "$n"; t1=$(now)
  [ -n "${PERF:-}" ] && { kill -INT "$perf_pid"; wait "$perf_pid" || true; }
  kill "$worker"; wait "$worker" 2>/dev/null || true
  campaign=$(rate "$n" "$t0" "$t1")
  echo "round $round: plain $plain msgs/s, campaign $campaign msgs/s, ratio $(awk -v a="$campaign" -v b="$plain" 'BEGIN{printf "%.2f", a/b}')"
done
