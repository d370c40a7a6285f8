#!/usr/bin/env bash
# Runs the audit trail's benchmarks (functions/bench/audit-*.ts) against a Firestore
# emulator of their own, on free ports, and prints one JSON line per benchmark. The
# figures in docs/benchmarks.md come from this script.
# Usage: scripts/bench-audit.sh [write|verify ...]   (default: both)
set -euo pipefail
SCRIPT_NAME=bench-audit
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

benches=("$@")
[[ ${#benches[@]} -gt 0 ]] || benches=(write verify)

use_node22
prepare_emulators

RUN_DIR="$ROOT/.runtime/bench-audit-$$"
mkdir -p "$RUN_DIR"
eval "$(node "$ROOT/scripts/lib/emulator-config.mjs" "bench-audit-$$")"
trap 'rm -f "$EMULATOR_CONFIG"' EXIT

commands=()
for bench in "${benches[@]}"; do
  case "$bench" in
    write | verify) commands+=("node --expose-gc $(printf %q "$FUNCTIONS/bench/audit-$bench.ts")") ;;
    *) die "unknown benchmark '$bench' (expected write or verify)" ;;
  esac
done
joined="$(IFS='&'; echo "${commands[*]}" | sed 's/&/ \&\& /g')"

say "node $(node -v), $(nproc) cores; Firestore emulator on a free port"
(cd "$RUN_DIR" && GCLOUD_PROJECT="$PROJECT_ID" firebase --non-interactive \
  --config "$EMULATOR_CONFIG" emulators:exec --project "$PROJECT_ID" --only firestore \
  "$joined") | grep '^{"bench"'
