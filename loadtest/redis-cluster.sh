# A local Redis Cluster for the load and fault scripts (sourced by bench.sh and
# faults/lib.sh), so both start it the same way.
#
#   redis_cluster_start DIR REPLICAS PORT:BUSPORT [PORT:BUSPORT …]
#
# One redis-server per pair on 127.0.0.1 (AOF everysec, a data directory under
# DIR each), joined by `redis-cli --cluster create` with REPLICAS replicas per
# master; returns once every node reports cluster_state:ok. Sets
# REDIS_CLUSTER_PIDS and REDIS_CLUSTER_NODES (host:port) even when it fails,
# so the caller can stop what started; returns 1 when a node never answers.
redis_cluster_start() {
  local dir=$1 replicas=$2
  shift 2
  REDIS_CLUSTER_PIDS=()
  REDIS_CLUSTER_NODES=()
  local index=0 pair node
  for pair in "$@"; do
    mkdir -p "$dir/node$index"
    redis-server --port "${pair%:*}" --cluster-port "${pair#*:}" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "$dir/node$index/nodes.conf" --cluster-node-timeout 2000 --dir "$dir/node$index" \
      --appendonly yes --appendfsync everysec --save "" --logfile "$dir/node$index/redis.log" --daemonize no &
    REDIS_CLUSTER_PIDS+=("$!")
    REDIS_CLUSTER_NODES+=("127.0.0.1:${pair%:*}")
    index=$((index + 1))
  done
  for node in "${REDIS_CLUSTER_NODES[@]}"; do
    redis_cluster_poll 200 redis-cli -p "${node#*:}" ping || { echo "cluster node $node did not start" >&2; return 1; }
  done
  redis-cli --cluster create "${REDIS_CLUSTER_NODES[@]}" --cluster-replicas "$replicas" --cluster-yes \
    > "$dir/cluster-create.log" 2>&1 || { echo "redis-cli --cluster create failed" >&2; return 1; }
  for node in "${REDIS_CLUSTER_NODES[@]}"; do
    redis_cluster_poll 400 redis_cluster_ok "${node#*:}" || { echo "cluster node $node never saw the cluster ok" >&2; return 1; }
  done
}

redis_cluster_ok() { redis-cli -p "$1" cluster info | grep -q cluster_state:ok; }

# Runs a command every 50 ms until it succeeds, at most $1 times.
redis_cluster_poll() {
  local tries=$1
  shift
  for _ in $(seq "$tries"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}
