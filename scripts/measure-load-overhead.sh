#!/usr/bin/env bash
# The load generator's own cost: `stratbench load` against scripts/instant-server.mjs, which
# answers every request at once. What it measures there (TTFT, the gap between tokens, how
# late requests were sent) is the client's overhead plus the instant server's and the
# loopback's: an upper bound on what the client adds to a real server's figures.
#
# usage: scripts/measure-load-overhead.sh OUT_DIR
# RATES ("50,200,500"), REQUESTS per rate (2000), PORT (18192) override.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?OUT_DIR}
mkdir -p "$out"
bin=${STRATBENCH_BIN:-build/release/bin/stratbench}
port=${PORT:-18192}
node scripts/instant-server.mjs "$port" >"$out/instant-server.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
"$bin" load --url "http://127.0.0.1:$port" --rate "${RATES:-50,200,500}" -n "${REQUESTS:-2000}" \
  --slo ttft=10ms,tpot=1ms --label instant-server -o "$out/overhead.json" | tee "$out/overhead.txt"
