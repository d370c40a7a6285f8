# Shared by the project's shell scripts: where things are, first-use installs, Node 22.
# Source it; it sets ROOT and FUNCTIONS and defines the helpers below.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FUNCTIONS="$ROOT/functions"
PROJECT_ID="demo-tebra-bridge"
export ROOT FUNCTIONS PROJECT_ID

say() { printf '\033[1m[%s]\033[0m %s\n' "${SCRIPT_NAME:-tebra-bridge}" "$*" >&2; }
die() { printf '\033[31m[%s] error:\033[0m %s\n' "${SCRIPT_NAME:-tebra-bridge}" "$*" >&2; exit 1; }

# npm ci when node_modules is missing or older than the lockfile (the first run on a clone).
install_if_needed() {
  local dir="$1" stamp="$1/node_modules/.package-lock.json"
  if [[ ! -f "$stamp" || "$dir/package-lock.json" -nt "$stamp" ]]; then
    say "installing npm packages in ${dir#"$ROOT"/} (first use)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $dir"
  fi
}

# The machines have Node 20; Cloud Functions runs Node 22. The root package pins the `node`
# package, whose binary sits first on PATH for everything the scripts start.
use_node22() {
  install_if_needed "$ROOT"
  export PATH="$ROOT/node_modules/.bin:$FUNCTIONS/node_modules/.bin:$PATH"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [[ "$major" == "22" ]] || die "expected Node 22 from the root package, found $(node -v)"
  install_if_needed "$FUNCTIONS"
}

# Finds the emulator JARs and exports the variables the Firebase CLI reads.
prepare_emulators() {
  local envs
  envs="$(node "$ROOT/scripts/prepare-emulators.mjs")" || die "the emulators cannot start here"
  eval "$envs"
}

build_functions() {
  say "building functions (tsc)"
  (cd "$FUNCTIONS" && npm run --silent build) || die "the functions do not compile"
}

# Starts the local Tebra (functions/dev/local-tebra) in the background: port $1 (0 = a free
# one), log file $2, further arguments passed to it. Sets LOCAL_TEBRA_PID, and
# LOCAL_TEBRA_URL once it listens; returns 1 (with the log's tail) if it does not.
start_local_tebra() {
  local port="$1" log="$2" url="" i
  shift 2
  # Its own session, so that only stop_local_tebra or stop_all signal it (see start.sh).
  setsid node "$FUNCTIONS/dev/local-tebra/main.ts" --port "$port" "$@" >"$log" 2>&1 &
  LOCAL_TEBRA_PID=$!
  for ((i = 0; i < 300; i++)); do
    url="$(sed -n 's/^local Tebra listening: //p' "$log")"
    [[ -n "$url" ]] && break
    kill -0 "$LOCAL_TEBRA_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$url" ]]; then
    tail -n 20 "$log" >&2
    return 1
  fi
  LOCAL_TEBRA_URL="$url"
  export LOCAL_TEBRA_URL
}

# Stops the local Tebra started above, if it runs.
stop_local_tebra() {
  if [[ -n "${LOCAL_TEBRA_PID:-}" ]]; then
    kill -TERM "$LOCAL_TEBRA_PID" 2>/dev/null || true
    wait "$LOCAL_TEBRA_PID" 2>/dev/null || true
    LOCAL_TEBRA_PID=""
  fi
}
