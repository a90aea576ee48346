#!/bin/sh
# Runs `stratbench-gui --screenshot` on the xcb platform under Xvfb and checks the PNG.
# usage: screenshot_xvfb.sh XVFB_RUN GUI SAMPLE OUT_PNG PNG_PROBE
# Exit 77 (CTest SKIP_RETURN_CODE) when xvfb-run was not found at configure time.
set -u
xvfb_run=$1 gui=$2 sample=$3 out=$4 probe=$5

if [ -z "$xvfb_run" ]; then
  echo "SKIP: xvfb-run was not found when configuring; install xvfb and xauth to run this test"
  exit 77
fi

rm -f "$out"
# -a: a free display number, so parallel test runs do not collide.
# 24-bit depth: at xvfb-run's fallback depths, anti-aliased text and bars lose their colours.
"$xvfb_run" -a -s "-screen 0 1280x1024x24" "$gui" -platform xcb --screenshot "$out" "$sample"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FAIL: stratbench-gui --screenshot under Xvfb exited with $rc"
  exit 1
fi
if [ ! -s "$out" ]; then
  echo "FAIL: $out was not written"
  exit 1
fi
exec "$probe" "$out"
