# Shared by the fault scripts: a private redis-server (AOF everysec) or a
# local Redis Cluster (start_cluster), the provider simulators (`herald simulate`), Herald instances and the load
# generator (`herald loadtest`), all on loopback and all stopped at exit;
# then the verdict line every script prints:
#   accepted N, terminal N, lost 0, duplicate sends K
# A script exits non-zero when anything accepted is lost.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
HERALD=${HERALD_BIN:-$(swift build -c release --show-bin-path)/herald}
MESSAGES=${MESSAGES:-5000}
WORK=$(mktemp -d /tmp/herald-fault.XXXXXX)
DATA=$WORK/data
PIDS=()

# Four free loopback ports: API, simulators, APNs simulator (the simulators' port + 1, as
# `herald simulate` binds it), Redis.
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

cleanup() {
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
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

# start_simulators [herald simulate options…]
start_simulators() {
  "$HERALD" simulate --port "$SIM_PORT" --herald-url "http://127.0.0.1:$API_PORT" --data-dir "$DATA" \
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

# run_load [herald loadtest options…]: in the background; sets LOAD_PID, report in $WORK/load.txt.
run_load() {
  local redis_args=(--redis-url "$REDIS_URL")
  [ -n "${CLUSTER_SEEDS:-}" ] && redis_args=()
  env "$(redis_env)" "$HERALD" loadtest --port "$API_PORT" "${redis_args[@]}" --messages "$MESSAGES" "$@" > "$WORK/load.txt" 2>&1 &
  LOAD_PID=$!
  PIDS+=("$LOAD_PID")
}

# Accepted requests the provider simulators have taken so far (all providers).
sim_accepted() {
  curl -sf "http://127.0.0.1:$SIM_PORT/sim/stats" | python3 -c 'import json,sys; print(sum(v["accepted"] for v in json.load(sys.stdin).values()))'
}

# Whether the simulators have accepted at least $1 requests.
sim_reached() { [ "$(sim_accepted)" -ge "$1" ]; }

# Recipients a simulator accepted more than once: duplicate sends.
sim_duplicates() {
  curl -sf "http://127.0.0.1:$SIM_PORT/sim/stats" | python3 -c 'import json,sys; print(sum(v["duplicate_recipients"] for v in json.load(sys.stdin).values()))'
}

# Stream entries read by a consumer and not finished, over every channel and priority.
pending_entries() {
  local total=0
  for channel in sms email push wechat webhook; do
    for priority in high normal low; do
      local n
      n=$(redis-cli -p "$REDIS_PORT" xpending "herald:{$channel}:q:$priority" dispatch 2>/dev/null | head -1)
      [[ "$n" =~ ^[0-9]+$ ]] && total=$((total + n))
    done
  done
  echo "$total"
}

# Waits for the load generator and prints the verdict; exits 1 when anything was lost.
verdict() {
  wait "$LOAD_PID" || { echo "load generator failed:"; cat "$WORK/load.txt"; exit 2; }
  cat "$WORK/load.txt"
  local accepted delivered failed awaiting lost duplicates terminal
  read -r accepted delivered failed awaiting lost < <(python3 - "$WORK/load.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
line = re.search(r"accepted (\d+)\s+dispatched \d+\s+delivered (\d+)\s+failed (\d+)\s+awaiting receipt (\d+)\s+lost (\d+)", text)
print(*line.groups())
PY
)
  duplicates=$(sim_duplicates)
  terminal=$((delivered + failed))
  lost=$((accepted - terminal))
  echo "accepted $accepted, terminal $terminal, lost $lost, duplicate sends $duplicates"
  echo "accepted $accepted, terminal $terminal, lost $lost, duplicate sends $duplicates" > "$WORK/verdict"
  [ "$lost" -eq 0 ]
}
