#!/usr/bin/env bash
# The test command: install, build, run every test with CTest (prints CTest's summary).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
# setup.sh installed the vocabularies, word lists and corpus: tests that need them fail
# rather than skip when they are missing here.
export STRATBENCH_REQUIRE_DATASETS=1
ctest --preset release -j "$(nproc)" "$@"
