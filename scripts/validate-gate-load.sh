#!/usr/bin/env bash
# The gate's study on a loaded machine: sequential interleaved pairs (policy
# timing.max_pairs / max_seconds) under background load from stress-ng, with identical arms
# (A/A) and with a known slowdown injected into the candidate (--inject-slowdown). Each
# trial's verdict is recorded: regression (exit 1), inconclusive, or pass. The target: no
# false alarms, and a real slowdown never a pass.
#
# usage: scripts/validate-gate-load.sh OUT_DIR LOAD TRIALS [INJECTED...]
#   LOAD: quiet | cpu1 (one busy stress-ng worker) | cpu3-stream (three busy workers and
#         one memory-bandwidth stressor, stress-ng --stream)
#   INJECTED: the slowdowns, default "0 0.05 0.10"; the trials go round-robin over them so
#         that a drift in the machine's state touches every set alike.
# Appends one line per trial to OUT_DIR/trials.csv, resumes where it stopped, and prints
# scripts/gate-load-summary.py's table. MAX_PAIRS (100) and MAX_SECONDS (75) set the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?OUT_DIR}
load=${2:?LOAD}
trials=${3:?TRIALS}
shift 3
injected=("$@")
[ ${#injected[@]} -gt 0 ] || injected=(0 0.05 0.10)
max_pairs=${MAX_PAIRS:-100}
max_seconds=${MAX_SECONDS:-75}
case "$load" in
  quiet) stress=() ;;
  cpu1) stress=(--cpu 1) ;;
  cpu3-stream) stress=(--cpu 3 --stream 1) ;;
  *) echo "validate-gate-load.sh: LOAD must be quiet, cpu1 or cpu3-stream, not '$load'" >&2; exit 2 ;;
esac
command -v stress-ng > /dev/null || { echo "validate-gate-load.sh: stress-ng is missing (scripts/setup.sh installs it)" >&2; exit 2; }
mkdir -p "$out"
# A private copy of the binary: a rebuild during the study must not swap it mid-trial.
cp "${STRATBENCH_BIN:-build/release/bin/stratbench}" "$out/stratbench"
bin="$out/stratbench"
policy="$out/policy.json"
cat > "$policy" <<JSON
{"schema": "stratbench/policy/v1", "inconclusive": "warn",
 "timing": {"alpha": 0.01, "min_ratio": 1.02, "max_pairs": $max_pairs, "max_seconds": $max_seconds}}
JSON
matrix=(-w gemm -s blocked+simd -p m=256 -p n=256 -p k=256)
# Short samples: under load a 20 ms sample is always cut by other tasks, a 2 ms one often
# not, so the arm's fastest sample stays near the unloaded time (see gate-validation.md).
arm_flags=(--min-samples 40 --max-samples 40 --budget 0 --warmup 0.05 --sample-time 0.002)

stress_pid=
if [ ${#stress[@]} -gt 0 ]; then
  stress-ng "${stress[@]}" --quiet &
  stress_pid=$!
  trap 'kill "$stress_pid" 2> /dev/null; wait "$stress_pid" 2> /dev/null || true' EXIT
  sleep 5  # let the load settle
fi

csv="$out/trials.csv"
[ -f "$csv" ] || echo "load,injected,trial,gate_exit,verdict,pairs,noise_pct,ratio,seconds,load1_after" > "$csv"

trial() {
  local inject=$1 i=$2 work="$out/work-$load-$1-$2" start end code flags=()
  start=$(date +%s.%N)
  [ "$inject" != "0" ] && flags=(--candidate-flags "--inject-slowdown $inject")
  code=0
  "$bin" gate --policy "$policy" --interleave --baseline-bin "$bin" --candidate-bin "$bin" --seed "$i" --quiet \
    --workdir "$work" "${flags[@]}" -- "${matrix[@]}" "${arm_flags[@]}" > "$work.md" 2>&1 || code=$?
  end=$(date +%s.%N)
  # The cell's row in "All checks": | cell | timing | RESULT | ratio R, always-valid interval
  # [..], N pairs, noise ±X% per pair ... |
  local row verdict pairs noise ratio
  row=$(grep -m1 '| timing | [a-z]* | ratio' "$work.md" || true)
  pairs=$(sed -n 's/.*, \([0-9]*\) pairs, noise.*/\1/p' <<< "$row")
  noise=$(sed -n 's/.*noise ±\([0-9.e+-]*\)% per pair.*/\1/p' <<< "$row")
  ratio=$(sed -n 's/.*| timing | [a-z]* | ratio \([0-9.e+-]*\),.*/\1/p' <<< "$row")
  case "$code:$(sed -n 's/.*| timing | \([a-z]*\) | ratio.*/\1/p' <<< "$row")" in
    1:fail) verdict=regression ;;
    0:inconclusive) verdict=inconclusive ;;
    0:pass) verdict=pass ;;
    *) verdict=error ;;
  esac
  echo "$load,$inject,$i,$code,$verdict,$pairs,$noise,$ratio,$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }'),$(cut -d' ' -f1 /proc/loadavg)" >> "$csv"
  [ "$verdict" = error ] && cp "$work.md" "$out/error-$load-$inject-$i.md"
  rm -rf "$work" "$work.md"
}

done_count() { awk -F, -v l="$load" -v inj="$1" 'NR > 1 && $1 == l && $2 == inj' "$csv" | wc -l; }

for ((i = 1; i <= trials; i++)); do
  for inj in "${injected[@]}"; do
    [ "$(done_count "$inj")" -lt "$i" ] && trial "$inj" "$i"
  done
done

python3 scripts/gate-load-summary.py "$csv"
