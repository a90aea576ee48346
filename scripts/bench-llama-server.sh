#!/usr/bin/env bash
# stratbench serve against llama.cpp's llama-server: the same GGUF file, the same cores, the
# same `stratbench load` sweep (same seed, same requests), the two servers alternated round
# by round so that a drift in the machine touches both alike. llama-server is built by the
# user outside this project; its path comes from LLAMA_SERVER.
#
# usage: LLAMA_SERVER=/path/to/llama-server scripts/bench-llama-server.sh OUT_DIR
# MODEL (datasets/model/teacher.gguf), SLOTS (8: stratbench's slots, llama-server's
# --parallel), CTX (per slot, default the model's 256), THREADS (2), STRATEGY
# (sched=continuous+blocked+simd+threads=$THREADS), RATES, REQUESTS (per rate, 60), ROUNDS (3),
# SLO (ttft=500ms,tpot=50ms) override. Each round's results files land in OUT_DIR; the
# tables are printed as they come. Compare them with `stratbench compare`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?OUT_DIR}
llama=${LLAMA_SERVER:?set LLAMA_SERVER to llama.cpp\'s llama-server binary}
[ -x "$llama" ] || { echo "bench-llama-server.sh: $llama is not an executable" >&2; exit 2; }
bin=${STRATBENCH_BIN:-build/release/bin/stratbench}
model=${MODEL:-datasets/model/teacher.gguf}
slots=${SLOTS:-8}
ctx=${CTX:-256}
threads=${THREADS:-2}
strategy=${STRATEGY:-sched=continuous+blocked+simd+threads=$threads}
rates=${RATES:-5,10,20,30,40}
mkdir -p "$out"
port=${PORT:-18290}

wait_up() {
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench-llama-server.sh: the server on port $port did not come up" >&2
  return 1
}

sweep() {  # NAME LABEL
  "$bin" load --url "http://127.0.0.1:$port" --rate "$rates" -n "${REQUESTS:-60}" --slo "${SLO:-ttft=500ms,tpot=50ms}" \
    --label "$2" -o "$out/$1.json" 2> /dev/null | tee "$out/$1.txt"
}

run_stratbench() {  # ROUND
  "$bin" serve -m "$model" -s "$strategy" --slots "$slots" --ctx "$ctx" --queue 4096 --port "$port" \
    > "$out/stratbench-$1.log" 2>&1 &
  local pid=$!
  wait_up
  echo "== round $1: stratbench serve ($strategy, $slots slots)"
  sweep "stratbench-$1" "stratbench:$strategy"
  kill -TERM "$pid"
  wait "$pid"
}

run_llama() {  # ROUND
  # Continuous batching and parallel slots on; the context is shared by the slots.
  "$llama" -m "$model" -c $((ctx * slots)) --parallel "$slots" --cont-batching -t "$threads" -tb "$threads" \
    --host 127.0.0.1 --port "$port" > "$out/llama-$1.log" 2>&1 &
  local pid=$!
  wait_up
  echo "== round $1: llama-server (--parallel $slots, -t $threads)"
  sweep "llama-$1" "llama-server:parallel=$slots"
  kill -TERM "$pid"
  wait "$pid" || true
}

for ((r = 1; r <= ${ROUNDS:-3}; r++)); do
  if ((r % 2)); then
    run_stratbench "$r"
    run_llama "$r"
  else
    run_llama "$r"
    run_stratbench "$r"
  fi
done
