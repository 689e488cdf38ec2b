#!/usr/bin/env bash
# The SMS provider down for 60 s (every request answered 500), twice: with
# Twilio alone, messages back off and drain when it returns; with Aliyun
# configured as failover, the breaker opens and Aliyun carries the traffic.
# Retries here: up to 24 attempts with delays capped at 20 s. Full jitter
# makes each delay uniform up to its ceiling, so 23 delays sum to 186 s on
# average (σ ≈ 24 s): a message outlasts a 60 s outage but for a chance of
# about 1 in 10 million. (16 attempts, 105 s ± 18 s, left 3 of 5,000 failed in one
# run; the default 8 attempts up to 10 min would leave some failed after ~60 s
# of bad luck, and others waiting minutes after the provider is back.) So no
# failure is expected: a failed message counts as lost.
# Checked besides the verdict: traffic was flowing when the outage began and
# still when it ended; with Twilio alone, every message went through Twilio and
# the outage refused at least 3/4 of the messages sent during it; with failover,
# Aliyun carried at least 3/4 of the messages sent during the outage.
#   MESSAGES=5000 OUTAGE_MS=60000 loadtest/faults/provider_down.sh
MESSAGES=${MESSAGES:-5000}
source "$(dirname "$0")/lib.sh"
outage=${OUTAGE_MS:-60000}
outage_after=5000
# The load spans the outage: it starts before, and lasts 20 s past its end.
rate=${RATE:-$(( MESSAGES * 1000 / (outage + 25000) + 1 ))}
# Messages the load sends while the provider is down.
during=$(( rate * outage / 1000 < MESSAGES ? rate * outage / 1000 : MESSAGES ))
retry=(HERALD_RETRY_MAX_ATTEMPTS=24 HERALD_RETRY_CAP_MS=20000 HERALD_RETRY_BASE_MS=500)
start_redis

# Sleeps until the epoch millisecond $1.
sleep_until_ms() {
  local left=$(( $1 - $(date +%s%3N) ))
  [ "$left" -le 0 ] || sleep "$(awk -v ms="$left" 'BEGIN { printf "%.3f", ms / 1000 }')"
}

provider_stat() { sim_stat "$1" "$2"; }

run_phase() {
  local label=$1; shift
  log "$label: provider down from 5 s for $((outage / 1000)) s, $MESSAGES messages at $rate/s"
  start_simulators --outage-after-ms "$outage_after" --outage-ms "$outage" --outage-providers twilio
  start_herald "$label" serve "${retry[@]}" "$@"
  run_load --connections 16 --rate "$rate" --drain-timeout $((outage / 1000 + 300))
  # Half a second in: the simulators count the outage from their own start, a little after SIM_STARTED_MS.
  sleep_until_ms $(( SIM_STARTED_MS + outage_after + 500 ))
  assert_traffic_flowing "$label: the outage begins"
  sleep_until_ms $(( SIM_STARTED_MS + outage_after + outage + 500 ))
  assert_traffic_flowing "$label: the outage ends"
  verdict --accepted-at-least "$MESSAGES" || status=$?
  local twilio_accepted twilio_requests aliyun_accepted
  twilio_accepted=$(provider_stat accepted twilio)
  twilio_requests=$(provider_stat requests twilio)
  aliyun_accepted=$(provider_stat accepted aliyun)
  echo "$label: twilio accepted $twilio_accepted of $twilio_requests requests, aliyun accepted $aliyun_accepted"
  if [ "$label" = twilio-only ]; then
    assert_ge "$label: twilio accepted every message" "$twilio_accepted" "$ACCEPTED"
    assert_le "$label: aliyun accepted (not configured)" "$aliyun_accepted" 0
    assert_ge "$label: twilio requests refused by the outage (≥ 3/4 of the $during sent during it)" \
      $(( twilio_requests - twilio_accepted )) $(( during * 3 / 4 ))
  else
    assert_ge "$label: aliyun carried ≥ 3/4 of the $during messages sent during the outage" \
      "$aliyun_accepted" $(( during * 3 / 4 ))
    assert_ge "$label: twilio + aliyun accepted every message" $(( twilio_accepted + aliyun_accepted )) "$ACCEPTED"
  fi
  kill "$HERALD_PID" "$SIM_PID" 2>/dev/null || true
  wait "$HERALD_PID" "$SIM_PID" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
}

run_phase twilio-only
run_phase failover HERALD_SMS_PROVIDERS=twilio,aliyun HERALD_BREAKER_FAILURES=5 HERALD_BREAKER_COOLDOWN_MS=10000
exit "${status:-0}"
