#include "stratbench/workloads/llm/synthetic_weights.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string_view>

#include "seeded_normal.hpp"

namespace sb::llm {

std::uint64_t TensorSpec::elements() const {
  std::uint64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

std::vector<TensorSpec> llama_tensor_specs(const ModelConfig& c) {
  validate(c);
  const std::uint64_t d = c.dim, h = c.hidden_dim, v = c.vocab_size,
                      q = static_cast<std::uint64_t>(c.n_heads) * c.head_dim(), kv = c.kv_dim();
  std::vector<TensorSpec> s;
  s.push_back({"token_embd.weight", {d, v}, TensorRole::embedding});
  for (int i = 0; i < c.n_layers; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    s.push_back({b + "attn_norm.weight", {d}, TensorRole::norm});
    s.push_back({b + "attn_q.weight", {d, q}, TensorRole::linear});
    s.push_back({b + "attn_k.weight", {d, kv}, TensorRole::linear});
    s.push_back({b + "attn_v.weight", {d, kv}, TensorRole::linear});
    s.push_back({b + "attn_output.weight", {q, d}, TensorRole::linear});
    s.push_back({b + "ffn_norm.weight", {d}, TensorRole::norm});
    s.push_back({b + "ffn_gate.weight", {d, h}, TensorRole::linear});
    s.push_back({b + "ffn_up.weight", {d, h}, TensorRole::linear});
    s.push_back({b + "ffn_down.weight", {h, d}, TensorRole::linear});
  }
  s.push_back({"output_norm.weight", {d}, TensorRole::norm});
  if (!c.tied_embeddings) s.push_back({"output.weight", {d, v}, TensorRole::output});
  return s;
}

std::vector<OutlierChannel> outlier_channels(const TensorSpec& spec, std::uint64_t seed) {
  if (spec.role != TensorRole::linear && spec.role != TensorRole::output) return {};
  const std::uint64_t n_in = spec.dims[0];
  const auto count =
      std::clamp<std::uint64_t>(static_cast<std::uint64_t>(std::llround(kOutlierFraction * n_in)), 1, n_in);
  std::mt19937_64 rng(tensor_seed(seed, spec.name, 1));
  std::vector<OutlierChannel> out;
  while (out.size() < count) {
    const std::uint64_t ch = rng() % n_in;  // the modulo bias is irrelevant here
    const float scale = static_cast<float>(10.0 + 10.0 * (static_cast<double>(rng() >> 11) * 0x1p-53));
    if (std::none_of(out.begin(), out.end(), [&](const OutlierChannel& o) { return o.channel == ch; }))
      out.push_back({ch, scale});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.channel < b.channel; });
  return out;
}

std::vector<float> synthetic_tensor(const TensorSpec& spec, std::uint64_t seed) {
  std::vector<float> w(spec.elements());
  Normal normal(tensor_seed(seed, spec.name, 0));
  if (spec.role == TensorRole::norm) {
    for (auto& x : w) x = static_cast<float>(1.0 + kWeightStd * normal.next());
    return w;
  }
  for (auto& x : w) x = static_cast<float>(kWeightStd * normal.next());
  const std::uint64_t n_in = spec.dims[0];
  for (const auto& o : outlier_channels(spec, seed))
    for (std::uint64_t row = 0; row < w.size() / n_in; ++row) w[row * n_in + o.channel] *= o.scale;
  return w;
}

}  // namespace sb::llm
