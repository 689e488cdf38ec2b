#!/usr/bin/env bash
# Checks what deploy/ ships, as scripts/test runs it (about 20 s):
#   - the alert rules: `promtool check rules`, and `promtool test rules`
#     (each alert fires on a failing series and stays quiet on a healthy one);
#   - the systemd unit: `systemd-analyze verify`, on a copy whose ExecStart is
#     this build's herald (the unit's /usr/local/bin/herald need not exist
#     here); any warning fails;
#   - the Grafana dashboard: every metric its queries use is exposed by a
#     running sandbox Herald (a private redis-server and the simulators on
#     free loopback ports, started by loadtest/faults/lib.sh), after traffic
#     that makes each appear: a send that fails over (a breaker opens), a
#     retry, receipts, a fatigue decision, a refused request, a short-link
#     click, and last a scrape with Redis stopped (a Redis error).
# Exits non-zero when any check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export HERALD_BIN=${HERALD_BIN:-$(swift build --show-bin-path)/herald}
source loadtest/faults/lib.sh
status=0
fail() { echo "FAIL: $*"; status=1; }

log "alert rules"
promtool check rules deploy/prometheus/herald-rules.yml || fail "promtool check rules"
promtool test rules deploy/prometheus/herald-rules.test.yml || fail "promtool test rules"

log "systemd unit"
mkdir -p "$WORK/systemd"
sed "s#/usr/local/bin/herald#$HERALD#g" deploy/systemd/herald.service > "$WORK/systemd/herald.service"
if ! verify=$(systemd-analyze verify "$WORK/systemd/herald.service" 2>&1) || [ -n "$verify" ]; then
  fail "systemd-analyze verify deploy/systemd/herald.service: $verify"
fi
grep -q '^TimeoutStopSec=' deploy/systemd/herald.service || fail "herald.service sets no TimeoutStopSec"

log "dashboard metrics against a running Herald"
start_redis
# Aliyun is down for the whole run and first in line for SMS: the first
# attempt fails, its breaker opens (one failure is enough here) and the retry
# goes to Twilio, whose simulator posts its receipts.
start_simulators --outage-after-ms 0 --outage-ms 600000 --outage-providers aliyun
start_herald deploy-check serve HERALD_SMS_PROVIDERS=aliyun,twilio HERALD_BREAKER_FAILURES=1 \
  HERALD_RETRY_BASE_MS=50 HERALD_RETRY_CAP_MS=200 HERALD_QUIET_HOURS=off
api="http://127.0.0.1:$API_PORT"
curl -sf -X POST "$api/v1/messages" -H 'Content-Type: application/json' \
  -d '{"channel":"sms","to":"+14155550100","category":"marketing","user_id":"deploy-check","content":{"body":"deploy check"}}' \
  > "$WORK/message.json" || fail "the message was not accepted"
curl -s -o /dev/null -X POST "$api/v1/messages" -H 'Content-Type: application/json' -d '{"channel":"fax"}'
code=$(curl -sf -X POST "$api/v1/links" -H 'Content-Type: application/json' -d '{"url":"https://example.com/deploy-check"}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["code"])') || fail "no short link"
curl -s -o /dev/null -A 'Mozilla/5.0 (X11; Linux x86_64)' "$api/s/$code"
# Done when the message is delivered by its receipt and every counter is in.
exposes_all() {
  curl -sf "$api/metrics" > "$WORK/metrics.txt" || return 1
  for name in herald_receipts_total herald_provider_breaker_open herald_policy_decisions_total \
    herald_messages_promoted_total herald_link_fetches_total; do
    grep -q "^$name" "$WORK/metrics.txt" || return 1
  done
}
wait_for 30 exposes_all || fail "Herald did not expose every traffic metric within 30 s: $(grep -o '^herald_[a-z_]*' "$WORK/metrics.txt" | sort -u | tr '\n' ' ')"
promtool check metrics < "$WORK/metrics.txt" || fail "promtool check metrics on the exposition after traffic"
# Redis errors: a scrape with Redis gone cannot read the queue depths.
kill "$REDIS_PID"
wait_for 10 sh -c "! redis-cli -p $REDIS_PORT ping" || fail "redis-server did not stop"
curl -sf "$api/metrics" > "$WORK/metrics-no-redis.txt" || fail "no /metrics with Redis stopped"
python3 deploy/dashboard_metrics.py deploy/grafana/herald.json "$WORK/metrics.txt" "$WORK/metrics-no-redis.txt" \
  || fail "dashboard metrics"

[ "$status" -eq 0 ] && log "deploy: rules, unit and dashboard pass"
exit "$status"
