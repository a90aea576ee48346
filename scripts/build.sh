#!/usr/bin/env bash
# Configures and builds the release preset (optimized: it is what measures), or the
# preset in $STRATBENCH_PRESET: the test command uses `ci`, the same build with -Werror.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${STRATBENCH_PRESET:-release}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
