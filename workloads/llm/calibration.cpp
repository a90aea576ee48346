#include "stratbench/workloads/llm/calibration.hpp"

#include <algorithm>

#include "stratbench/workloads/llm/gguf.hpp"
#include "stratbench/workloads/llm/llama_engine.hpp"
#include "stratbench/workloads/llm/perplexity.hpp"

namespace sb::llm {

InputNorms calibrate(const ModelSpec& spec, int threads, int seqs, int seq_len) {
  seq_len = std::min(seq_len, spec.cfg.max_seq_len);
  std::vector<std::vector<int>> text;
  std::string why;
  const auto* file = static_cast<const GgufFile*>(spec.keep_alive.get());
  const std::vector<std::uint32_t> ids =
      file ? corpus_ids(*file, static_cast<std::size_t>(seqs) * seq_len, false, &why) : std::vector<std::uint32_t>{};
  if (ids.size() >= static_cast<std::size_t>(seq_len)) {
    for (std::size_t at = 0; at + seq_len <= ids.size(); at += seq_len)
      text.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(at),
                        ids.begin() + static_cast<std::ptrdiff_t>(at) + seq_len);
  } else {
    text = make_prompts(seqs, seq_len, spec.cfg.vocab_size, 77);
  }
  const LlamaModel m = build_model(spec.cfg, spec.source, Precision::fp32, false);
  Engine e(m, EngineOptions{.simd = best_llm_simd_level(), .threads = threads}, 1, seq_len);
  InputNorms norms;
  e.observe_inputs(&norms);
  std::vector<int> seq0(static_cast<std::size_t>(seq_len), 0);
  // Every position's logits: with the last one only, the engine runs the last layer's
  // attention output and FFN for that row alone, and its statistics would see 1 token in 256.
  std::vector<float> logits(static_cast<std::size_t>(spec.cfg.vocab_size) * seq_len);
  for (const auto& s : text) {
    e.reset_seq(0);
    e.forward(s.data(), seq0.data(), seq_len, true, logits.data());
  }
  e.observe_inputs(nullptr);
  return norms;
}

LlamaModel build_model_for(const ModelSpec& spec, const Strategy& s, const EngineOptions& opt) {
  Compression comp = compression_of(s.k);
  InputNorms wanda;  // read only while the model is built (pruning happens there)
  if (s.k.sparsity != Sparsity::off && s.k.prune == Prune::wanda) {
    wanda = calibrate(spec, opt.threads);
    comp.wanda = &wanda;
  }
  LlamaModel m = build_model(spec.cfg, spec.source, s.k.precision, opt.fused, comp);
  prepare_model(m, opt);
  return m;
}

}  // namespace sb::llm
