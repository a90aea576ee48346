#!/usr/bin/env bash
# Installs the trace viewer that tests/viewer/check_trace_viewer.mjs loads trace files into
# (speedscope, run in headless Chromium), idempotently: a second call does nothing when it
# is there and up to date. scripts/setup.sh calls it; it can be run on its own.
#
#   tests/viewer/npm/node_modules         npm ci of the pinned package (package-lock.json)
#
# Git-ignored. Exit status 2 with a message when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/npm-ci-pinned.sh setup-viewer tests/viewer/npm speedscope/dist/release/index.html
