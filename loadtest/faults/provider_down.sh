#!/usr/bin/env bash
# The SMS provider down for 60 s (every request answered 500), twice: with
# Twilio alone, messages back off and drain when it returns; with Aliyun
# configured as failover, the breaker opens and Aliyun carries the traffic.
# Retries here: up to 24 attempts with delays capped at 20 s. Full jitter
# makes each delay uniform up to its ceiling, so 23 delays sum to 186 s on
# average (σ ≈ 24 s): a message outlasts a 60 s outage but for a chance of
# about 1 in 10 million. (16 attempts, 105 s ± 18 s, left 3 of 5,000 failed in one
# run; the default 8 attempts up to 10 min would leave some failed after ~60 s
# of bad luck, and others waiting minutes after the provider is back.)
#   MESSAGES=5000 OUTAGE_MS=60000 loadtest/faults/provider_down.sh
MESSAGES=${MESSAGES:-5000}
source "$(dirname "$0")/lib.sh"
outage=${OUTAGE_MS:-60000}
# The load spans the outage: it starts before, and lasts 20 s past its end.
rate=${RATE:-$(( MESSAGES * 1000 / (outage + 25000) + 1 ))}
retry=(HERALD_RETRY_MAX_ATTEMPTS=24 HERALD_RETRY_CAP_MS=20000 HERALD_RETRY_BASE_MS=500)
start_redis

run_phase() {
  local label=$1; shift
  log "$label: provider down from 5 s for $((outage / 1000)) s, $MESSAGES messages at $rate/s"
  start_simulators --outage-after-ms 5000 --outage-ms "$outage" --outage-providers twilio
  start_herald "$label" serve "${retry[@]}" "$@"
  run_load --connections 16 --rate "$rate" --drain-timeout $((outage / 1000 + 300))
  verdict || status=$?
  echo "$label: $(curl -s "http://127.0.0.1:$SIM_PORT/sim/stats" | python3 -c 'import json,sys; s = json.load(sys.stdin); print("twilio accepted %d of %d requests, aliyun accepted %d" % (s["twilio"]["accepted"], s["twilio"]["requests"], s["aliyun"]["accepted"]))')"
  kill "$HERALD_PID" "$SIM_PID" 2>/dev/null || true
  wait "$HERALD_PID" "$SIM_PID" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
}

run_phase twilio-only
run_phase failover HERALD_SMS_PROVIDERS=twilio,aliyun HERALD_BREAKER_FAILURES=5 HERALD_BREAKER_COOLDOWN_MS=10000
exit "${status:-0}"
