#!/usr/bin/env bash
# Every fault scenario, one after another, with its verdict line. Exits
# non-zero when any scenario lost a message or broke its promise.
#   loadtest/faults/all.sh                  # full size (about 12 minutes, release build)
#   SHORT=1 loadtest/faults/all.sh          # CI form: 5,000 messages each, a 15 s outage
set -uo pipefail
cd "$(dirname "$0")"
if [ -n "${SHORT:-}" ]; then
  export MESSAGES=5000 OUTAGE_MS=15000
fi
failed=()
for scenario in kill9 redis_restart redis_crash full_redis provider_down slow_provider sigterm cluster_failover master_crash; do
  echo "=== $scenario"
  started=$(date +%s)
  # Its own exit status, not grep's: PIPESTATUS, read right after the pipeline.
  ./"$scenario".sh 2>&1 | tee "/tmp/herald-fault-$scenario.log" \
    | grep -E "^(accepted|delivered|check|FAILED|cannot judge|in flight|/ready|refused|resent|after the kill|enqueue|herald RSS|a exited|most sends|twilio-only|failover|\[)"
  status=${PIPESTATUS[0]}
  echo "--- $scenario: exit $status in $(( $(date +%s) - started )) s"
  [ "$status" -eq 0 ] || failed+=("$scenario")
done
if [ ${#failed[@]} -gt 0 ]; then echo "faults failed: ${failed[*]}"; exit 1; fi
echo "faults: every scenario passed"
