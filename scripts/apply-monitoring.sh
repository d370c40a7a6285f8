#!/usr/bin/env bash
# Applies monitoring/ to a real project: each log-based metric (monitoring/metrics/*.json),
# then each alert policy (monitoring/policies/*.json) with PROJECT_ID and CHANNEL_ID filled
# in. Creates what is missing and updates what exists (a metric by its name, a policy by
# its displayName), so it is run again after any change to those files.
# Usage: scripts/apply-monitoring.sh PROJECT_ID CHANNEL_ID [--dry-run]
#   CHANNEL_ID  the notification channel's id: the number at the end of its name
#   --dry-run   print the gcloud commands instead of running them (gcloud not needed)
# Needs the Google Cloud CLI with its alpha component (gcloud components install alpha).
set -euo pipefail
SCRIPT_NAME=apply-monitoring
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage="usage: scripts/apply-monitoring.sh PROJECT_ID CHANNEL_ID [--dry-run]"
dry_run=false
args=()
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    -*) die "unknown option '$arg'; $usage" ;;
    *) args+=("$arg") ;;
  esac
done
[[ ${#args[@]} -eq 2 ]] || die "expected a project id and a channel id; $usage"
project="${args[0]}"
channel="${args[1]}"

# Checked before anything runs, and because both are pasted into files and commands.
if [[ "$project" == demo-* ]]; then
  die "'$project' is a demo project: it exists only in the emulators, which have no" \
    "Cloud Monitoring. Give the id of the real project."
fi
if [[ ! "$project" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]]; then
  die "PROJECT_ID '$project' is not a Google Cloud project id (6 to 30 lowercase" \
    "letters, digits or hyphens, starting with a letter). $usage"
fi
if [[ ! "$channel" =~ ^[0-9]{1,30}$ ]]; then
  die "CHANNEL_ID '$channel' is not a notification channel id: give the number at the end" \
    "of the channel's name (gcloud beta monitoring channels list --project=$project" \
    "--format='value(name,displayName)'). $usage"
fi
if ! $dry_run && ! command -v gcloud >/dev/null 2>&1; then
  die "gcloud is not installed (https://cloud.google.com/sdk/docs/install); --dry-run" \
    "prints the commands without it"
fi

metrics=("$ROOT"/monitoring/metrics/*.json)
policies=("$ROOT"/monitoring/policies/*.json)
[[ -f "${metrics[0]}" ]] || die "no metric files in monitoring/metrics"
[[ -f "${policies[0]}" ]] || die "no policy files in monitoring/policies"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Runs a gcloud command, or prints it under --dry-run.
run() {
  if $dry_run; then
    local line
    line="$(printf '%q ' "$@")"
    printf '%s\n' "${line% }"
  else
    "$@"
  fi
}

say "project $project, notification channel $channel$($dry_run && echo ' (dry run)')"

for file in "${metrics[@]}"; do
  name="$(basename "$file" .json)"
  grep -q "^  \"name\": \"$name\",\$" "$file" || die "$file must name the metric '$name'"
  if ! $dry_run && gcloud logging metrics describe "$name" --project="$project" \
    >/dev/null 2>&1; then
    run gcloud logging metrics update "$name" --project="$project" \
      --config-from-file="$file"
  else
    run gcloud logging metrics create "$name" --project="$project" \
      --config-from-file="$file"
  fi
done

for file in "${policies[@]}"; do
  policy="$work/$(basename "$file")"
  sed -e "s/PROJECT_ID/$project/g" -e "s/CHANNEL_ID/$channel/g" "$file" >"$policy"
  ! grep -q 'PROJECT_ID\|CHANNEL_ID' "$policy" || die "$file: a placeholder was left"

  # The policy's own name (two spaces deep); its conditions' names are deeper.
  display="$(sed -n 's/^  "displayName": "\(.*\)",$/\1/p' "$file")"
  [[ -n "$display" ]] || die "$file has no displayName at its top level"

  existing=""
  if ! $dry_run; then
    existing="$(gcloud alpha monitoring policies list --project="$project" \
      --filter="displayName=\"$display\"" --format='value(name)')"
  fi
  if [[ "$existing" == *$'\n'* ]]; then
    die "several policies are named '$display' in $project: delete all but one" \
      "(gcloud alpha monitoring policies delete NAME), then run this again"
  elif [[ -n "$existing" ]]; then
    run gcloud alpha monitoring policies update "$existing" --project="$project" \
      --policy-from-file="$policy"
  else
    run gcloud alpha monitoring policies create --project="$project" \
      --policy-from-file="$policy"
  fi
done

if $dry_run; then
  say "dry run: ${#metrics[@]} metrics and ${#policies[@]} policies, nothing applied"
else
  say "applied ${#metrics[@]} metrics and ${#policies[@]} policies to $project"
fi
