// A Llama model's parameters as one flat vector (so the optimizer, gradient clipping and
// checkpoints see one array), and the forward + backward pass over a batch of sequences
// that training needs. The tensors, their order and layout are the GGUF file's
// (llama_tensor_specs), so trained parameters are written to a file as they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "stratbench/workloads/llm/model_config.hpp"
#include "stratbench/workloads/llm/synthetic_weights.hpp"

namespace sb {
class ThreadPool;
}

namespace sb::llm::train {

struct ParamLayout {
  ModelConfig cfg;
  std::vector<TensorSpec> specs;     // llama_tensor_specs(cfg)
  std::vector<std::size_t> offsets;  // where each spec's values start
  std::size_t total = 0;             // parameters in all

  explicit ParamLayout(const ModelConfig& c);         // validates c
  std::size_t offset(const std::string& name) const;  // SB_CHECK that it exists
  const TensorSpec& spec(const std::string& name) const;
};

// The initialization GPT-2 and llama2.c use: normal(0, 0.02) for every matrix, the
// projections that write into the residual stream (attn_output, ffn_down) scaled by
// 1/sqrt(2 * n_layers), RMSNorm gains 1. Deterministic from the seed (mt19937_64 +
// Box-Muller, as synthetic_weights.hpp).
std::vector<float> init_params(const ParamLayout& l, std::uint64_t seed);

// A teacher's logits for the same batch (N rows of its vocabulary, which must be the
// student's), for distillation (train_ops.hpp distill_loss).
template <class T>
struct SoftTargets {
  const T* logits = nullptr;
  double temperature = 2, alpha = 0.5;
};

// Forward and backward over B sequences of S tokens. Holds the activations of one batch
// between the two, sized on first use and reused.
template <class T>
class Trainable {
 public:
  explicit Trainable(const ParamLayout& l) : l_(l) {}

  // Mean cross-entropy of predicting targets[n] from tokens[0..n] of each sequence
  // (targets < 0 do not count). With `grad`, ADDS d(loss)/d(params) into it (the caller
  // zeroes it, or accumulates micro-batches). With `soft`, the distillation loss instead.
  double loss(const T* params, const int* tokens, const int* targets, int batch, int seq, T* grad, ThreadPool* pool,
              const SoftTargets<T>* soft = nullptr);
  // The logits of the last forward (every row, vocab wide), when it ran without grad.
  const std::vector<T>& logits() const { return logits_; }

 private:
  struct Layer {
    std::vector<T> x, xn1, r1, q, k, v, p, att, mid, xn2, r2, a, u, h;
  };
  void resize(int batch, int seq);

  const ParamLayout& l_;
  int batch_ = 0, seq_ = 0;
  std::vector<Layer> layers_;
  std::vector<T> x_final_, xf_, rf_, logits_;
  // Backward scratch.
  std::vector<T> dx_, dmid_, dtmp_, dn_, dq_, dk_, dv_, datt_, da_, du_, dh_;
};

extern template class Trainable<float>;
extern template class Trainable<double>;

}  // namespace sb::llm::train
