#!/usr/bin/env bash
# The test command: install, build with -Werror (the ci preset, in build/release), run every
# test with CTest (prints CTest's summary), then check formatting and clang-tidy
# (scripts/lint.sh). Any of them failing fails the command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
STRATBENCH_PRESET=ci bash scripts/build.sh
# setup.sh installed the vocabularies, word lists and corpus: tests that need them fail
# rather than skip when they are missing here.
export STRATBENCH_REQUIRE_DATASETS=1
# Likewise Slurm and munge: the cluster test fails rather than skips without them.
export STRATBENCH_REQUIRE_SLURM=1
# The GUI is a part the setup installs: its tests must be among those that run. A configure
# with -DSTRATBENCH_BUILD_GUI=OFF is the only way out, and it is said aloud.
gui_tests=$(ctest --preset release -N -L gui | sed -n 's/^Total Tests: //p')
if grep -q '^STRATBENCH_BUILD_GUI:BOOL=OFF' build/release/CMakeCache.txt; then
  echo "test: the GUI is turned off in build/release (STRATBENCH_BUILD_GUI=OFF): its tests do not run"
elif [ "${gui_tests:-0}" -eq 0 ] || [ ! -x build/release/bin/stratbench-gui ]; then
  echo "test: stratbench-gui or its tests are missing from build/release" >&2
  exit 1
fi
status=0
ctest --preset release -j "$(nproc)" "$@" || status=$?
bash scripts/lint.sh || status=1
exit $status
