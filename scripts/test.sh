#!/usr/bin/env bash
# The test command: install, build, run every test with CTest (prints CTest's summary).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
ctest --preset release -j "$(nproc)" "$@"
