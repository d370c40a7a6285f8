#!/usr/bin/env bash
# Runs the anomaly scan's benchmark (functions/bench/anomaly-scan.ts) against a Firestore
# emulator of its own, on free ports, and prints one JSON line per trail size. The figures
# in docs/benchmarks.md come from this script.
# Usage: scripts/bench-anomaly.sh            (sizes 25,000 and 100,000 events)
#        ANOMALY_BENCH_SIZES=100000 scripts/bench-anomaly.sh
set -euo pipefail
SCRIPT_NAME=bench-anomaly
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

use_node22
prepare_emulators

RUN_DIR="$ROOT/.runtime/bench-anomaly-$$"
mkdir -p "$RUN_DIR"
eval "$(node "$ROOT/scripts/lib/emulator-config.mjs" "bench-anomaly-$$")"
trap 'rm -f "$EMULATOR_CONFIG"; rm -rf "$RUN_DIR"' EXIT

say "node $(node -v), $(nproc) cores; Firestore emulator on a free port"
command="node --expose-gc $(printf %q "$FUNCTIONS/bench/anomaly-scan.ts")"
(cd "$RUN_DIR" && GCLOUD_PROJECT="$PROJECT_ID" firebase --non-interactive \
  --config "$EMULATOR_CONFIG" emulators:exec --project "$PROJECT_ID" --only firestore \
  "$command") | grep '^{"bench"'
