#include "stratbench/workloads/llm/perplexity.hpp"

#include <algorithm>
#include <cmath>

#include "stratbench/result/errors.hpp"

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

}  // namespace sb::llm
