#!/usr/bin/env bash
# Fuzzes a live Herald against its own contract (openapi.yaml) with
# Schemathesis and every check it has (`--checks all`): no 5xx, every response
# as the schema says, every schema-valid request accepted and every
# schema-violating one refused, 405 with `Allow` for an undeclared method.
#
# Two passes, each against its own Herald (own data directory, private
# redis-server, free loopback ports):
#   sandbox  no API keys, simulated providers; provider endpoints are reached
#            past their signatures by hooks.py, which signs each generated body
#            with the sandbox's secrets. The sandbox lets every caller in by
#            design, so `ignored_auth` is the one check left out here.
#   keys     HERALD_API_KEYS set and the client sending `Authorization: Bearer`,
#            so the authentication checks (ignored_auth: a request without or
#            with a wrong key must get 401) mean something. No provider is
#            configured, so the provider endpoints (tag `providers`) are left out.
#
#   loadtest/fuzz/run.sh                 # 40 examples per operation, seed 11
#   FUZZ_EXAMPLES=500 FUZZ_SEED=7 loadtest/fuzz/run.sh
#   FUZZ_PASSES=keys loadtest/fuzz/run.sh   # one pass only
#
# Exits non-zero when Schemathesis reports any failure in either pass, or when
# Herald stops serving or crashes.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
here=loadtest/fuzz
herald=${HERALD_BIN:-$(swift build --show-bin-path)/herald}
venv=${FUZZ_VENV:-.build/fuzz-venv}
examples=${FUZZ_EXAMPLES:-40}
seed=${FUZZ_SEED:-11}
work=$(mktemp -d /tmp/herald-fuzz.XXXXXX)
pid=""
stop_herald() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; fi
  pid=""
}
cleanup() {
  stop_herald
  rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv" 2>/dev/null || { apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$venv"; }
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==4.32.5" "cryptography>=42" \
    "openapi-spec-validator>=0.7"
fi
venv=$(cd "$venv" && pwd)
# The contract itself must be valid OpenAPI 3.1 before anything is fuzzed against it.
"$venv/bin/openapi-spec-validator" openapi.yaml

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# fuzz_pass NAME API_KEY [schemathesis arguments…]: starts a fresh Herald
# (with HERALD_API_KEYS=API_KEY when not empty), fuzzes it, checks that it is
# still serving and did not crash, and stops it. Returns non-zero on any failure.
fuzz_pass() {
  local name=$1 key=$2
  shift 2
  local dir="$work/$name" port sim_port apns_port result=0
  mkdir -p "$dir"
  port=$(free_port)
  sim_port=$(free_port)
  apns_port=$(free_port)
  # The sandbox with Aliyun beside Twilio, so that Aliyun's endpoints are fuzzed too.
  local -a run=(serve HERALD_SMS_PROVIDERS=twilio,aliyun)
  # With API keys there is no sandbox: `herald api` (no dispatcher, so nothing is ever
  # sent) with an account named for every channel, so that every channel is accepted.
  # The accounts are placeholders: an API node only needs to know that a channel has one.
  [ -n "$key" ] && run=(api HERALD_API_KEYS="$key" HERALD_TWILIO_ACCOUNT_SID=ACfuzz HERALD_TWILIO_AUTH_TOKEN=fuzz
    HERALD_SMTP_URL=smtp://127.0.0.1:9 HERALD_UNSUBSCRIBE_SECRET=fuzz-unsubscribe-secret
    HERALD_APNS_KEY_FILE=/dev/null HERALD_WECHAT_APP_ID=fuzz HERALD_WECHAT_APP_SECRET=fuzz HERALD_WECHAT_TOKEN=fuzz
    HERALD_WECOM_CORP_ID=fuzz HERALD_WECOM_CORP_SECRET=fuzz HERALD_WECOM_AGENT_ID=1
    HERALD_MINIPROGRAM_APP_ID=fuzz HERALD_MINIPROGRAM_APP_SECRET=fuzz HERALD_MINIPROGRAM_TOKEN=fuzz
    HERALD_WEBHOOK_SECRET=fuzz-webhook-secret HERALD_WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8
    HERALD_EVENT_SECRET=fuzz-event-secret-0123)
  env -i PATH="$PATH" HOME="$dir" HERALD_DATA_DIR="$dir/data" HERALD_HTTP_PORT="$port" \
    HERALD_SIMULATOR_PORT="$sim_port" HERALD_APNS_SIMULATOR_PORT="$apns_port" HERALD_LOG_LEVEL=error \
    "${run[@]:1}" "$herald" "${run[0]}" > "$dir/herald.log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
  if ! curl -sf "http://127.0.0.1:$port/ready" >/dev/null; then
    echo "fuzz ($name): herald did not start"; cat "$dir/herald.log"; stop_herald; return 1
  fi

  echo "fuzz ($name): $examples examples per operation, seed $seed"
  # hooks.py signs provider calls with the sandbox's secrets (with API keys there are none),
  # and leaves out requests that break a rule the schema cannot state (see hooks.py).
  # No example database: a run depends on the seed alone, not on what earlier runs found.
  # schemathesis.toml turns every check on (`--checks all`) and exempts one for one operation, saying why.
  # Run from the pass's own directory: Schemathesis keeps a cache of past crashes in its
  # working directory and replays them first, which would make a run depend on earlier ones.
  (cd "$dir" && HERALD_FUZZ_SECRETS="$dir/data/sandbox-secrets" HERALD_FUZZ_PUBLIC_URL="http://127.0.0.1:$port" \
    PYTHONPATH="$root/$here" SCHEMATHESIS_HOOKS=hooks \
    "$venv/bin/schemathesis" --config-file "$root/$here/schemathesis.toml" run "http://127.0.0.1:$port/openapi.yaml" \
      "$@" \
      --phases examples,coverage,fuzzing,stateful --max-examples "$examples" --seed "$seed" \
      --generation-database none --workers 1 \
      --request-timeout 10 --no-color --warnings off ${FUZZ_ARGS:-}) || result=$?

  # The process must still be serving after everything it was sent.
  if ! curl -sf "http://127.0.0.1:$port/health" >/dev/null; then
    echo "fuzz ($name): herald stopped serving during the fuzz run"; tail -50 "$dir/herald.log"; result=1
  fi
  if grep -q "Fatal error\|Segmentation\|Illegal instruction" "$dir/herald.log"; then
    echo "fuzz ($name): herald crashed:"; grep -m5 "Fatal error\|Segmentation\|Illegal instruction" "$dir/herald.log"
    result=1
  fi
  stop_herald
  [ "$result" -eq 0 ] && echo "fuzz ($name): passed"
  return "$result"
}

status=0
passes=${FUZZ_PASSES:-sandbox keys}
for pass in $passes; do
  case $pass in
    sandbox) fuzz_pass sandbox "" --exclude-checks ignored_auth --generation-with-security-parameters false || status=1 ;;
    keys)
      key="fuzz-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
      fuzz_pass keys "$key" --header "Authorization: Bearer $key" --exclude-tag providers || status=1 ;;
    *) echo "unknown pass '$pass' (sandbox, keys)"; exit 2 ;;
  esac
done
[ "$status" -eq 0 ] && echo "fuzz: passed (${passes// /, }; examples per operation $examples, seed $seed)"
exit "$status"
