# The Redis a load script runs Herald on (sourced by bench.sh and idle.sh), so
# both start it the same way:
#
#   herald_redis_start WORK MASTERS BASE_PORT
#
# MASTERS 0 (or empty) starts one redis-server on a Unix socket WORK/redis.sock;
# N > 0 a fresh N-master Redis Cluster on BASE_PORT… (loadtest/redis-cluster.sh).
# Both with AOF everysec. Adds the servers' pids to `pids` and `redis_pids`,
# sets `nodes` (cluster only), `sock` (single only), `redis_env` (Herald's
# HERALD_REDIS_* setting) and defines `rcli ARGS…`, which runs redis-cli on
# every node. Returns 2 when the cluster did not form.
herald_redis_start() {
  local work=$1 masters=${2:-0} base_port=${3:-17000}
  if [ "$masters" -gt 0 ]; then
    source "$(dirname "${BASH_SOURCE[0]}")/redis-cluster.sh"
    local pairs=() i started=0
    for i in $(seq 0 $((masters - 1))); do pairs+=("$((base_port + i)):$((base_port + 10000 + i))"); done
    redis_cluster_start "$work" 0 "${pairs[@]}" && started=1
    pids+=("${REDIS_CLUSTER_PIDS[@]}"); redis_pids+=("${REDIS_CLUSTER_PIDS[@]}"); nodes=("${REDIS_CLUSTER_NODES[@]}")
    [ "$started" = 1 ] || return 2
    redis_env=(HERALD_REDIS_CLUSTER="$(IFS=,; echo "${nodes[*]}")")
    rcli() { local node; for node in "${nodes[@]}"; do redis-cli -p "${node#*:}" "$@"; done; }
  else
    sock=$work/redis.sock
    redis-server --port 0 --unixsocket "$sock" --dir "$work" --appendonly yes --appendfsync everysec --save "" \
      --logfile "$work/redis.log" --daemonize no &
    pids+=($!); redis_pids+=($!)
    for _ in $(seq 100); do redis-cli -s "$sock" ping >/dev/null 2>&1 && break; sleep 0.05; done
    redis_env=(HERALD_REDIS_URL="unix://$sock")
    rcli() { redis-cli -s "$sock" "$@"; }
  fi
}
