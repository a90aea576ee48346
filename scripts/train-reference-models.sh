#!/usr/bin/env bash
# The reference models of issue 20, trained here so that quality figures mean something:
#   1. a 4096-token byte-level BPE vocabulary, trained on the corpus's first 20 MB
#   2. the teacher (shape "teacher": 6.2M parameters, dim 256, 6 layers, context 256),
#      trained on the whole corpus, every 20th 64 KiB chunk held out, on sequences as long
#      as its context (positions it never saw in training would score worse)
# datasets/corpus/corpus.txt is built by scripts/setup.sh from Debian packages (its
# MANIFEST.txt names their versions): the same packages, seed and thread count give the
# same files, bit for bit (the training is deterministic for a seed and thread count).
#
# usage: scripts/train-reference-models.sh [OUT_DIR]   (default datasets/model)
#   TEACHER_TOKENS  training tokens (default 24M, 1.2 passes over the corpus: about 2.3
#                   hours at 2,900 tokens/s on this project's 2-core Xeon VM with AVX-512)
#   THREADS         training threads (default 2; part of what makes the result exact)
# An interrupted run continues where its checkpoint left off: run the script again.
# Afterwards: llama.cpp's perplexity on the same held-out text, for the 1% check:
#   stratbench model perplexity OUT/teacher.gguf --heldout datasets/corpus/corpus.txt \
#       --write-text heldout.txt
#   llama-perplexity -m OUT/teacher.gguf -f heldout.txt -c 256 -t 2
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-datasets/model}
tokens=${TEACHER_TOKENS:-24M}
threads=${THREADS:-2}
bin=${STRATBENCH_BIN:-build/release/bin/stratbench}
corpus=datasets/corpus/corpus.txt
[ -x "$bin" ] || { echo "train-reference-models: $bin: not built (scripts/build.sh)" >&2; exit 2; }
[ -s "$corpus" ] || { echo "train-reference-models: $corpus: missing (scripts/setup.sh builds it)" >&2; exit 2; }
mkdir -p "$out"

"$bin" tokenizer train --corpus "$corpus" --vocab-size 4096 --bytes 20M -o "$out/bpe-4096.tiktoken"

resume=()
[ -f "$out/teacher.gguf.ckpt" ] && resume=(--resume)
"$bin" model train --config teacher --corpus "$corpus" --tokenizer "$out/bpe-4096.tiktoken" \
  --tokens "$tokens" --threads "$threads" --seed 1 --batch 8 --seq 256 --eval-every 250 \
  -o "$out/teacher.gguf" "${resume[@]}"
"$bin" model perplexity "$out/teacher.gguf" --heldout "$corpus" -s "threads=$threads"
