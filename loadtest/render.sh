#!/usr/bin/env bash
# Cost of rendering a typical SMS template per message (issue 9: under 20 µs):
# the compiled version from the cache, rendered with fresh data each time.
#
#   loadtest/render.sh                  # 5 rounds of 200,000 renders, median
set -euo pipefail
cd "$(dirname "$0")/.."
herald=${HERALD_BIN:-$(swift build -c release --show-bin-path)/herald}
bench=${HERALD_BENCH_BIN:-$(dirname "$herald")/herald-bench}
"$bench" render-bench --renders "${RENDERS:-200000}" --rounds "${ROUNDS:-5}"
