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
