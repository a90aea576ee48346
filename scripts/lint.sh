#!/usr/bin/env bash
# Formatting and static analysis, as CI enforces them (the test command runs this).
#   clang-format: every tracked C++ source must be left unchanged by it (.clang-format).
#   clang-tidy:   the project's sources (not the tests), with .clang-tidy's checks; any
#                 finding fails. It reads build/release/compile_commands.json.
# STRATBENCH_LINT=format runs only the formatting check (seconds, not minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' | grep -v '^tests/fuzz/corpus/')
if ! clang-format --dry-run --Werror "${sources[@]}" 2>/tmp/stratbench-format.$$; then
  echo "lint: clang-format would change these files (run: clang-format -i FILE):" >&2
  grep -o '^[^:]*\.[ch]pp' /tmp/stratbench-format.$$ | sort -u | sed 's/^/  /' >&2
  status=1
else
  echo "lint: clang-format: ${#sources[@]} files formatted"
fi
rm -f /tmp/stratbench-format.$$

if [ "${STRATBENCH_LINT:-all}" != format ]; then
  if [ ! -f build/release/compile_commands.json ]; then
    echo "lint: build/release/compile_commands.json is missing: configure first (scripts/build.sh)" >&2
    exit 2
  fi
  root=$(pwd)
  out=$(run-clang-tidy -p build/release -quiet -j "$(nproc)" "^$root/(harness|workloads|profilers|reports|gui)/.*\.cpp\$" 2>&1) || true
  # run-clang-tidy colours its output even into a pipe: strip the escapes first.
  findings=$(printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g' | grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' | sort -u || true)
  if [ -n "$findings" ]; then
    echo "lint: clang-tidy found:" >&2
    printf '%s\n' "$findings" | sed "s|^$root/|  |" >&2
    status=1
  else
    echo "lint: clang-tidy: no findings"
  fi
fi
exit $status
