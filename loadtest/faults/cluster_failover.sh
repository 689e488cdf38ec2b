#!/usr/bin/env bash
# A master failover under load on a Redis Cluster (3 masters, a replica each,
# AOF everysec): two Herald instances share it (a serves and dispatches, b
# dispatches), and when 40 % of the messages have reached the provider the
# replica of the master serving SMS partition 0 is promoted with CLUSTER
# FAILOVER. Herald must follow without operator action, and nothing accepted
# may be lost. The load is paced (RATE, by default the messages over 40 s) so
# that the failover meets a run still accepting and sending, in the short
# form too (a CLUSTER FAILOVER under load took up to 9 s on a busy machine).
# Checked besides the verdict: traffic was flowing when the failover began;
# it took at most 30 s; after it, the API accepted at least a quarter of the
# messages and the simulators took at least a quarter of them; the promoted
# master gained keys for at least a sixth of what was accepted after (it
# serves a third of the slots: its partitions took new messages); duplicate
# sends at most the entries in flight when the failover began.
#   MESSAGES=100000 loadtest/faults/cluster_failover.sh
MESSAGES=${MESSAGES:-100000}
source "$(dirname "$0")/lib.sh"
rate=${RATE:-$(( MESSAGES / 40 + 1 ))}
start_cluster 3 1
start_simulators
start_herald a serve
start_herald b worker
run_load --connections 64 --rate "$rate" --drain-timeout 600
wait_for 600 sim_reached $((MESSAGES * 2 / 5)) || { echo "the run never reached 40 %"; exit 2; }
assert_traffic_flowing "the failover"
in_flight=$(figure "entries in flight" pending_entries) || exit 2
began=$(date +%s%3N)
read -r old new < <(cluster_failover "herald:{sms}:q:normal")
took=$(( $(date +%s%3N) - began ))
[ -n "${new:-}" ] || { echo "the failover did not happen"; exit 2; }
sent_at_failover=$(figure "sends at the failover" sim_accepted) || exit 2
accepted_at_failover=$(figure "accepted at the failover" api_accepted) || exit 2
# Keys the promoted master holds (a message is a hash; idle polling adds none).
keys_held() { redis-cli -p "${new##*:}" dbsize; }
keys_at_failover=$(figure "keys on $new" keys_held) || exit 2
log "failover: $old handed its slots to $new (CLUSTER FAILOVER) in $took ms; then $sent_at_failover messages sent, $accepted_at_failover accepted; $in_flight in flight when it began"
assert_le "failover duration, ms" "$took" 30000
assert_traffic_flowing "after the failover"
verdict --duplicates-at-most "$in_flight" --accepted-at-least "$MESSAGES" || status=$?
accepted_end=$(figure "accepted at the end" api_accepted) || exit 2
sent_end=$(figure "sends at the end" sim_accepted) || exit 2
keys_end=$(figure "keys on $new at the end" keys_held) || exit 2
accepted_after=$((accepted_end - accepted_at_failover))
sent_after=$((sent_end - sent_at_failover))
keys_after=$((keys_end - keys_at_failover))
echo "failover: after it, $accepted_after accepted, $sent_after sent, $keys_after keys more on the promoted master $new"
assert_ge "accepted after the failover" "$accepted_after" $(( MESSAGES / 4 ))
assert_ge "sent after the failover" "$sent_after" $(( MESSAGES / 4 ))
assert_ge "keys gained by the promoted master after the failover" "$keys_after" $(( accepted_after / 6 > 0 ? accepted_after / 6 : 1 ))
exit "${status:-0}"
