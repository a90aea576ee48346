#!/usr/bin/env bash
# The QA service's scheduling levers side by side: `stratbench serve` under each strategy,
# one after another on the same machine, each driven by the same `stratbench load` rate
# sweep (same seed, same requests). Prints each sweep's table and capacity; the results
# files (one serve cell per rate) land in OUT_DIR for `stratbench compare`/`report`.
#
# usage: scripts/bench-serve.sh OUT_DIR [STRATEGY...]
#   default strategies: sched=fcfs and sched=continuous, each +int8+blocked+simd+threads=2
# MODEL (small), VOCAB (the model's own, or datasets/model/bpe-4096.tiktoken for synthetic
# models), SLOTS (8), RATES ("0.5,1,1.5,2,3,4,6"), REQUESTS per rate (40), SLO
# ("ttft=1000ms,tpot=100ms"), LOAD_FLAGS (extra `load` flags), SERVE_FLAGS (extra `serve`
# flags, e.g. "--kv-positions 4096" for the same KV memory under every strategy) override.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?OUT_DIR}
shift
strategies=("$@")
[ ${#strategies[@]} -gt 0 ] || strategies=(sched=fcfs+int8+blocked+simd+threads=2 sched=continuous+int8+blocked+simd+threads=2)
model=${MODEL:-small}
bin=${STRATBENCH_BIN:-build/release/bin/stratbench}
vocab_flags=()
case "$model" in
  tiny | small | 1b) vocab_flags=(--vocab "${VOCAB:-datasets/model/bpe-4096.tiktoken}") ;;
esac
mkdir -p "$out"
port=${PORT:-18190}
for s in "${strategies[@]}"; do
  name=$(tr -c 'A-Za-z0-9=.\n' '_' <<< "$s")
  # shellcheck disable=SC2086
  "$bin" serve -m "$model" "${vocab_flags[@]}" -s "$s" --slots "${SLOTS:-8}" --queue 1024 --port "$port" ${SERVE_FLAGS:-} > "$out/serve-$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break
    sleep 0.1
  done
  echo "== $s"
  # shellcheck disable=SC2086
  "$bin" load --url "http://127.0.0.1:$port" --rate "${RATES:-0.5,1,1.5,2,3,4,6}" -n "${REQUESTS:-40}" \
    --slo "${SLO:-ttft=1000ms,tpot=100ms}" --label "$s" -o "$out/load-$name.json" ${LOAD_FLAGS:-} | tee "$out/load-$name.txt"
  curl -s "http://127.0.0.1:$port/metrics" > "$out/metrics-$name.txt"
  kill -TERM "$pid"
  wait "$pid"
done
