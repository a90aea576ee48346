#!/usr/bin/env bash
# Side-by-side LLM benchmark: stratbench's `prefill` and `decode` against llama.cpp's
# llama-bench on the same GGUF files (the `small` config written by `stratbench model
# write`), 2 threads, the programs alternated ROUNDS times because these machines drift
# between runs; medians at the end.
#
# llama.cpp is not part of this project: build it yourself, outside the repository, and
# point LLAMA_BENCH at its llama-bench binary.
#
# usage: LLAMA_BENCH=/path/to/llama-bench scripts/bench-llama-cpp.sh [ROUNDS] [OUT_DIR] [TYPES]
#   ROUNDS defaults to 3, OUT_DIR to results/bench-llama-cpp, TYPES to "f32 f16 bf16 q8_0 q4_0".
#
# What is compared (llama-bench's tests, and the cells that do the same work):
#   pp128  one 128-token prompt, logits of its last token   -w prefill -p prompt_len=128
#   tg64   64 tokens decoded one at a time from position 0   -w decode -p prompt_len=1 -p gen_len=64
# stratbench runs two strategies per file: simd+blocked+threads=2+pool at the file's
# precision (the file's weights bit for bit), and the same plus fused (the RMSNorm gains
# folded into the weights, which re-quantizes Q8_0/Q4_0: the same model, not the same bytes).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
out=${2:-results/bench-llama-cpp}
types=${3:-f32 f16 bf16 q8_0 q4_0}
bin=${STRATBENCH_BIN:-build/release/bin/stratbench}
threads=${THREADS:-2}
llama=${LLAMA_BENCH:-}
if [ -z "$llama" ] || [ ! -x "$llama" ]; then
  echo "bench-llama-cpp: set LLAMA_BENCH to an llama-bench binary built outside this project" >&2
  exit 2
fi
[ -x "$bin" ] || { echo "bench-llama-cpp: $bin: not built (scripts/build.sh)" >&2; exit 2; }
mkdir -p "$out/models"

precision() {
  case $1 in f32) echo "" ;; f16) echo "+fp16" ;; bf16) echo "+bf16" ;; q8_0) echo "+int8" ;; q4_0) echo "+int4" ;;
    *) echo "bench-llama-cpp: unknown type $1" >&2; exit 2 ;; esac
}

for t in $types; do
  f="$out/models/small-$t.gguf"
  [ -f "$f" ] || "$bin" model write --config small --type "$t" "$f" >&2
done

base="simd+blocked+threads=$threads+pool"
for ((r = 1; r <= rounds; r++)); do
  for t in $types; do
    f="$out/models/small-$t.gguf"
    echo "round $r/$rounds $t: llama-bench" >&2
    "$llama" -m "$f" -t "$threads" -p 128 -n 64 -r 3 -o json > "$out/llama-$t-$r.json" 2> "$out/llama-$t-$r.log"
    s="$base$(precision "$t"),$base$(precision "$t")+fused"
    echo "round $r/$rounds $t: stratbench $s" >&2
    "$bin" run -w prefill -s "$s" -p "model=$f" -p prompt_len=128 --min-samples 5 --budget 3 \
      -o "$out/stratbench-pp-$t-$r.json" > "$out/stratbench-pp-$t-$r.txt" 2>&1
    "$bin" run -w decode -s "$s" -p "model=$f" -p prompt_len=1 -p gen_len=64 --min-samples 5 --budget 3 \
      -o "$out/stratbench-tg-$t-$r.json" > "$out/stratbench-tg-$t-$r.txt" 2>&1
  done
done

python3 - "$out" "$rounds" "$types" <<'EOF' | tee "$out/summary.md"
import json, statistics, sys
out, rounds, types = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
rows = {}  # (type, test, program) -> [tokens/s per round]
for r in range(1, rounds + 1):
    for t in types:
        for e in json.load(open(f"{out}/llama-{t}-{r}.json")):
            test = "pp128" if e["n_gen"] == 0 else "tg64"
            rows.setdefault((t, test, "llama.cpp"), []).append(statistics.median(e["samples_ts"]))
        for test, tag in (("pp128", "pp"), ("tg64", "tg")):
            for c in json.load(open(f"{out}/stratbench-{tag}-{t}-{r}.json"))["cells"]:
                v = c["metrics"]["throughput"]["value"] if c["status"] == "ok" else float("nan")
                name = "stratbench fused" if c["strategy"].endswith("+fused") else "stratbench"
                rows.setdefault((t, test, name), []).append(v)
# Two ratios to llama.cpp: of the medians, and the median of the per-round ratios. A round
# runs the two programs back to back, so the second pairs them within minutes and cancels
# most of the machine's drift between rounds.
print("| file | test | program | tokens/s per round | median | × llama.cpp, medians | × llama.cpp per round | median of the rounds' ratios |")
print("|---|---|---|---|---|---|---|---|")
for t in types:
    for test in ("pp128", "tg64"):
        lv = rows[(t, test, "llama.cpp")]
        ref = statistics.median(lv)
        for prog in ("llama.cpp", "stratbench", "stratbench fused"):
            v = rows.get((t, test, prog))
            if not v:
                continue
            m = statistics.median(v)
            ratios = [x / y for x, y in zip(v, lv)]
            print(f"| {t} | {test} | {prog} | {', '.join(f'{x:.1f}' for x in v)} | {m:.1f} | {m / ref:.2f} "
                  f"| {', '.join(f'{x:.2f}' for x in ratios)} | {statistics.median(ratios):.2f} |")
EOF
