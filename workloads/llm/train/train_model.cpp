#include "stratbench/workloads/llm/train_model.hpp"

#include <algorithm>
#include <cmath>

#include "../seeded_normal.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/train_ops.hpp"

namespace sb::llm::train {

ParamLayout::ParamLayout(const ModelConfig& c) : cfg(c), specs(llama_tensor_specs(c)) {
  for (const auto& s : specs) {
    offsets.push_back(total);
    total += s.elements();
  }
}

std::size_t ParamLayout::offset(const std::string& name) const {
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (specs[i].name == name) return offsets[i];
  SB_CHECK(!"no such tensor");
  return 0;
}

const TensorSpec& ParamLayout::spec(const std::string& name) const {
  for (const auto& s : specs)
    if (s.name == name) return s;
  SB_CHECK(!"no such tensor");
  return specs[0];
}

std::vector<float> init_params(const ParamLayout& l, std::uint64_t seed) {
  std::vector<float> p(l.total);
  const double resid = 0.02 / std::sqrt(2.0 * l.cfg.n_layers);
  for (std::size_t i = 0; i < l.specs.size(); ++i) {
    const TensorSpec& s = l.specs[i];
    float* out = p.data() + l.offsets[i];
    if (s.role == TensorRole::norm) {
      std::fill(out, out + s.elements(), 1.f);
      continue;
    }
    const bool to_residual = s.name.ends_with("attn_output.weight") || s.name.ends_with("ffn_down.weight");
    const double sd = to_residual ? resid : 0.02;
    Normal n(tensor_seed(seed, s.name, 7));
    for (std::uint64_t j = 0; j < s.elements(); ++j) out[j] = static_cast<float>(sd * n.next());
  }
  return p;
}

template <class T>
void Trainable<T>::resize(int batch, int seq) {
  if (batch == batch_ && seq == seq_) return;
  batch_ = batch, seq_ = seq;
  const ModelConfig& c = l_.cfg;
  const std::size_t N = static_cast<std::size_t>(batch) * seq, D = c.dim, KV = c.kv_dim(), H = c.hidden_dim;
  layers_.assign(c.n_layers, {});
  for (Layer& L : layers_) {
    L.x.resize(N * D), L.xn1.resize(N * D), L.r1.resize(N), L.q.resize(N * D), L.k.resize(N * KV);
    L.v.resize(N * KV), L.p.resize(static_cast<std::size_t>(batch) * c.n_heads * seq * seq), L.att.resize(N * D);
    L.mid.resize(N * D), L.xn2.resize(N * D), L.r2.resize(N), L.a.resize(N * H), L.u.resize(N * H);
    L.h.resize(N * H);
  }
  x_final_.resize(N * D), xf_.resize(N * D), rf_.resize(N), logits_.resize(N * c.vocab_size);
  for (auto* v : {&dx_, &dmid_, &dtmp_, &dn_, &dq_, &datt_}) v->resize(N * D);
  for (auto* v : {&dk_, &dv_}) v->resize(N * KV);
  for (auto* v : {&da_, &du_, &dh_}) v->resize(N * H);
}

template <class T>
double Trainable<T>::loss(const T* w, const int* tokens, const int* targets, int batch, int seq, T* grad,
                          ThreadPool* pool, const SoftTargets<T>* soft) {
  const ModelConfig& c = l_.cfg;
  resize(batch, seq);
  const int n = batch * seq, D = c.dim, KV = c.kv_dim(), H = c.hidden_dim, V = c.vocab_size;
  const T eps = static_cast<T>(c.norm_eps);
  const std::size_t ND = static_cast<std::size_t>(n) * D;
  for (int t = 0; t < n; ++t)
    if (tokens[t] < 0 || tokens[t] >= V)
      throw InputError("token id " + std::to_string(tokens[t]) + " is outside the vocabulary (0.." +
                       std::to_string(V - 1) + ")");
  const std::size_t e_off = l_.offset("token_embd.weight");
  const std::size_t head_off = c.tied_embeddings ? e_off : l_.offset("output.weight");
  const AttentionShape as{batch, seq, c.n_heads, c.n_kv_heads, c.head_dim(), D, KV, D};
  auto at = [&](const std::string& name) { return l_.offset(name); };

  // Forward, keeping what the backward pass needs.
  T* x = layers_.empty() ? x_final_.data() : layers_[0].x.data();
  for (int t = 0; t < n; ++t)
    std::copy_n(w + e_off + static_cast<std::size_t>(tokens[t]) * D, D, x + static_cast<std::size_t>(t) * D);
  for (int li = 0; li < c.n_layers; ++li) {
    Layer& L = layers_[li];
    const std::string b = "blk." + std::to_string(li) + ".";
    rmsnorm_fwd(L.x.data(), w + at(b + "attn_norm.weight"), n, D, eps, L.xn1.data(), L.r1.data(), pool);
    linear_fwd(L.xn1.data(), n, D, w + at(b + "attn_q.weight"), D, L.q.data(), false, pool);
    linear_fwd(L.xn1.data(), n, D, w + at(b + "attn_k.weight"), KV, L.k.data(), false, pool);
    linear_fwd(L.xn1.data(), n, D, w + at(b + "attn_v.weight"), KV, L.v.data(), false, pool);
    rope(L.q.data(), n, seq, D, c.n_heads, c.head_dim(), c.rope_theta, false, pool);
    rope(L.k.data(), n, seq, KV, c.n_kv_heads, c.head_dim(), c.rope_theta, false, pool);
    attention_fwd(as, L.q.data(), L.k.data(), L.v.data(), L.p.data(), L.att.data(), pool);
    std::copy_n(L.x.data(), ND, L.mid.data());
    linear_fwd(L.att.data(), n, D, w + at(b + "attn_output.weight"), D, L.mid.data(), true, pool);
    rmsnorm_fwd(L.mid.data(), w + at(b + "ffn_norm.weight"), n, D, eps, L.xn2.data(), L.r2.data(), pool);
    linear_fwd(L.xn2.data(), n, D, w + at(b + "ffn_gate.weight"), H, L.a.data(), false, pool);
    linear_fwd(L.xn2.data(), n, D, w + at(b + "ffn_up.weight"), H, L.u.data(), false, pool);
    swiglu_fwd(L.a.data(), L.u.data(), static_cast<std::size_t>(n) * H, L.h.data(), pool);
    T* next = li + 1 < c.n_layers ? layers_[li + 1].x.data() : x_final_.data();
    std::copy_n(L.mid.data(), ND, next);
    linear_fwd(L.h.data(), n, H, w + at(b + "ffn_down.weight"), D, next, true, pool);
  }
  rmsnorm_fwd(x_final_.data(), w + at("output_norm.weight"), n, D, eps, xf_.data(), rf_.data(), pool);
  linear_fwd(xf_.data(), n, D, w + head_off, V, logits_.data(), false, pool);
  const double loss = soft ? distill_loss(logits_.data(), soft->logits, targets, n, V, soft->temperature, soft->alpha,
                                          grad != nullptr, pool)
                           : cross_entropy(logits_.data(), targets, n, V, grad != nullptr, pool);
  if (!grad) return loss;

  // Backward: logits_ now hold d(loss)/d(logits).
  linear_bwd(xf_.data(), logits_.data(), n, D, w + head_off, V, dn_.data(), grad + head_off, false, pool);
  rmsnorm_bwd(x_final_.data(), w + at("output_norm.weight"), rf_.data(), dn_.data(), n, D, dx_.data(),
              grad + at("output_norm.weight"), pool);
  for (int li = c.n_layers - 1; li >= 0; --li) {
    Layer& L = layers_[li];
    const std::string b = "blk." + std::to_string(li) + ".";
    // x_next = mid + h Wd^T
    linear_bwd(L.h.data(), dx_.data(), n, H, w + at(b + "ffn_down.weight"), D, dh_.data(),
               grad + at(b + "ffn_down.weight"), false, pool);
    swiglu_bwd(L.a.data(), L.u.data(), dh_.data(), static_cast<std::size_t>(n) * H, da_.data(), du_.data(), pool);
    linear_bwd(L.xn2.data(), da_.data(), n, D, w + at(b + "ffn_gate.weight"), H, dn_.data(),
               grad + at(b + "ffn_gate.weight"), false, pool);
    linear_bwd(L.xn2.data(), du_.data(), n, D, w + at(b + "ffn_up.weight"), H, dn_.data(),
               grad + at(b + "ffn_up.weight"), true, pool);
    rmsnorm_bwd(L.mid.data(), w + at(b + "ffn_norm.weight"), L.r2.data(), dn_.data(), n, D, dtmp_.data(),
                grad + at(b + "ffn_norm.weight"), pool);
    for (std::size_t i = 0; i < ND; ++i) dmid_[i] = dx_[i] + dtmp_[i];
    // mid = x + att Wo^T
    linear_bwd(L.att.data(), dmid_.data(), n, D, w + at(b + "attn_output.weight"), D, datt_.data(),
               grad + at(b + "attn_output.weight"), false, pool);
    attention_bwd(as, L.q.data(), L.k.data(), L.v.data(), L.p.data(), datt_.data(), dq_.data(), dk_.data(), dv_.data(),
                  pool);
    rope(dq_.data(), n, seq, D, c.n_heads, c.head_dim(), c.rope_theta, true, pool);
    rope(dk_.data(), n, seq, KV, c.n_kv_heads, c.head_dim(), c.rope_theta, true, pool);
    linear_bwd(L.xn1.data(), dq_.data(), n, D, w + at(b + "attn_q.weight"), D, dn_.data(),
               grad + at(b + "attn_q.weight"), false, pool);
    linear_bwd(L.xn1.data(), dk_.data(), n, D, w + at(b + "attn_k.weight"), KV, dn_.data(),
               grad + at(b + "attn_k.weight"), true, pool);
    linear_bwd(L.xn1.data(), dv_.data(), n, D, w + at(b + "attn_v.weight"), KV, dn_.data(),
               grad + at(b + "attn_v.weight"), true, pool);
    rmsnorm_bwd(L.x.data(), w + at(b + "attn_norm.weight"), L.r1.data(), dn_.data(), n, D, dtmp_.data(),
                grad + at(b + "attn_norm.weight"), pool);
    for (std::size_t i = 0; i < ND; ++i) dx_[i] = dmid_[i] + dtmp_[i];
  }
  // The embedding rows: serial, so that repeated tokens add in a fixed order.
  for (int t = 0; t < n; ++t) {
    T* g = grad + e_off + static_cast<std::size_t>(tokens[t]) * D;
    const T* d = dx_.data() + static_cast<std::size_t>(t) * D;
    for (int i = 0; i < D; ++i) g[i] += d[i];
  }
  return loss;
}

template class Trainable<float>;
template class Trainable<double>;

}  // namespace sb::llm::train
