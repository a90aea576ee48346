#!/usr/bin/env bash
# A soak of the QA server: `stratbench serve` under one strategy, an open-loop load at a
# fixed rate for a long time, and the server's resident memory and KV blocks sampled every
# INTERVAL seconds. Prints the load's table, then the RSS series, then the verdict inputs:
# errors, KV blocks still held after the load (leaks), RSS growth from the first sample
# after warm-up to the last.
#
# usage: scripts/soak-serve.sh OUT_DIR
# MODEL (small), VOCAB (datasets/model/bpe-4096.tiktoken for synthetic models), STRATEGY
# (sched=continuous+kv=paged+int8+blocked+simd+threads=2), SLOTS (32), SERVE_FLAGS
# ("--kv-positions 4096"), RATE (2.4 req/s), SECONDS (600), INTERVAL (30), PORT (18191).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?OUT_DIR}
mkdir -p "$out"
bin=${STRATBENCH_BIN:-build/release/bin/stratbench}
model=${MODEL:-small}
strategy=${STRATEGY:-sched=continuous+kv=paged+int8+blocked+simd+threads=2}
rate=${RATE:-2.4}
seconds=${SECONDS_TOTAL:-600}
interval=${INTERVAL:-30}
port=${PORT:-18191}
vocab_flags=()
case "$model" in
  tiny | small | 1b) vocab_flags=(--vocab "${VOCAB:-datasets/model/bpe-4096.tiktoken}") ;;
esac
# shellcheck disable=SC2086
"$bin" serve -m "$model" "${vocab_flags[@]}" -s "$strategy" --slots "${SLOTS:-32}" --queue 1024 --port "$port" \
  ${SERVE_FLAGS:---kv-positions 4096} >"$out/serve.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
requests=$(awk -v r="$rate" -v s="$seconds" 'BEGIN { printf "%d", r * s }')
"$bin" load --url "http://127.0.0.1:$port" --rate "$rate" -n "$requests" --slo "${SLO:-ttft=1000ms,tpot=100ms}" \
  --label "$strategy" -o "$out/soak.json" >"$out/load.txt" 2>&1 &
load=$!
echo "elapsed_s rss_kib kv_blocks_used running" >"$out/rss.txt"
t=0
while kill -0 "$load" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  m=$(curl -s "http://127.0.0.1:$port/metrics")
  used=$(awk '$1 == "stratbench_kv_blocks_used" { print $2 }' <<<"$m")
  running=$(awk '$1 == "stratbench_running_batch_size" { print $2 }' <<<"$m")
  echo "$t $rss $used $running" >>"$out/rss.txt"
  sleep "$interval"
  t=$((t + interval))
done
wait "$load"
curl -s "http://127.0.0.1:$port/metrics" >"$out/metrics.txt"
kill -TERM "$pid"
wait "$pid"
cat "$out/load.txt" "$out/rss.txt"
echo "after the load: $(grep -E '^stratbench_(kv_blocks_used|requests_total)' "$out/metrics.txt" | tr '\n' ' ')"
