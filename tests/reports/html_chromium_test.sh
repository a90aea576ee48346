#!/usr/bin/env bash
# Renders the HTML report of a results file whose names contain <script> in headless
# Chromium: it must load with no console errors, show the names as text (the DOM has
# the escaped text and no injected element), and give a real screenshot.
# Skips (exit 77) where Chromium is not installed.
set -euo pipefail
bin=$1 results=$2 out=$3
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "SKIP: chromium is not installed (scripts/setup.sh installs it)"
  exit 77
fi
mkdir -p "$out"
"$bin" report "$results" --format html -o "$out/report.html"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$out/profile" --window-size=1280,1600)
timeout 120 "$chromium" "${flags[@]}" --screenshot="$out/report.png" "file://$out/report.html" > "$out/shot.log" 2>&1 || true
timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$out/report.html" > "$out/dom.html" 2> "$out/dom.log" || true
test -s "$out/report.png" || { echo "FAIL: no screenshot"; cat "$out/shot.log"; exit 1; }
size=$(stat -c %s "$out/report.png")
[ "$size" -gt 10000 ] || { echo "FAIL: screenshot of $size bytes looks blank"; exit 1; }
grep -q "<table>" "$out/dom.html" || { echo "FAIL: the table is not in the rendered DOM"; exit 1; }
grep -q "&lt;script&gt;alert(1)&lt;/script&gt;" "$out/dom.html" || { echo "FAIL: the <script> name is not shown as text"; exit 1; }
if grep -q "<script>alert" "$out/dom.html"; then echo "FAIL: a <script> element was injected"; exit 1; fi
if grep -qiE "Uncaught|SyntaxError|ERROR:CONSOLE" "$out/dom.log"; then echo "FAIL: console errors"; cat "$out/dom.log"; exit 1; fi
echo "ok: screenshot $out/report.png ($size bytes)"
