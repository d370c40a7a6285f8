#!/usr/bin/env bash
# CI gate: fails on anything that looks like a committed credential or private key, in
# every file git tracks or would track (untracked files not ignored), with secretlint's
# recommended rules. Usage: scan-secrets.sh [directory]   (default: the repository)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${1:-$ROOT}"
cd "$target"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -d '' files < <(git ls-files -z --cached --others --exclude-standard)
else
  mapfile -d '' files < <(find . -type f -not -path '*/node_modules/*' -print0)
fi
echo "scan-secrets: scanning ${#files[@]} files in $target"
[[ ${#files[@]} -gt 0 ]] || exit 0
if ! printf '%s\0' "${files[@]}" |
  xargs -0 "$ROOT/node_modules/.bin/secretlint" --secretlintrc "$ROOT/.secretlintrc.json" \
    --maskSecrets --no-glob; then
  echo "scan-secrets: FAILED: remove the credential above from the tree and rotate it" >&2
  exit 1
fi
echo "scan-secrets: nothing that looks like a credential"
