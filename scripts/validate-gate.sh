#!/usr/bin/env bash
# Validation study of `stratbench gate`: how often does it raise a false alarm on
# identical arms (A/A), and how often does it catch a known slowdown injected with
# --inject-slowdown? For contrast, each trial is also judged the way most CI setups do:
# two sequential runs (baseline, then candidate) and a plain threshold on the ratio of
# medians.
#
# usage: scripts/validate-gate.sh [OUT_DIR] [AA_TRIALS] [TRIALS_5PCT] [TRIALS_2_AND_10PCT]
# Writes OUT_DIR/trials.csv (one line per trial, appended as it goes) and OUT_DIR/summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/gate-validation}
aa=${2:-100}
five=${3:-100}
other=${4:-30}
threshold=${PLAIN_THRESHOLD:-1.02}   # the plain rule: flag when new/base median > this
pairs=${PAIRS:-30}                    # AB/BA pairs per gate stage
confirm_alpha=${CONFIRM_ALPHA:-0.10}  # the second stage's level; false alarms stay <= alpha
mkdir -p "$out"
# A private copy of the binary: a rebuild during the study must not swap it mid-trial.
cp "${STRATBENCH_BIN:-build/release/bin/stratbench}" "$out/stratbench"
bin="$out/stratbench"
policy="$out/policy.json"
cat > "$policy" <<JSON
{"schema": "stratbench/policy/v1", "timing": {"alpha": 0.01, "min_ratio": 1.02, "confirm_alpha": $confirm_alpha}}
JSON
# The real workload measured: a cache-resident SIMD GEMM, short enough for many trials.
matrix=(-w gemm -s blocked+simd -p m=256 -p n=256 -p k=256)
arm_flags=(--min-samples 5 --max-samples 5 --budget 0 --warmup 0.05 --sample-time 0.02)
plain_flags=(--min-samples 20 --max-samples 20 --budget 0 --warmup 0.1 --sample-time 0.02)

csv="$out/trials.csv"
[ -f "$csv" ] || echo "injected,trial,gate_exit,plain_ratio,plain_flag,seconds" > "$csv"

p50() {  # the p50 of the first cell of a results file
  jq '.cells[0].metrics.latency_ms.p50' "$1"
}

trial() {
  local inject=$1 i=$2 work="$out/work-$1-$2" start end code flags=()
  start=$(date +%s.%N)
  [ "$inject" != "0" ] && flags=(--candidate-flags "--inject-slowdown $inject")
  code=0
  "$bin" gate --policy "$policy" --interleave --baseline-bin "$bin" --candidate-bin "$bin" --seed "$i" --pairs "$pairs" --quiet \
    --workdir "$work" "${flags[@]}" -- "${matrix[@]}" "${arm_flags[@]}" > "$work.md" 2>&1 || code=$?
  # The plain rule: baseline, then candidate, one run each, compared by a threshold.
  local cand=()
  [ "$inject" != "0" ] && cand=(--inject-slowdown "$inject")
  "$bin" run "${matrix[@]}" "${plain_flags[@]}" -o "$work/plain-base.json" > /dev/null 2>&1
  "$bin" run "${matrix[@]}" "${plain_flags[@]}" "${cand[@]}" -o "$work/plain-cand.json" > /dev/null 2>&1
  local ratio flag
  ratio=$(awk -v a="$(p50 "$work/plain-base.json")" -v b="$(p50 "$work/plain-cand.json")" 'BEGIN { printf "%.5f", b / a }')
  flag=$(awk -v r="$ratio" -v t="$threshold" 'BEGIN { print (r > t) ? 1 : 0 }')
  end=$(date +%s.%N)
  echo "$inject,$i,$code,$ratio,$flag,$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')" >> "$csv"
  rm -rf "$work" "$work.md"
}

done_count() { awk -F, -v inj="$1" 'NR > 1 && $1 == inj' "$csv" | wc -l; }

run_set() {  # inject trials
  local have
  have=$(done_count "$1")
  for ((i = have + 1; i <= $2; i++)); do trial "$1" "$i"; done
}

run_set 0 "$aa"
run_set 0.05 "$five"
run_set 0.02 "$other"
run_set 0.10 "$other"

python3 scripts/gate-study-summary.py "$csv" > "$out/summary.md"
cat "$out/summary.md"
