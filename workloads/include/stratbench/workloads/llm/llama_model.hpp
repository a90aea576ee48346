// A Llama model's weights in memory, in the storage type a strategy asks for, loaded from
// synthetic weights (synthetic_weights.hpp) or from a GGUF file (gguf.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "stratbench/workloads/llm/compress.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"
#include "stratbench/workloads/llm/model_config.hpp"
#include "stratbench/workloads/llm/synthetic_weights.hpp"
#include "stratbench/workloads/strategy.hpp"

namespace sb::llm {

// The `precision` knob (sb::Precision, strategy.hpp): how the weights are stored and multiplied.
const char* to_string(Precision p);
// Storage type of one tensor at a precision: llama.cpp's choices (llama_gguf.hpp's table),
// so int4 keeps the LM head at Q8_0 as llama.cpp's quantize does.
GgmlType storage_type(Precision p, const TensorSpec& spec, bool tied_embeddings);

struct LayerWeights {
  std::vector<float> attn_norm, ffn_norm;  // RMSNorm gains, always fp32 (dim floats each)
  // Unfused: q, k, v separately. Folded (fused strategies): one matrix of dim + 2*kv_dim
  // rows, q then k then v, with attn_norm's gain multiplied into its columns, so RMSNorm
  // becomes one sum of squares per token and a scale of the product's output.
  Matrix wq, wk, wv, wqkv;
  Matrix wo;
  // Folded: ffn_norm's gain is multiplied into gate and up (down is not behind a norm).
  Matrix w_gate, w_up, w_down;
};

struct LlamaModel {
  ModelConfig cfg;
  bool folded = false;  // gains folded into the projections (fusion=on)
  Precision precision = Precision::fp32;
  Matrix tok_embd;  // vocab rows of dim; rows are dequantized on lookup
  Matrix output;    // empty when tied: the head is tok_embd
  std::vector<float> output_norm;
  // One set per group of `share` consecutive layers (compress.hpp): layer l runs layers[l / share].
  std::vector<LayerWeights> layers;
  int share = 1;

  const LayerWeights& layer(int l) const { return layers[static_cast<std::size_t>(l / share)]; }
  const Matrix& head() const { return output.empty() ? tok_embd : output; }
  std::uint64_t weight_bytes() const;  // bytes of every stored tensor
};

// Where tensors come from: floats for a spec, in storage order. `raw` may give the stored
// bytes instead when they are already in the wanted type (a GGUF file of that type), so
// int4 on a Q4_0 file uses the file's exact blocks rather than requantized ones.
struct TensorSource {
  std::function<std::vector<float>(const TensorSpec&)> floats;
  std::function<bool(const TensorSpec&, GgmlType want, std::vector<std::uint8_t>& bytes)> raw;
};

// `c`: the layer projections compressed (compress.hpp); InputError for sparsity at a precision
// other than fp32.
LlamaModel build_model(const ModelConfig& cfg, const TensorSource& src, Precision p, bool fold_norms,
                       const Compression& c = {});

// Synthetic weights of a config from a seed.
LlamaModel synthetic_model(const ModelConfig& cfg, std::uint64_t seed, Precision p, bool fold_norms);

// A model named "tiny" | "small" | "1b" (synthetic, seed kSyntheticSeed) or a path to a llama
// GGUF file (InputError naming the file when it is missing or not llama architecture).
struct ModelSpec {
  ModelConfig cfg;
  TensorSource source;
  std::string describe;              // "tiny (synthetic, seed 1234)" or the path
  std::string path;                  // the GGUF file; empty for synthetic models
  std::shared_ptr<void> keep_alive;  // the mapped GGUF file while sources may read it
  // Drops the file's pages from the resident set once a model is built from it (the model
  // holds copies): empty for synthetic models.
  std::function<void()> drop_file_pages;
};
ModelSpec resolve_model(const std::string& name_or_path);

inline constexpr std::uint64_t kSyntheticSeed = 1234;

}  // namespace sb::llm
