#!/usr/bin/env bash
# The CI gates that are not tests: type check, lint (with the security rule set), a
# dependency audit of the deployed package, and a scan for committed credentials.
set -euo pipefail
SCRIPT_NAME=check
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
use_node22

say "type check"
(cd "$FUNCTIONS" && npm run --silent typecheck)
say "lint (ESLint with eslint-plugin-security, Prettier)"
(cd "$FUNCTIONS" && npm run --silent lint)
say "dependency audit (production dependencies of functions/)"
node "$ROOT/scripts/gates/audit-deps.mjs"
say "credential scan"
bash "$ROOT/scripts/gates/scan-secrets.sh"
say "all gates passed"
