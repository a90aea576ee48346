#!/usr/bin/env bash
# A real `stratbench run --trace` trace, opened by speedscope in headless Chromium: the
# decode's steps with their layers and operations, and the tokenizer's two threads.
# usage: real_trace.sh STRATBENCH NODE CHECK_SCRIPT WORKDIR
set -euo pipefail
bin=$1 node=$2 check=$3 dir=$4
rm -rf "$dir" && mkdir -p "$dir"
quick=(--min-samples 3 --max-samples 3 --warmup 0.01 --trace --trace-iters 2)
"$bin" run -w decode -s simd+threads=2 -p model=tiny -p prompt_len=16 -p gen_len=8 "${quick[@]}" \
  -o "$dir/decode.json" >/dev/null
"$node" "$check" "$dir"/decode.traces/*.json --expect-thread main --expect-thread "worker 1" \
  --expect-stack "traced pass;iteration;prefill;forward;layer;attention" \
  --expect-stack "traced pass;iteration;decode step;forward;layer;qkv_proj" \
  --expect-stack "traced pass;iteration;decode step;forward;lm_head" \
  --expect-stack "traced pass;iteration;decode step;sample"
"$bin" run -w tokenize -s heap+cache+threads=2 -p encoding=gpt2 -p input=sample -p chunk=16 "${quick[@]}" \
  -o "$dir/tokenize.json" >/dev/null
"$node" "$check" "$dir"/tokenize.traces/*.json --expect-thread main --expect-thread "worker 1" \
  --expect-stack "traced pass;iteration;read" \
  --expect-frame "encode chunk (pre-tokenize + merge)" \
  --expect-frame "gather ids (merge of thread results)"
