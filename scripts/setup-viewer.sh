#!/usr/bin/env bash
# Installs the trace viewer that tests/viewer/check_trace_viewer.mjs loads trace files into
# (speedscope, run in headless Chromium), idempotently: a second call does nothing when it
# is there and up to date. scripts/setup.sh calls it; it can be run on its own.
#
#   tests/viewer/npm/node_modules         npm ci of the pinned package (package-lock.json)
#
# Reinstalled when node_modules is missing or was installed from another lock file (its
# sha256 is kept beside it). Git-ignored. Exit status 2 with a message when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
  echo "setup-viewer: $*" >&2
  exit 2
}

command -v node >/dev/null 2>&1 || die "node not found (scripts/setup.sh installs nodejs)"
command -v npm >/dev/null 2>&1 || die "npm not found (scripts/setup.sh installs npm)"

npm_dir=tests/viewer/npm
lock=$npm_dir/package-lock.json
[ -f "$lock" ] || die "$lock is missing"

lock_key=$(sha256sum <"$lock" | cut -c1-64)
stamp=$npm_dir/node_modules/.stratbench-lock-key
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_key" ] &&
  [ -s "$npm_dir/node_modules/speedscope/dist/release/index.html" ]; then
  echo "setup-viewer: $npm_dir/node_modules up to date"
else
  echo "setup-viewer: npm ci in $npm_dir"
  (cd "$npm_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) || die "npm ci failed in $npm_dir"
  echo "$lock_key" >"$stamp"
fi
