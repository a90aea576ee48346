#!/usr/bin/env bash
# The compression measurements of reports/compression.md (issue 20), side by side in one
# run each, on a quiet machine:
#   1. speed: decode and prefill on the synthetic `small` shape (85M layer parameters, more
#      than the caches hold), dense against every compressed form, 2 threads;
#   2. quality: the same forms on the trained teacher (held-out perplexity, KL, top-1
#      against the uncompressed model), with the distilled and from-scratch students.
# usage: scripts/measure-compression.sh [OUT_DIR]   (default results/compression)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/compression}
bin=${STRATBENCH_BIN:-build/release/bin/stratbench}
[ -x "$bin" ] || { echo "measure-compression: $bin: not built (scripts/build.sh)" >&2; exit 2; }
mkdir -p "$out"
o=blocked+simd+threads=2
speed="$o,$o+sparsity=u70,$o+sparsity=u90,$o+sparsity=2of4,$o+lowrank=25,$o+lowrank=50,$o+share=2,$o+int8,$o+int4"
forms="$speed,$o+sparsity=u50,$o+sparsity=u70+prune=wanda,$o+sparsity=2of4+prune=wanda,$o+share=4,$o+int8+lowrank=25"
"$bin" run -w decode -s "$speed" -p model=small -p prompt_len=4 -p gen_len=32 --budget 2 -o "$out/speed-decode.json"
"$bin" run -w prefill -s "$o,$o+sparsity=u70,$o+sparsity=2of4,$o+lowrank=25" -p model=small -p prompt_len=128 \
  --budget 2 -o "$out/speed-prefill.json"
"$bin" run -w decode -s "$forms" -p model=teacher -p prompt_len=32 -p gen_len=32 -o "$out/quality-teacher.json"
"$bin" run -w decode -s "$o" -p model=teacher,student,student-scratch -p prompt_len=32 -p gen_len=32 \
  -o "$out/students.json"
