#include "stratbench/workloads/llm/perplexity.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/bpe_vocab.hpp"
#include "stratbench/workloads/llm/trainer.hpp"
#include "stratbench/workloads/text/bpe_encoder.hpp"
#include "stratbench/workloads/text/text_input.hpp"

namespace sb::llm {

PerplexityResult perplexity(Engine& e, const std::vector<std::uint32_t>& ids, int ctx, int max_chunks, int bos,
                            const std::function<void(const PerplexityResult&)>& on_chunk) {
  if (ctx < 4) throw InputError("perplexity: a context of " + std::to_string(ctx) + " tokens is too short");
  if (ctx > e.cache().capacity())
    throw InputError("perplexity: context " + std::to_string(ctx) + " is longer than the model's " +
                     std::to_string(e.cache().capacity()));
  if (ids.size() < 2 * static_cast<std::size_t>(ctx))
    throw InputError("perplexity: the text has " + std::to_string(ids.size()) + " tokens; it needs at least 2 x " +
                     std::to_string(ctx) + " = " + std::to_string(2 * ctx));
  std::uint64_t chunks = ids.size() / static_cast<std::size_t>(ctx);
  if (max_chunks > 0) chunks = std::min<std::uint64_t>(chunks, static_cast<std::uint64_t>(max_chunks));
  const int vocab = e.model().cfg.vocab_size, first = ctx / 2;
  std::vector<int> tokens(ctx), seqs(ctx, 0);
  std::vector<float> logits(static_cast<std::size_t>(ctx) * vocab);
  // Running sums in double: mean and variance of the per-token NLL (Welford, stable).
  PerplexityResult r;
  double mean = 0, m2 = 0;
  for (std::uint64_t c = 0; c < chunks; ++c) {
    const std::size_t start = c * static_cast<std::size_t>(ctx);
    for (int t = 0; t < ctx; ++t) tokens[t] = static_cast<int>(ids[start + t]);
    if (bos >= 0) tokens[0] = bos;
    e.reset_seq(0);
    e.forward(tokens.data(), seqs.data(), ctx, true, logits.data());
    for (int j = first; j < ctx - 1; ++j) {
      const float* lg = logits.data() + static_cast<std::size_t>(j) * vocab;
      const float mx = *std::max_element(lg, lg + vocab);
      double sum = 0;
      for (int v = 0; v < vocab; ++v) sum += std::exp(static_cast<double>(lg[v]) - mx);
      const double nll = std::log(sum) + mx - lg[ids[start + j + 1]];
      ++r.scored;
      const double d = nll - mean;
      mean += d / static_cast<double>(r.scored);
      m2 += d * (nll - mean);
    }
    r.chunks = c + 1;
    r.nll = mean;
    r.ppl = std::exp(mean);
    r.nll_stderr = r.scored > 1 ? std::sqrt(m2 / static_cast<double>(r.scored - 1) / static_cast<double>(r.scored)) : 0;
    if (on_chunk) on_chunk(r);
  }
  return r;
}

std::vector<std::uint32_t> heldout_ids(const GgufFile& model, std::size_t max_tokens, std::string* why) {
  return corpus_ids(model, max_tokens, true, why);
}

std::vector<std::uint32_t> corpus_ids(const GgufFile& model, std::size_t max_tokens, bool heldout, std::string* why) {
  if (!model.has("tokenizer.ggml.model") || model.get_string("tokenizer.ggml.model") != "gpt2") {
    *why = "the model has no GPT-2-style vocabulary (only models from `model train` are scored)";
    return {};
  }
  const std::string corpus = text::datasets_dir() + "/corpus/corpus.txt";
  std::error_code ec;
  if (!std::filesystem::exists(corpus, ec)) {
    *why = corpus + " is missing (scripts/setup.sh builds it)";
    return {};
  }
  std::vector<char> buf;
  text::read_file_into(corpus, buf);
  train::TextSplit split = train::split_text({buf.data(), buf.size()});
  const std::string held = heldout ? std::move(split.heldout) : std::move(split.train);
  const text::Encoding enc = encoding_from_gguf(model);
  // About 3 bytes a token: encode a prefix long enough, then cut at max_tokens.
  std::vector<std::uint32_t> ids;
  text::Encoder(enc, {text::MergeAlgo::heap, true, 14})
      .encode_ordinary(std::string_view(held).substr(0, max_tokens * 8), ids);
  if (ids.size() > max_tokens) ids.resize(max_tokens);
  return ids;
}

}  // namespace sb::llm
