#!/usr/bin/env bash
# The SMS provider down for 60 s (every request answered 500), twice: with
# Twilio alone, messages back off and drain when it returns; with Aliyun
# configured as failover, the breaker opens and Aliyun carries the traffic.
# Retries here: up to 16 attempts with delays capped at 20 s, so full-jitter
# backoff always outlasts a 60 s outage (the default 8 attempts up to 10 min
# would leave some messages failed after ~60 s of bad luck, and others waiting
# minutes after the provider is back).
#   MESSAGES=5000 OUTAGE_MS=60000 loadtest/faults/provider_down.sh
MESSAGES=${MESSAGES:-5000}
source "$(dirname "$0")/lib.sh"
outage=${OUTAGE_MS:-60000}
retry=(HERALD_RETRY_MAX_ATTEMPTS=16 HERALD_RETRY_CAP_MS=20000 HERALD_RETRY_BASE_MS=500)
start_redis

run_phase() {
  local label=$1; shift
  log "$label: provider down from 2 s for $((outage / 1000)) s"
  start_simulators --outage-after-ms 2000 --outage-ms "$outage" --outage-providers twilio
  start_herald "$label" serve "${retry[@]}" "$@"
  run_load --connections 16 --rate "${RATE:-500}" --drain-timeout $((outage / 1000 + 300))
  verdict || status=$?
  kill "$HERALD_PID" "$SIM_PID" 2>/dev/null || true
  wait "$HERALD_PID" "$SIM_PID" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
}

run_phase twilio-only
run_phase failover HERALD_SMS_PROVIDERS=twilio,aliyun HERALD_BREAKER_FAILURES=5 HERALD_BREAKER_COOLDOWN_MS=10000
exit "${status:-0}"
