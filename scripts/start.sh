#!/usr/bin/env bash
# Starts the local stack: the local Tebra (a SOAP server on loopback, port 8787), then the
# Auth, Functions, Firestore and Pub/Sub emulators with the compiled functions loaded, on
# the fixed ports in firebase.json, under the demo project. Prints where everything
# listens; Ctrl-C stops it all.
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

# The local Tebra first: the functions call it (TEBRA_ENDPOINT in .env.demo-tebra-bridge).
start_local_tebra "${LOCAL_TEBRA_PORT:-8787}" "$LOG_DIR/local-tebra.log" ||
  die "the local Tebra did not start (is port ${LOCAL_TEBRA_PORT:-8787} in use?)"
pids+=("$LOCAL_TEBRA_PID")
say "local Tebra listening on $LOCAL_TEBRA_URL; log: ${LOG_DIR#"$ROOT"/}/local-tebra.log"

# Each child runs in its own session: Ctrl-C (or `timeout -s INT`) signals the whole
# foreground process group, and a second SIGINT from stop_all would make the CLI abandon
# the Firestore and Pub/Sub emulators. This way each child gets exactly one.
(cd "$LOG_DIR" && exec setsid firebase --non-interactive emulators:start \
  --project "$PROJECT_ID" --only "$only" --config "$ROOT/firebase.json") \
  >"$LOG_DIR/emulators.log" 2>&1 &
emulators_pid=$!
pids+=("$emulators_pid")

say "starting emulators ($only); log: ${LOG_DIR#"$ROOT"/}/emulators.log"
node "$ROOT/scripts/lib/wait-for-stack.mjs" "$LOG_DIR/emulators.log" "$emulators_pid" || {
  tail -n 30 "$LOG_DIR/emulators.log" >&2
  die "the emulators did not start"
}

node "$ROOT/scripts/lib/print-stack.mjs"
# One user of each role (a second factor where the role reads PHI); prints how to sign in.
node "$FUNCTIONS/dev/seed-users.ts" || die "seeding the Auth emulator's users failed"
say "running; press Ctrl-C to stop"
wait "$emulators_pid"
