// The shape of a Llama-architecture model: what a GGUF file's llama.* metadata says, as a
// plain struct. Named configs give the benchmark's standard sizes; tests build their own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sb::llm {

struct ModelConfig {
  std::string name;
  int dim = 0;         // embedding width (n_embd)
  int n_layers = 0;    // transformer blocks
  int n_heads = 0;     // query heads; head_dim = dim / n_heads
  int n_kv_heads = 0;  // key/value heads (grouped-query attention when < n_heads)
  int hidden_dim = 0;  // SwiGLU feed-forward width (n_ff)
  int vocab_size = 0;
  int max_seq_len = 0;  // context length the model is built for
  // Llama 2 and TinyLlama train with 1e-5; llama.cpp reads it from the file.
  float norm_eps = 1e-5f;
  float rope_theta = 10000.f;
  // true: no output.weight, the logits reuse token_embd (llama.cpp falls back the same way).
  bool tied_embeddings = false;

  int head_dim() const { return n_heads > 0 ? dim / n_heads : 0; }
  int kv_dim() const { return head_dim() * n_kv_heads; }
};

// "tiny" (llama2.c stories15M shape), "small" (stories110M shape), "1b" (TinyLlama-1.1B).
// Throws InputError listing the known names.
ModelConfig model_config(const std::string& name);
std::vector<std::string> model_config_names();

// Throws InputError naming the first inconsistent field: every count positive, heads
// dividing dim and n_kv_heads dividing n_heads, an even head_dim (rope rotates pairs),
// and dim and hidden_dim multiples of 32 (the block of Q8_0 and Q4_0 along a row).
void validate(const ModelConfig& c);

// Weights in the model, embedding and (when untied) output head included.
std::uint64_t parameter_count(const ModelConfig& c);

}  // namespace sb::llm
