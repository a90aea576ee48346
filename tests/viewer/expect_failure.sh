#!/usr/bin/env bash
# expect_failure.sh STATUS REGEX COMMAND...: runs COMMAND, shows its output, and passes when
# it exits with STATUS and its output matches REGEX (grep -E): a check that is meant to fail
# must fail for the reason it is meant to, not crash or stop at a usage error.
set -uo pipefail
want=$1 regex=$2
shift 2
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne "$want" ]; then
  echo "expect_failure: exit status $rc, expected $want"
  exit 1
fi
if ! printf '%s\n' "$out" | grep -qE -- "$regex"; then
  echo "expect_failure: no line matches /$regex/"
  exit 1
fi
echo "expect_failure: failed as expected (exit status $rc)"
