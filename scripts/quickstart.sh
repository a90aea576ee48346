#!/usr/bin/env bash
# The main job: install, build, run the default benchmark matrix, print the table,
# and write the results file and a Markdown report under results/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
mkdir -p results
stamp=$(date +%Y%m%d-%H%M%S)
results="results/default-$stamp.json"
status=0
build/release/bin/stratbench run -o "$results" "$@" || status=$?
if [ -f "$results" ]; then
  build/release/bin/stratbench report "$results" --format md -o "results/default-$stamp.md"
  echo "report:  results/default-$stamp.md"
  if [ -x build/release/bin/stratbench-gui ]; then
    echo "explore: build/release/bin/stratbench-gui $results"
  fi
fi
exit "$status"
