// Deterministic Llama weights for a ModelConfig: the tensors of a llama.cpp GGUF file, named
// and shaped as llama.cpp names and shapes them, filled from a seed.
//
// Layout (ggml order: dims[0] = ne0 is the contiguous, input dimension). A linear weight
// with dims {in, out} is `out` rows of `in` floats, W[o][i] at o*in + i, so y = W x takes
// one dot product per row (the PyTorch nn.Linear [out, in] layout):
//   token_embd.weight          {dim, vocab}        row t is token t's embedding
//   blk.N.attn_norm.weight     {dim}               RMSNorm gain before attention
//   blk.N.attn_q.weight        {dim, n_heads*hd}   hd = head_dim = dim / n_heads
//   blk.N.attn_k.weight        {dim, n_kv_heads*hd}
//   blk.N.attn_v.weight        {dim, n_kv_heads*hd}
//   blk.N.attn_output.weight   {n_heads*hd, dim}
//   blk.N.ffn_norm.weight      {dim}               RMSNorm gain before the feed-forward
//   blk.N.ffn_gate.weight      {dim, hidden}       SwiGLU: down(silu(gate x) * up x)
//   blk.N.ffn_up.weight        {dim, hidden}
//   blk.N.ffn_down.weight      {hidden, dim}
//   output_norm.weight         {dim}
//   output.weight              {dim, vocab}        absent when tied: logits use token_embd
// Output rows of Q and K are grouped by head: head h owns rows h*hd .. h*hd+hd-1.
//
// RoPE convention: the file is in llama.cpp's GGUF convention for LLAMA, rope type "normal":
// within each head, dimensions (2i, 2i+1) form a rotated pair with angle
// pos * rope_theta^(-2i/hd). llama.cpp's converter permutes Hugging Face's Q/K rows
// (rotate-half pairs (i, i+hd/2)) into this order; these weights are synthetic and born in
// it, so an engine that rotates adjacent pairs of the stored Q/K computes what llama.cpp
// computes on the same file.
//
// Values: normal with std 0.02 (Box-Muller over std::mt19937_64, both specified exactly by
// the standard, so the same seed gives the same bits with any standard library; only
// std::log/cos/sin could differ in the last place between math libraries). Linear weights
// and the output head carry outlier input channels: 0.5% of the input channels (at least
// one), each scaled by a factor in [10, 20], chosen by the seed per tensor, as real LLMs
// have a few activation/weight channels far larger than the rest; a quantizer's block that
// holds one is stretched by it, which is what quantization meets on real models. RMSNorm
// gains are 1 + N(0, 0.02). Every tensor is seeded from (seed, tensor name), so tensors
// can be made in any order, one at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stratbench/workloads/llm/model_config.hpp"

namespace sb::llm {

enum class TensorRole {
  embedding,  // token_embd.weight
  norm,       // RMSNorm gains
  linear,     // attention and feed-forward projections
  output,     // output.weight, the LM head
};

struct TensorSpec {
  std::string name;
  std::vector<std::uint64_t> dims;  // ggml order, dims[0] contiguous
  TensorRole role = TensorRole::linear;
  std::uint64_t elements() const;
};

// Every tensor of the model in file order: token_embd, blk.0 .. blk.{n-1}, output_norm,
// output (unless tied). Calls validate(c).
std::vector<TensorSpec> llama_tensor_specs(const ModelConfig& c);

// The tensor's values in storage order (dims[0] fastest).
std::vector<float> synthetic_tensor(const TensorSpec& spec, std::uint64_t seed);

// The input channels of a linear/output tensor that synthetic_tensor scales, with their
// factors (empty for embeddings and norms). Exposed for tests and quantization studies.
struct OutlierChannel {
  std::uint64_t channel;
  float scale;
};
std::vector<OutlierChannel> outlier_channels(const TensorSpec& spec, std::uint64_t seed);

inline constexpr double kWeightStd = 0.02;
inline constexpr double kOutlierFraction = 0.005;

}  // namespace sb::llm
