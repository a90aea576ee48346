// Perplexity of a model on a token stream, by llama.cpp's llama-perplexity protocol so that
// the two tools' figures compare: the stream is cut into chunks of `ctx` tokens (the tail
// that does not fill a chunk is dropped); each chunk is one forward pass from an empty
// cache, and only its second half is scored: the logits of positions ctx/2 .. ctx-2
// predict tokens ctx/2+1 .. ctx-1 (ctx - 1 - ctx/2 tokens, each seen after more than ctx/2
// tokens of context). With add_bos, a chunk's first token is replaced by BOS, as llama-perplexity does
// for vocabularies that add one (ours, GPT-2 style, do not).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "stratbench/workloads/llm/gguf.hpp"
#include "stratbench/workloads/llm/llama_engine.hpp"

namespace sb::llm {

struct PerplexityResult {
  double ppl = 0;         // exp(mean negative log-likelihood)
  double nll = 0;         // mean negative log-likelihood, nats per token
  double nll_stderr = 0;  // its standard error over the scored tokens
  std::uint64_t scored = 0, chunks = 0;
};

// `e` must hold one sequence of capacity >= ctx. max_chunks 0: every chunk. InputError when
// the stream holds fewer than 2 * ctx tokens (llama-perplexity's own minimum). on_chunk,
// when given, sees the running estimate after each chunk.
PerplexityResult perplexity(Engine& e, const std::vector<std::uint32_t>& ids, int ctx, int max_chunks, int bos = -1,
                            const std::function<void(const PerplexityResult&)>& on_chunk = nullptr);

// The text a trained model is scored on in benchmark cells: the held-out part of the
// project's corpus (<datasets>/corpus/corpus.txt, split as `model train` splits it),
// its first max_tokens tokens in the model file's own vocabulary. Empty, with the reason
// in *why, when the file has no GPT-2-style vocabulary (a synthetic model) or the corpus
// is not there.
std::vector<std::uint32_t> heldout_ids(const GgufFile& model, std::size_t max_tokens, std::string* why);
// The same from either part: the held-out one, or the training one (calibration text).
std::vector<std::uint32_t> corpus_ids(const GgufFile& model, std::size_t max_tokens, bool heldout, std::string* why);

}  // namespace sb::llm
