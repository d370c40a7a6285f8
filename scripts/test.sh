#!/usr/bin/env bash
# Runs every test layer, each inside the emulators it needs, on Node 22:
#   unit         pure code and handlers wrapped with firebase-functions-test
#   integration  the real Firestore and Auth emulators (rules, trigger handlers)
#   e2e          the compiled functions in the Functions emulator, over HTTP, calling a
#                local Tebra started for the layer (TEBRA_ENDPOINT_OVERRIDE)
# Usage: scripts/test.sh [layer ...]   (default: all three, in that order)
set -euo pipefail
SCRIPT_NAME=test
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

layers=("$@")
[[ ${#layers[@]} -gt 0 ]] || layers=(unit integration e2e)

use_node22
prepare_emulators
# Only the e2e layer loads the compiled functions; the others run the TypeScript directly.
[[ " ${layers[*]} " == *" e2e "* ]] && build_functions

RUN_DIR="$ROOT/.runtime/test-$$"
mkdir -p "$RUN_DIR"
# The emulators run here and write firebase-debug.log (the functions' log lines) while the
# layer runs; the e2e canary test reads it from TEST_RUN_DIR.
export TEST_RUN_DIR="$RUN_DIR"
# The emulator gives the functions' code 10 s to load; a busy machine needs longer.
export FUNCTIONS_DISCOVERY_TIMEOUT="${FUNCTIONS_DISCOVERY_TIMEOUT:-60}"
declare -A seconds=()
declare -A status=()
config_files=()
cleanup() {
  for file in "${config_files[@]}"; do rm -f "$file"; done
  stop_local_tebra
}
trap cleanup EXIT

vitest_cmd() {
  local layer="$1"
  printf 'cd %q && vitest run --project %s --reporter=default --reporter=json --outputFile.json=%q' \
    "$FUNCTIONS" "$layer" "$RUN_DIR/$layer.json"
}

# Starts the named emulators on free ports and runs the layer's tests inside them.
in_emulators() {
  local layer="$1" only="$2" ports
  ports="$(node "$ROOT/scripts/lib/emulator-config.mjs" "$layer-$$")"
  eval "$ports"
  config_files+=("$EMULATOR_CONFIG")
  (cd "$RUN_DIR" && firebase --non-interactive --config "$EMULATOR_CONFIG" emulators:exec \
    --project "$PROJECT_ID" --only "$only" "$(vitest_cmd "$layer")")
}

run_layer() {
  local layer="$1" started=$SECONDS
  say "layer: $layer"
  case "$layer" in
    unit) (eval "$(vitest_cmd unit)") ;;
    integration) in_emulators integration firestore,auth ;;
    e2e)
      local only=auth,functions,firestore code=0
      [[ "${PUBSUB_AVAILABLE:-0}" == 1 ]] && only="$only,pubsub"
      # A local Tebra on a free port for this run, with Tebra's intervals scaled down; the
      # Functions emulator's workers inherit the override from this environment.
      start_local_tebra 0 "$RUN_DIR/local-tebra.log" \
        --rate-scale "${LOCAL_TEBRA_RATE_SCALE:-0.1}" || {
        say "the local Tebra did not start"
        return 1
      }
      say "local Tebra for e2e: $LOCAL_TEBRA_URL"
      export TEBRA_ENDPOINT_OVERRIDE="$LOCAL_TEBRA_URL"
      in_emulators e2e "$only" || code=$?
      unset TEBRA_ENDPOINT_OVERRIDE
      stop_local_tebra
      return "$code"
      ;;
    *) die "unknown layer '$layer' (expected unit, integration or e2e)" ;;
  esac
}

failed=0
for layer in "${layers[@]}"; do
  started=$SECONDS
  if run_layer "$layer"; then status[$layer]=passed; else status[$layer]=FAILED; failed=1; fi
  seconds[$layer]=$((SECONDS - started))
done

summary_args=()
for layer in "${layers[@]}"; do
  summary_args+=("$layer" "${status[$layer]}" "${seconds[$layer]}" "$RUN_DIR/$layer.json")
done
node "$ROOT/scripts/lib/test-summary.mjs" "${summary_args[@]}"
exit $failed
