# Shared by the fault scripts: a private redis-server (AOF everysec) or a
# local Redis Cluster (start_cluster), the provider simulators (`herald-bench simulate`), Herald instances and the load
# generator (`herald-bench loadtest`), all on loopback and all stopped at exit;
# then the verdict line every script prints:
#   accepted N, terminal N, lost 0, duplicate sends K
# and the checks (assert_le, assert_ge, assert_traffic_flowing) that hold
# every other figure a script prints to a bound the script states.
# Exit status: 0 when every check held; 1 when anything accepted is lost or a
# check failed (a failed check is remembered, and the exit trap turns a later
# `exit 0` into 1); 2 when the run could not be judged: a report or a figure
# that cannot be read, a process that did not start.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
HERALD=${HERALD_BIN:-$(swift build -c release --show-bin-path)/herald}
# The load generator and the simulators: herald-bench, built beside herald.
HERALD_BENCH=${HERALD_BENCH_BIN:-$(dirname "$HERALD")/herald-bench}
MESSAGES=${MESSAGES:-5000}
WORK=$(mktemp -d /tmp/herald-fault.XXXXXX)
DATA=$WORK/data
PIDS=()

# Four free loopback ports: API, simulators, APNs simulator (the simulators' port + 1, as
# `herald-bench simulate` binds it), Redis.
read -r API_PORT SIM_PORT APNS_PORT REDIS_PORT < <(python3 - <<'PY'
import socket
def free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False
def any_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
while True:
    sim = any_port()
    if sim < 65000 and free(sim + 1):
        break
taken = {sim, sim + 1}
others = []
while len(others) < 2:
    port = any_port()
    if port not in taken:
        taken.add(port)
        others.append(port)
print(others[0], sim, sim + 1, others[1])
PY
)
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"

CHECKS_FAILED=0

cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
  if [ "$status" -eq 0 ] && [ "$CHECKS_FAILED" -gt 0 ]; then
    echo "FAILED: $CHECKS_FAILED check(s) did not hold"
    exit 1
  fi
}
trap cleanup EXIT

log() { printf '[%s] %s\n' "$(date +%T)" "$*"; }

