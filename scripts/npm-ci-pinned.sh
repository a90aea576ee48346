#!/usr/bin/env bash
# `npm ci` of a directory's pinned packages (its package-lock.json), idempotently: nothing
# happens when DIR/node_modules was installed from the same lock file (its sha256 is kept
# beside it) and DIR/node_modules/SENTINEL is there. Used by setup-viewer.sh and
# setup-openai-client.sh. Exit status 2 with a message when something is missing.
#
# usage: scripts/npm-ci-pinned.sh NAME DIR SENTINEL   (NAME prefixes the messages)
set -euo pipefail
name=${1:?NAME} npm_dir=${2:?DIR} sentinel=${3:?SENTINEL}

die() {
  echo "$name: $*" >&2
  exit 2
}

command -v node >/dev/null 2>&1 || die "node not found (scripts/setup.sh installs nodejs)"
command -v npm >/dev/null 2>&1 || die "npm not found (scripts/setup.sh installs npm)"

lock=$npm_dir/package-lock.json
[ -f "$lock" ] || die "$lock is missing"

lock_key=$(sha256sum <"$lock" | cut -c1-64)
stamp=$npm_dir/node_modules/.stratbench-lock-key
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_key" ] && [ -s "$npm_dir/node_modules/$sentinel" ]; then
  echo "$name: $npm_dir/node_modules up to date"
else
  echo "$name: npm ci in $npm_dir"
  (cd "$npm_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) || die "npm ci failed in $npm_dir"
  echo "$lock_key" >"$stamp"
fi
