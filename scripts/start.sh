#!/usr/bin/env bash
# Starts the local stack: the Auth, Functions, Firestore and Pub/Sub emulators with the
# compiled functions loaded, on the fixed ports in firebase.json, under the demo project.
# Prints where everything listens; Ctrl-C stops it all.
set -euo pipefail
SCRIPT_NAME=start
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

use_node22
prepare_emulators
build_functions

LOG_DIR="$ROOT/.runtime/start"
mkdir -p "$LOG_DIR"
only=auth,functions,firestore
[[ "${PUBSUB_AVAILABLE:-0}" == 1 ]] && only="$only,pubsub"

pids=()
stop_all() {
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  say "stopped"
}
trap stop_all INT TERM EXIT

(cd "$LOG_DIR" && exec firebase --non-interactive emulators:start \
  --project "$PROJECT_ID" --only "$only" --config "$ROOT/firebase.json") \
  >"$LOG_DIR/emulators.log" 2>&1 &
pids+=($!)

say "starting emulators ($only); log: ${LOG_DIR#"$ROOT"/}/emulators.log"
node "$ROOT/scripts/lib/wait-for-stack.mjs" "$LOG_DIR/emulators.log" "${pids[0]}" || {
  tail -n 30 "$LOG_DIR/emulators.log" >&2
  die "the emulators did not start"
}

node "$ROOT/scripts/lib/print-stack.mjs"
say "running; press Ctrl-C to stop"
wait "${pids[0]}"
