#!/usr/bin/env bash
# Fuzzes a live Herald against its own contract (openapi.yaml) with
# Schemathesis: no 5xx, and every response as the schema says (status, content
# type, body). Provider endpoints are reached past their signatures by
# hooks.py, which signs each generated body with the sandbox's secrets.
#
#   loadtest/fuzz/run.sh                 # 50 examples per operation, seed 1
#   FUZZ_EXAMPLES=500 FUZZ_SEED=7 loadtest/fuzz/run.sh
#
# Herald runs as the local sandbox (private redis-server, simulators) on free
# loopback ports, with its own data directory; everything stops at exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=loadtest/fuzz
herald=${HERALD_BIN:-$(swift build --show-bin-path)/herald}
venv=${FUZZ_VENV:-.build/fuzz-venv}
work=$(mktemp -d /tmp/herald-fuzz.XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv" 2>/dev/null || { apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$venv"; }
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==4.32.5" "cryptography>=42" \
    "openapi-spec-validator>=0.7"
fi
# The contract itself must be valid OpenAPI 3.1 before anything is fuzzed against it.
"$venv/bin/openapi-spec-validator" openapi.yaml

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
sim_port=$(free_port)
apns_port=$(free_port)
env -i PATH="$PATH" HOME="$work" HERALD_DATA_DIR="$work/data" HERALD_HTTP_PORT="$port" \
  HERALD_SIMULATOR_PORT="$sim_port" HERALD_APNS_SIMULATOR_PORT="$apns_port" HERALD_LOG_LEVEL=error \
  "$herald" serve > "$work/herald.log" 2>&1 &
pid=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/ready" >/dev/null || { echo "herald did not start"; cat "$work/herald.log"; exit 1; }

status=0
HERALD_FUZZ_SECRETS="$work/data/sandbox-secrets.json" HERALD_FUZZ_PUBLIC_URL="http://127.0.0.1:$port" \
  PYTHONPATH="$here" SCHEMATHESIS_HOOKS=hooks \
  "$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.yaml" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing,stateful --max-examples "${FUZZ_EXAMPLES:-50}" --seed "${FUZZ_SEED:-1}" \
    --request-timeout 10 --no-color --warnings off ${FUZZ_ARGS:-} || status=$?

# The process must still be serving after everything it was sent.
if ! curl -sf "http://127.0.0.1:$port/health" >/dev/null; then
  echo "herald stopped serving during the fuzz run"; tail -50 "$work/herald.log"; status=1
fi
if grep -q "Fatal error\|Segmentation\|Illegal instruction" "$work/herald.log"; then
  echo "herald crashed:"; grep -m5 "Fatal error\|Segmentation\|Illegal instruction" "$work/herald.log"; status=1
fi
[ "$status" -eq 0 ] && echo "fuzz: passed (examples per operation ${FUZZ_EXAMPLES:-50}, seed ${FUZZ_SEED:-1})"
exit "$status"
