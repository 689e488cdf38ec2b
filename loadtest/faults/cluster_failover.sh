#!/usr/bin/env bash
# A master failover under load on a Redis Cluster (3 masters, a replica each,
# AOF everysec): two Herald instances share it (a serves and dispatches, b
# dispatches), and when 40 % of the messages have reached the provider the
# replica of the master serving SMS partition 0 is promoted with CLUSTER
# FAILOVER. Herald must follow without operator action, and nothing accepted
# may be lost.
#   MESSAGES=100000 loadtest/faults/cluster_failover.sh
MESSAGES=${MESSAGES:-100000}
source "$(dirname "$0")/lib.sh"
start_cluster 3 1
start_simulators
start_herald a serve
start_herald b worker
run_load --connections 64 --drain-timeout 600
wait_for 600 sim_reached $((MESSAGES * 2 / 5)) || { echo "the run never reached 40 %"; exit 2; }
read -r old new < <(cluster_failover "herald:{sms}:q:normal")
log "failover: $old handed its slots to $new (CLUSTER FAILOVER) at $(sim_accepted) messages sent"
verdict
