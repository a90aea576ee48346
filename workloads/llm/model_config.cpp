#include "stratbench/workloads/llm/model_config.hpp"
#include "stratbench/result/text.hpp"

#include "stratbench/result/errors.hpp"

namespace sb::llm {
namespace {

std::vector<ModelConfig> named_configs() {
  std::vector<ModelConfig> v(3);
  // The llama2.c "stories" shapes: small enough to run everywhere, real enough to measure.
  v[0].name = "tiny";
  v[0].dim = 288, v[0].n_layers = 6, v[0].n_heads = 6, v[0].n_kv_heads = 6, v[0].hidden_dim = 768;
  v[0].vocab_size = 32000, v[0].max_seq_len = 256;
  v[1].name = "small";
  v[1].dim = 768, v[1].n_layers = 12, v[1].n_heads = 12, v[1].n_kv_heads = 12, v[1].hidden_dim = 2048;
  v[1].vocab_size = 32000, v[1].max_seq_len = 1024;
  // TinyLlama-1.1B's config.json: GQA with 4 kv heads, untied head.
  v[2].name = "1b";
  v[2].dim = 2048, v[2].n_layers = 22, v[2].n_heads = 32, v[2].n_kv_heads = 4, v[2].hidden_dim = 5632;
  v[2].vocab_size = 32000, v[2].max_seq_len = 2048, v[2].rope_theta = 10000.f;
  return v;
}

}  // namespace

std::vector<std::string> model_config_names() {
  std::vector<std::string> names;
  for (const auto& c : named_configs()) names.push_back(c.name);
  return names;
}

ModelConfig model_config(const std::string& name) {
  for (const auto& c : named_configs())
    if (c.name == name) return c;
  throw InputError("unknown model config '" + name +
                   "' (known: " + join(named_configs(), ", ", [](const ModelConfig& c) { return c.name; }) + ")");
}

void validate(const ModelConfig& c) {
  auto fail = [&](const std::string& what) { throw InputError("model config '" + c.name + "': " + what); };
  auto positive = [&](const char* field, long long v) {
    if (v <= 0) fail(std::string(field) + " = " + std::to_string(v) + " must be positive");
  };
  positive("dim", c.dim);
  positive("n_layers", c.n_layers);
  positive("n_heads", c.n_heads);
  positive("n_kv_heads", c.n_kv_heads);
  positive("hidden_dim", c.hidden_dim);
  positive("vocab_size", c.vocab_size);
  positive("max_seq_len", c.max_seq_len);
  if (c.dim % c.n_heads != 0)
    fail("dim " + std::to_string(c.dim) + " is not a multiple of n_heads " + std::to_string(c.n_heads));
  if (c.n_heads % c.n_kv_heads != 0)
    fail("n_heads " + std::to_string(c.n_heads) + " is not a multiple of n_kv_heads " + std::to_string(c.n_kv_heads));
  if (c.head_dim() % 2 != 0) fail("head_dim " + std::to_string(c.head_dim()) + " is odd (rope rotates pairs)");
  if (c.dim % 32 != 0) fail("dim " + std::to_string(c.dim) + " is not a multiple of 32 (quantization block)");
  if (c.hidden_dim % 32 != 0)
    fail("hidden_dim " + std::to_string(c.hidden_dim) + " is not a multiple of 32 (quantization block)");
  if (!(c.norm_eps > 0)) fail("norm_eps must be positive");
  if (!(c.rope_theta > 0)) fail("rope_theta must be positive");
}

std::uint64_t parameter_count(const ModelConfig& c) {
  const std::uint64_t d = c.dim, h = c.hidden_dim, v = c.vocab_size, kv = c.kv_dim();
  const std::uint64_t per_layer = 2 * d         // attn_norm, ffn_norm
                                  + d * d * 2   // q, output
                                  + d * kv * 2  // k, v
                                  + d * h * 3;  // gate, up, down
  return v * d + per_layer * c.n_layers + d + (c.tied_embeddings ? 0 : v * d);
}

}  // namespace sb::llm
