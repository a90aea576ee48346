// Wanda's calibration (compress.hpp): the dense fp32 model's projection inputs over some
// text, as per-column sums of squares.
#pragma once

#include "stratbench/workloads/llm/compress.hpp"
#include "stratbench/workloads/llm/llama_engine.hpp"
#include "stratbench/workloads/llm/llama_model.hpp"

namespace sb::llm {

// The text: for a trained model (a GGUF file with its own vocabulary), the first
// seqs * seq_len tokens of the corpus's training part (never the held-out part it is scored
// on); for a synthetic one, seeded random tokens (random weights have no text of their
// own). Sequences of seq_len (at most the context) run through the unfused fp32 engine.
// Wanda used 128 sequences of 2048 tokens on LLaMA; 8 of 256 here keep a cell's set-up to
// seconds, and its figures say how well that did.
InputNorms calibrate(const ModelSpec& spec, int threads, int seqs = 8, int seq_len = 256);

// The model a strategy runs, ready for an engine with `opt` (engine_options(s)): its
// compression (calibrated first when prune=wanda), precision and fusion, then
// prepare_model's copies. What `model perplexity` and `serve` build.
LlamaModel build_model_for(const ModelSpec& spec, const Strategy& s, const EngineOptions& opt);

}  // namespace sb::llm
