#!/bin/sh
# Runs `stratbench-gui --screenshot` on the xcb platform under Xvfb and checks the PNG; then
# every page with `--page NAME SAMPLE SAMPLE` (OUT_PNG's stem + "-NAME.png", kept as
# artifacts), and the exit code 2 of a bad --page and of a bad file.
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
"$probe" "$out" || exit 1

shot() {  # shot PNG ARGS...: one xvfb-run of the GUI, its exit code
  png=$1
  shift
  "$xvfb_run" -a -s "-screen 0 1280x1024x24" "$gui" -platform xcb --screenshot "$png" "$@"
}
pages=$("$xvfb_run" -a "$gui" -platform xcb --list-pages) || { echo "FAIL: --list-pages"; exit 1; }
[ -n "$pages" ] || { echo "FAIL: --list-pages printed nothing"; exit 1; }
for page in $pages; do
  png="${out%.png}-$page.png"
  rm -f "$png"
  if ! shot "$png" --page "$page" "$sample" "$sample"; then
    echo "FAIL: --page $page exited with $?"
    exit 1
  fi
  "$probe" "$png" || { echo "FAIL: --page $page: $png"; exit 1; }
done
err=$(shot "${out%.png}-bad.png" --page nonsense "$sample" 2>&1)
rc=$?
if [ "$rc" -ne 2 ] || ! echo "$err" | grep -q 'no page "nonsense"'; then
  echo "FAIL: --page nonsense: exit $rc, expected 2 naming the page: $err"
  exit 1
fi
err=$(shot "${out%.png}-bad.png" "$sample" /nonexistent/run.json 2>&1)
rc=$?
if [ "$rc" -ne 2 ] || ! echo "$err" | grep -q '/nonexistent/run.json'; then
  echo "FAIL: a missing file: exit $rc, expected 2 naming it: $err"
  exit 1
fi
echo "ok: the window and each page saved; a bad --page and a bad file exit 2"
