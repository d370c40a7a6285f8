#!/usr/bin/env bash
# Runs the schedule sync's benchmark (functions/bench/sync-day.ts) against a Firestore
# emulator of its own on free ports; the benchmark starts its own local Tebra with Tebra's
# real intervals. Prints the benchmark's JSON lines. The figures in docs/benchmarks.md
# come from this script. Takes about three minutes (the rate limits set the pace).
# Usage: scripts/bench-sync.sh   (SYNC_BENCH_APPOINTMENTS, SYNC_BENCH_MARGIN_MS optional)
set -euo pipefail
SCRIPT_NAME=bench-sync
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

use_node22
prepare_emulators

RUN_DIR="$ROOT/.runtime/bench-sync-$$"
mkdir -p "$RUN_DIR"
eval "$(node "$ROOT/scripts/lib/emulator-config.mjs" "bench-sync-$$")"
trap 'rm -f "$EMULATOR_CONFIG"; rm -rf "$RUN_DIR"' EXIT

say "node $(node -v), $(nproc) cores; Firestore emulator on a free port"
(cd "$RUN_DIR" && GCLOUD_PROJECT="$PROJECT_ID" firebase --non-interactive \
  --config "$EMULATOR_CONFIG" emulators:exec --project "$PROJECT_ID" --only firestore \
  "node $(printf %q "$FUNCTIONS/bench/sync-day.ts")") | grep '^{"bench"'
