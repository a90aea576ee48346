#!/usr/bin/env bash
# The recovery fine-tunes of reports/compression.md (issue 20): the shipped teacher
# compressed three ways (sparsity=u70 by Wanda, sparsity=2of4, share=2), each fine-tuned
# for TOKENS with its structure kept (`model finetune`), and the control: the same tokens
# of uncompressed training at the same schedule (`model finetune --control`), since part of
# a fine-tune's gain is the extra training itself. Then the held-out perplexity of each on
# the same chunks: the teacher, the control, each form before its fine-tune, and after.
# usage: scripts/measure-finetune.sh [OUT_DIR]   (default results/finetune)
#   TOKENS   each fine-tune's tokens (default 1M: about 6 minutes each at 2,900 tokens/s)
#   CHUNKS   held-out chunks of 256 tokens scored per model (default 300)
#   THREADS  threads (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/finetune}
tokens=${TOKENS:-1M}
chunks=${CHUNKS:-300}
threads=${THREADS:-2}
bin=${STRATBENCH_BIN:-build/release/bin/stratbench}
corpus=datasets/corpus/corpus.txt
teacher=datasets/model/teacher.gguf
[ -x "$bin" ] || { echo "measure-finetune: $bin: not built (scripts/build.sh)" >&2; exit 2; }
[ -s "$corpus" ] || { echo "measure-finetune: $corpus: missing (scripts/setup.sh builds it)" >&2; exit 2; }
mkdir -p "$out"

forms=(sparsity=u70+prune=wanda sparsity=2of4 share=2)
common=(--corpus "$corpus" --threads "$threads" --seed 1 --batch 8 --seq 256 --eval-every 50 --tokens "$tokens")
for f in "${forms[@]}"; do
  m="$out/teacher-${f//[=+]/-}.gguf"
  [ -s "$m" ] || "$bin" model finetune --model "$teacher" -s "$f" "${common[@]}" -o "$m"
done
[ -s "$out/teacher-control.gguf" ] ||
  "$bin" model finetune --model "$teacher" --control "${common[@]}" -o "$out/teacher-control.gguf"

# perplexity MODEL STRATEGY: the final line's perplexity
ppl() { "$bin" model perplexity "$1" --heldout "$corpus" --ctx 256 --chunks "$chunks" -s "$2" | tail -1; }
{
  echo "| model | strategy | held-out perplexity ($chunks chunks of 256) |"
  echo "|---|---|---|"
  echo "| teacher | dense | $(ppl "$teacher" "threads=$threads") |"
  echo "| teacher trained $tokens tokens more (the control) | dense | $(ppl "$out/teacher-control.gguf" "threads=$threads") |"
  for f in "${forms[@]}"; do
    echo "| teacher | $f | $(ppl "$teacher" "threads=$threads+$f") |"
    echo "| teacher fine-tuned $tokens tokens | $f | $(ppl "$out/teacher-${f//[=+]/-}.gguf" "threads=$threads+$f") |"
  done
} | tee "$out/perplexity.md"