# Waits until a command succeeds, for at most $1 seconds.
wait_for() {
  local seconds=$1; shift
  for _ in $(seq $((seconds * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

start_redis() {
  mkdir -p "$WORK/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --appendonly yes --appendfsync everysec \
    --save "" --logfile "$WORK/redis/redis.log" --daemonize no &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  wait_for 10 redis-cli -p "$REDIS_PORT" ping || { echo "redis-server did not start"; exit 2; }
}

# start_cluster MASTERS REPLICAS: a local Redis Cluster instead of start_redis,
# AOF everysec on every node; start_herald and run_load then use it
# (HERALD_REDIS_CLUSTER). Sets CLUSTER_NODES (host:port of every node).
start_cluster() {
  local count=$(( $1 * (1 + $2) ))
  local ports
  read -r -a ports < <(python3 - "$((count * 2))" <<'PY'
import socket, sys
chosen, held = [], []
while len(chosen) < int(sys.argv[1]):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    held.append(s)
    if port not in chosen:
        chosen.append(port)
print(*chosen)
PY
)
  local pairs=() i
  for i in $(seq 0 $((count - 1))); do pairs+=("${ports[$((i * 2))]}:${ports[$((i * 2 + 1))]}"); done
  source loadtest/redis-cluster.sh
  local started=0
  redis_cluster_start "$WORK" "$2" "${pairs[@]}" && started=1
  PIDS+=("${REDIS_CLUSTER_PIDS[@]}")
  CLUSTER_NODES=("${REDIS_CLUSTER_NODES[@]}")
  [ "$started" = 1 ] || exit 2
  CLUSTER_SEEDS=$(IFS=,; echo "${CLUSTER_NODES[*]}")
}

# The Redis settings Herald and the load generator get: the cluster's seeds, or the one server's URL.
redis_env() {
  if [ -n "${CLUSTER_SEEDS:-}" ]; then echo "HERALD_REDIS_CLUSTER=$CLUSTER_SEEDS"; else echo "HERALD_REDIS_URL=$REDIS_URL"; fi
}

# cluster_failover KEY: CLUSTER FAILOVER on the replica of the master serving KEY's slot (a
# manual failover: the replica first catches up), waiting until it is master. Prints "old new".
cluster_failover() {
  local any=${CLUSTER_NODES[0]#*:}
  local slot
  slot=$(redis-cli -p "$any" cluster keyslot "$1")
  local pair
  pair=$(redis-cli -p "$any" cluster nodes | python3 -c '
import sys
slot = int(sys.argv[1])
nodes = [line.split() for line in sys.stdin if line.strip()]
def serves(fields):
    for part in fields[8:]:
        low, _, high = part.partition("-")
        if low.isdigit() and int(low) <= slot <= int(high or low):
            return True
    return False
master = next(f for f in nodes if "master" in f[2] and serves(f))
replica = next(f for f in nodes if "slave" in f[2] and f[3] == master[0])
print(master[1].split("@")[0], replica[1].split("@")[0])' "$slot")
  local old=${pair% *} new=${pair#* }
  redis-cli -p "${new##*:}" cluster failover > /dev/null
  wait_for 30 is_master "${new##*:}" || { echo "the replica $new never became master"; exit 2; }
  echo "$old $new"
}

is_master() { [ "$(redis-cli -p "$1" role | head -1)" = master ]; }

# start_simulators [herald-bench simulate options…]; sets SIM_PID, and SIM_STARTED_MS (epoch ms,
# just before the launch: an --outage-after-ms is counted from a little later).
start_simulators() {
  SIM_STARTED_MS=$(date +%s%3N)
  "$HERALD_BENCH" simulate --port "$SIM_PORT" --herald-url "http://127.0.0.1:$API_PORT" --data-dir "$DATA" \
    --callback-delay-ms 20 "$@" > "$WORK/simulators.log" 2>&1 &
  SIM_PID=$!
  PIDS+=("$SIM_PID")
  wait_for 20 curl -sf "http://127.0.0.1:$SIM_PORT/sim/stats" || { echo "simulators did not start"; exit 2; }
}

# start_herald NAME ROLE [VAR=value…]: a sandbox Herald on the shared Redis and simulators; sets HERALD_PID.
start_herald() {
  local name=$1 role=$2; shift 2
  env -i PATH="$PATH" HOME="$WORK" HERALD_DATA_DIR="$DATA" "$(redis_env)" \
    HERALD_HTTP_PORT="$API_PORT" HERALD_SIMULATOR_URL="http://127.0.0.1:$SIM_PORT" \
    HERALD_APNS_SIMULATOR_URL="https://127.0.0.1:$APNS_PORT" HERALD_CONSUMER_NAME="$name" HERALD_LOG_LEVEL=warning \
    "$@" "$HERALD" "$role" >> "$WORK/herald-$name.log" 2>&1 &
  HERALD_PID=$!
  PIDS+=("$HERALD_PID")
  if [ "$role" != worker ]; then
    wait_for 60 curl -sf "http://127.0.0.1:$API_PORT/ready" || { echo "herald $name did not start"; cat "$WORK/herald-$name.log"; exit 2; }
  fi
}

# run_load [herald-bench loadtest options…]: in the background; sets LOAD_PID, report in $WORK/load.txt.
run_load() {
  local redis_args=(--redis-url "$REDIS_URL")
  [ -n "${CLUSTER_SEEDS:-}" ] && redis_args=()
  env "$(redis_env)" "$HERALD_BENCH" loadtest --port "$API_PORT" "${redis_args[@]}" --messages "$MESSAGES" "$@" > "$WORK/load.txt" 2>&1 &
  LOAD_PID=$!
  PIDS+=("$LOAD_PID")
}

# The simulators' counters (GET /sim/stats), summed over every provider or for
# one: sim_stat accepted | requests | duplicate_recipients [PROVIDER]. Prints
# nothing when the simulators do not answer: the checks below then exit 2.
sim_stat() {
  curl -sf "http://127.0.0.1:$SIM_PORT/sim/stats" | python3 -c '
import json, sys
stats = json.load(sys.stdin)
field, provider = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None
print(stats[provider][field] if provider else sum(v[field] for v in stats.values()))' "$@" 2>/dev/null
}

# Accepted requests the provider simulators have taken so far (all providers).
sim_accepted() { sim_stat accepted; }

# Requests that reached the simulators so far, answered with success or not.
sim_requests() { sim_stat requests; }

# Whether the simulators have accepted at least $1 requests.
sim_reached() { [ "$(sim_accepted)" -ge "$1" ]; }

# Recipients a simulator accepted more than once: duplicate sends.
sim_duplicates() { sim_stat duplicate_recipients; }

# Messages the API instance on $API_PORT has accepted since it started
# (herald_messages_accepted_total over every channel); nothing when it does not answer.
api_accepted() {
  local metrics
  metrics=$(curl -sf "http://127.0.0.1:$API_PORT/metrics") || return 1
  awk '/^herald_messages_accepted_total/ { total += $NF } END { printf "%d\n", total }' <<< "$metrics"
}

# figure NAME COMMAND…: prints COMMAND's output when it is a number; exits 2
# otherwise. Call it as `x=$(figure NAME COMMAND…) || exit 2`.
figure() {
  local name=$1 value; shift
  value=$("$@" 2>/dev/null) || true
  require_number "$name" "$value"
  echo "$value"
}

# Stream entries read by a consumer and not finished, over every channel,
# priority and partition, on the one redis-server or on every cluster master
# (one pipelined XPENDING per node, so that it is quick to take at a fault).
pending_entries() {
  local ports=("$REDIS_PORT") total=0 port n
  if [ -n "${CLUSTER_SEEDS:-}" ]; then
    ports=()
    for node in "${CLUSTER_NODES[@]}"; do is_master "${node##*:}" && ports+=("${node##*:}"); done
  fi
  for port in "${ports[@]}"; do
    n=$(redis-cli -p "$port" --scan --pattern 'herald:*:q:*' | awk '{ print "XPENDING " $0 " dispatch" }' \
      | redis-cli -p "$port" --json 2>/dev/null | python3 -c '
import json, sys
total = 0
for line in sys.stdin:
    try:
        reply = json.loads(line)
    except ValueError:
        continue  # not a stream (WRONGTYPE) or no such group
    if isinstance(reply, list) and reply and isinstance(reply[0], int):
        total += reply[0]
print(total)') || return 1
    total=$((total + n))
  done
  echo "$total"
}

# --- checks ---------------------------------------------------------------
# Each prints one line, "check NAME: VALUE ≤ BOUND" when it holds and
# "FAILED NAME: …" when it does not. A failure is remembered, not returned
# (the script goes on printing its figures, and exits 1 at the end whatever
# it says). A VALUE or BOUND that is not a number means a figure could not be
# read: the script stops with exit 2 at once.

# require_number NAME VALUE: exits 2 unless VALUE is a number.
require_number() {
  [[ "$2" =~ ^-?[0-9]+([.][0-9]+)?$ ]] || { echo "cannot judge the run: $1 is '$2', not a number" >&2; exit 2; }
}

# check_bound NAME VALUE le|ge BOUND
check_bound() {
  local name=$1 value=$2 op=$3 bound=$4 sign
  require_number "$name" "$value"
  require_number "the bound of $name" "$bound"
  if [ "$op" = le ]; then sign="≤"; else sign="≥"; fi
  if awk -v v="$value" -v b="$bound" -v op="$op" 'BEGIN { exit !(op == "le" ? v + 0 <= b + 0 : v + 0 >= b + 0) }'; then
    echo "check $name: $value $sign $bound"
  else
    echo "FAILED $name: $value, not $sign $bound"
    CHECKS_FAILED=$((CHECKS_FAILED + 1))
  fi
}

# assert_le NAME VALUE BOUND: VALUE is at most BOUND.
assert_le() { check_bound "$1" "$2" le "$3"; }

# assert_ge NAME VALUE BOUND: VALUE is at least BOUND.
assert_ge() { check_bound "$1" "$2" ge "$3"; }

# assert_true NAME COMMAND…: COMMAND succeeds.
assert_true() {
  local name=$1; shift
  if "$@"; then echo "check $name"; else echo "FAILED $name"; CHECKS_FAILED=$((CHECKS_FAILED + 1)); fi
}

# Whether `sim_requests` / `api_accepted` has grown past $1.
sim_requests_above() { local now; now=$(sim_requests) && [ "${now:-0}" -gt "$1" ]; }
api_accepted_above() { local now; now=$(api_accepted) && [ "${now:-0}" -gt "$1" ]; }

# assert_traffic_flowing WHAT [SECONDS]: a fault (named WHAT) strikes a run
# that is still under way: the load generator is running, the API accepts new
# messages (its count grows within SECONDS, default 3: the fault meets new
# requests, not only a drain) and requests keep reaching the simulators (their
# count grows within SECONDS too). Call it at the moment of the fault, and
# again after it to show that traffic resumed. With NO_ACCEPT_CHECK=1 the API
# is not asked (no API instance on $API_PORT at that moment).
assert_traffic_flowing() {
  local what=$1 seconds=${2:-3} requests accepted
  requests=$(figure "simulator requests ($what)" sim_requests) || exit 2
  assert_true "load generator still running ($what)" kill -0 "$LOAD_PID"
  if [ -z "${NO_ACCEPT_CHECK:-}" ]; then
    accepted=$(figure "API accepted ($what)" api_accepted) || exit 2
    assert_true "the API accepts new messages within $seconds s ($what; $accepted so far)" \
      wait_for "$seconds" api_accepted_above "$accepted"
  fi
  assert_true "requests reach the simulators within $seconds s ($what; $requests so far)" \
    wait_for "$seconds" sim_requests_above "$requests"
}

# Waits for the load generator and checks its report, printing
#   accepted N, terminal N, lost N, duplicate sends K
# Delivered is the only good end: a message `failed`, `expired` (or any final
# status other than delivered) or still waiting for its receipt counts as lost,
# unless the scenario states that failures are expected: then it passes
#   --failed-at-most N   failures (any final status other than delivered) allowed, counted as terminal
# and the bound is checked. Other bounds the verdict checks:
#   --duplicates-at-most N   duplicate sends (default 0)
#   --accepted-at-least N    accepted messages (default 1: a run that accepted nothing proves nothing)
# Sets ACCEPTED DELIVERED FAILED AWAITING LOST DUPLICATES for further checks.
# Returns 1 when something was lost or a bound broke (remembered like any
# check); exits 2 when the load generator failed or its report cannot be read.
verdict() {
  local failed_max=0 failures_expected= duplicates_max=0 accepted_min=1
  while [ $# -gt 0 ]; do
    case $1 in
      --failed-at-most) failed_max=$2; failures_expected=1; shift 2 ;;
      --duplicates-at-most) duplicates_max=$2; shift 2 ;;
      --accepted-at-least) accepted_min=$2; shift 2 ;;
      *) echo "verdict: unknown option $1"; exit 2 ;;
    esac
  done
  wait "$LOAD_PID" || { echo "load generator failed:"; cat "$WORK/load.txt"; exit 2; }
  cat "$WORK/load.txt"
  local figures
  figures=$(load_figures "$WORK/load.txt") || { echo "cannot judge the run: the load report has no delivery line"; exit 2; }
  read -r ACCEPTED DELIVERED FAILED AWAITING <<< "$figures"
  DUPLICATES=$(sim_duplicates)
  require_number "duplicate sends" "$DUPLICATES"
  local terminal=$DELIVERED
  [ -n "$failures_expected" ] && terminal=$((DELIVERED + FAILED))
  LOST=$((ACCEPTED - terminal))
  echo "accepted $ACCEPTED, terminal $terminal, lost $LOST, duplicate sends $DUPLICATES"
  echo "accepted $ACCEPTED, terminal $terminal, lost $LOST, duplicate sends $DUPLICATES" > "$WORK/verdict"
  echo "delivered $DELIVERED, failed $FAILED (any final status but delivered), awaiting receipt $AWAITING"
  local before=$CHECKS_FAILED
  assert_le "lost" "$LOST" 0
  [ -z "$failures_expected" ] || assert_le "failed (expected here)" "$FAILED" "$failed_max"
  assert_le "duplicate sends" "$DUPLICATES" "$duplicates_max"
  assert_ge "accepted" "$ACCEPTED" "$accepted_min"
  [ "$CHECKS_FAILED" -eq "$before" ]
}

# after_fault_checks ACCEPTED_AT_FAULT SENT_AT_FAULT: after the verdict of a
# crash scenario whose client resends what replies say was not stored: no
# item's outcome was left unknown, and acceptance and sending both resumed
# after the fault (at least a tenth of the messages each).
after_fault_checks() {
  local resent unknown accepted_end sent_end
  read -r resent unknown < <(sed -n 's/^resent \([0-9]*\), outcome unknown \([0-9]*\)$/\1 \2/p' "$WORK/load.txt")
  require_number "messages resent" "${resent:-}"
  require_number "items of unknown outcome" "${unknown:-}"
  echo "resent because a reply said they were not stored: $resent; outcome unknown: $unknown"
  assert_le "items whose outcome was unknown" "$unknown" 0
  accepted_end=$(figure "accepted at the end" api_accepted) || exit 2
  sent_end=$(figure "sent at the end" sim_accepted) || exit 2
  echo "after the fault: $(( accepted_end - $1 )) accepted, $(( sent_end - $2 )) sent"
  assert_ge "accepted after the fault" $(( accepted_end - $1 )) $(( MESSAGES / 10 ))
  assert_ge "sent after the fault" $(( sent_end - $2 )) $(( MESSAGES / 10 ))
}

# load_figures REPORT: "accepted delivered failed awaiting" from a load report,
# or a non-zero status when it has no delivery line.
load_figures() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
line = re.search(r"^accepted (\d+)\s+dispatched \d+\s+delivered (\d+)\s+failed (\d+)\s+awaiting receipt (\d+)\s+lost \d+", text, re.M)
if not line:
    sys.exit(1)
print(*line.groups())
PY
}

# load_p99 REPORT: the request latency p99 of a load report, in ms; exits 2
# when absent (call it as `p99=$(load_p99 FILE) || exit 2`).
load_p99() {
  local p99
  p99=$(sed -n 's/^request latency .*p99 \([0-9.]*\) ms.*/\1/p' "$1")
  require_number "request latency p99 in $(basename "$1")" "$p99"
  echo "$p99"
}
