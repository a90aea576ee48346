#!/usr/bin/env bash
# The reference models of issue 20, trained here so that quality figures mean something:
#   1. a 4096-token byte-level BPE vocabulary, trained on the corpus's first 20 MB
#   2. the teacher (shape "teacher": 6.2M parameters, dim 256, 6 layers, context 256),
#      trained on the whole corpus, every 20th 64 KiB chunk held out, on sequences as long
#      as its context (positions it never saw in training would score worse)
#   3. the student (shape "student": 1.4M parameters, dim 128, 4 layers), distilled from
#      the teacher's soft targets on as many tokens as the teacher saw
#   4. the same student trained from scratch on the same tokens, so that what the
#      distillation itself bought can be measured (student-scratch.gguf)
# datasets/corpus/corpus.txt is built by scripts/setup.sh from Debian packages (its
# MANIFEST.txt names their versions): the same packages, seed and thread count give the
# same files, bit for bit (the training is deterministic for a seed and thread count).
#
# usage: scripts/train-reference-models.sh [OUT_DIR]   (default datasets/model)
#   TEACHER_TOKENS  the teacher's training tokens (default 8M, 0.4 passes over the corpus:
#                   about 46 minutes at 2,900 tokens/s on this project's 2-core Xeon VM)
#   STUDENT_TOKENS  each student's training tokens (default 8M: about 36 minutes distilled, under 30 from scratch)
#   THREADS         training threads (default 2; part of what makes the result exact)
# An interrupted run continues where its checkpoint left off: run the script again.
# Afterwards: llama.cpp's perplexity on the same held-out text, for the 1% check:
#   stratbench model perplexity OUT/teacher.gguf --heldout datasets/corpus/corpus.txt \
#       --write-text heldout.txt
#   llama-perplexity -m OUT/teacher.gguf -f heldout.txt -c 256 -t 2
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-datasets/model}
teacher_tokens=${TEACHER_TOKENS:-8M}
student_tokens=${STUDENT_TOKENS:-8M}
threads=${THREADS:-2}
bin=${STRATBENCH_BIN:-build/release/bin/stratbench}
corpus=datasets/corpus/corpus.txt
[ -x "$bin" ] || { echo "train-reference-models: $bin: not built (scripts/build.sh)" >&2; exit 2; }
[ -s "$corpus" ] || { echo "train-reference-models: $corpus: missing (scripts/setup.sh builds it)" >&2; exit 2; }
mkdir -p "$out"

# $1: the model file; prints --resume when its checkpoint exists and it is not finished
resume() { [ -f "$1.ckpt" ] && echo --resume; return 0; }
common=(--corpus "$corpus" --threads "$threads" --seed 1 --batch 8 --seq 256 --eval-every 250)
vocab=(--tokenizer "$out/bpe-4096.tiktoken") # a distilled student takes its teacher's

[ -s "$out/bpe-4096.tiktoken" ] ||
  "$bin" tokenizer train --corpus "$corpus" --vocab-size 4096 --bytes 20M -o "$out/bpe-4096.tiktoken"

# shellcheck disable=SC2046  # resume prints one flag or nothing
[ -s "$out/teacher.gguf" ] ||
  "$bin" model train --config teacher "${common[@]}" "${vocab[@]}" --tokens "$teacher_tokens" \
    -o "$out/teacher.gguf" $(resume "$out/teacher.gguf")
# shellcheck disable=SC2046
[ -s "$out/student.gguf" ] ||
  "$bin" model distill --teacher "$out/teacher.gguf" --config student "${common[@]}" \
    --tokens "$student_tokens" -o "$out/student.gguf" $(resume "$out/student.gguf")
# shellcheck disable=SC2046
[ -s "$out/student-scratch.gguf" ] ||
  "$bin" model train --config student "${common[@]}" "${vocab[@]}" \
    --tokens "$student_tokens" -o "$out/student-scratch.gguf" $(resume "$out/student-scratch.gguf")

for m in teacher student student-scratch; do
  "$bin" model perplexity "$out/$m.gguf" --heldout "$corpus" -s "threads=$threads"
done
