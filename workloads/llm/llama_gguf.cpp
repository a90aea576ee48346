#include "stratbench/workloads/llm/llama_gguf.hpp"
#include "stratbench/result/text.hpp"

#include <cstring>
#include <limits>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/quant.hpp"

namespace sb::llm {

namespace {
constexpr WeightType kAllWeightTypes[] = {WeightType::f32, WeightType::f16, WeightType::bf16, WeightType::q8_0,
                                          WeightType::q4_0};
// Ids of SentencePiece's special tokens in the Llama vocabulary, and llama.cpp's defaults.
constexpr std::uint32_t kUnkId = 0, kBosId = 1, kEosId = 2;
}  // namespace

const char* to_string(WeightType t) {
  switch (t) {
    case WeightType::f32: return "f32";
    case WeightType::f16: return "f16";
    case WeightType::bf16: return "bf16";
    case WeightType::q8_0: return "q8_0";
    case WeightType::q4_0: return "q4_0";
  }
  return "?";
}

WeightType parse_weight_type(const std::string& s) {
  for (auto t : kAllWeightTypes)
    if (s == to_string(t)) return t;
  throw InputError("unknown weight type '" + s + "' (" +
                   join(kAllWeightTypes, ", ", [](auto t) { return std::string(to_string(t)); }) + ")");
}

std::uint32_t llama_file_type(WeightType t) {
  switch (t) {
    case WeightType::f32: return 0;
    case WeightType::f16: return 1;
    case WeightType::q4_0: return 2;
    case WeightType::q8_0: return 7;
    case WeightType::bf16: return 32;
  }
  return 0;
}

std::string llama_file_type_name(std::uint32_t ftype) {
  switch (ftype) {
    case 0: return "ALL_F32";
    case 1: return "MOSTLY_F16";
    case 2: return "MOSTLY_Q4_0";
    case 7: return "MOSTLY_Q8_0";
    case 32: return "MOSTLY_BF16";
    default: return "unknown";
  }
}

GgmlType storage_type(WeightType t, const TensorSpec& spec, bool tied_embeddings) {
  if (spec.role == TensorRole::norm || t == WeightType::f32) return GgmlType::f32;
  switch (t) {
    case WeightType::f16: return GgmlType::f16;
    case WeightType::bf16: return GgmlType::bf16;
    case WeightType::q8_0: return GgmlType::q8_0;
    case WeightType::q4_0: {
      const bool is_head = spec.role == TensorRole::output || (tied_embeddings && spec.role == TensorRole::embedding);
      return is_head ? GgmlType::q8_0 : GgmlType::q4_0;
    }
    case WeightType::f32: break;
  }
  return GgmlType::f32;
}

std::vector<std::uint8_t> encode_tensor(GgmlType type, std::span<const float> x) {
  std::vector<std::uint8_t> out(x.size() / block_elements(type) * block_bytes(type));
  switch (type) {
    case GgmlType::f32:
      if (!x.empty()) std::memcpy(out.data(), x.data(), x.size_bytes());
      break;
    case GgmlType::f16: fp32_to_fp16_row(x, out); break;
    case GgmlType::bf16: fp32_to_bf16_row(x, out); break;
    case GgmlType::q8_0: quantize_row_q8_0(x, out); break;
    case GgmlType::q4_0: quantize_row_q4_0(x, out); break;
  }
  return out;
}

std::vector<float> decode_tensor(const GgufTensor& t) {
  std::vector<float> y(t.elements());
  const auto in = t.span();
  switch (t.type) {
    case GgmlType::f32:
      if (!y.empty()) std::memcpy(y.data(), in.data(), in.size());
      break;
    case GgmlType::f16: fp16_to_fp32_row(in, y); break;
    case GgmlType::bf16: bf16_to_fp32_row(in, y); break;
    case GgmlType::q8_0: dequantize_row_q8_0(in, y); break;
    case GgmlType::q4_0: dequantize_row_q4_0(in, y); break;
  }
  return y;
}

void set_llama_metadata(GgufWriter& w, const ModelConfig& c, WeightType t) {
  validate(c);
  auto u32 = [](int v) { return GgufValue::u32(static_cast<std::uint32_t>(v)); };
  w.set("general.architecture", GgufValue::string("llama"));
  w.set("general.name", GgufValue::string("stratbench-" + c.name));
  w.set("general.file_type", GgufValue::u32(llama_file_type(t)));
  w.set("general.quantization_version", GgufValue::u32(2));  // ggml's GGML_QNT_VERSION
  w.set("llama.vocab_size", u32(c.vocab_size));
  w.set("llama.context_length", u32(c.max_seq_len));
  w.set("llama.embedding_length", u32(c.dim));
  w.set("llama.block_count", u32(c.n_layers));
  w.set("llama.feed_forward_length", u32(c.hidden_dim));
  w.set("llama.rope.dimension_count", u32(c.head_dim()));
  w.set("llama.attention.head_count", u32(c.n_heads));
  w.set("llama.attention.head_count_kv", u32(c.n_kv_heads));
  w.set("llama.attention.layer_norm_rms_epsilon", GgufValue::f32(c.norm_eps));
  w.set("llama.rope.freq_base", GgufValue::f32(c.rope_theta));
}

void add_llama_tensors(GgufWriter& w, const ModelConfig& c, WeightType t, const TensorFloats& floats) {
  for (const auto& spec : llama_tensor_specs(c)) {
    const GgmlType type = storage_type(t, spec, c.tied_embeddings);
    w.add_tensor(spec.name, type, spec.dims, [spec, floats, type] { return encode_tensor(type, floats(spec)); });
  }
}

GgufWriter llama_gguf_writer(const ModelConfig& c, std::uint64_t seed, WeightType t, const Vocab& vocab) {
  validate(c);
  if (vocab.size() != static_cast<std::size_t>(c.vocab_size))
    throw InputError("the vocabulary has " + std::to_string(vocab.size()) + " tokens, config '" + c.name + "' needs " +
                     std::to_string(c.vocab_size));
  if (vocab.size() <= kEosId) throw InputError("the vocabulary needs ids 0, 1, 2 for <unk>, <s>, </s>");
  GgufWriter w;
  set_llama_metadata(w, c, t);
  w.set("tokenizer.ggml.model", GgufValue::string("llama"));
  w.set("tokenizer.ggml.tokens", GgufValue::string_array(vocab.pieces));
  w.set("tokenizer.ggml.scores", GgufValue::f32_array(vocab.scores));
  w.set("tokenizer.ggml.token_type", GgufValue::i32_array(vocab.types));
  w.set("tokenizer.ggml.bos_token_id", GgufValue::u32(kBosId));
  w.set("tokenizer.ggml.eos_token_id", GgufValue::u32(kEosId));
  w.set("tokenizer.ggml.unknown_token_id", GgufValue::u32(kUnkId));
  w.set("tokenizer.ggml.add_bos_token", GgufValue::boolean(true));
  w.set("tokenizer.ggml.add_eos_token", GgufValue::boolean(false));
  w.set("stratbench.config", GgufValue::string(c.name));
  w.set("stratbench.seed", GgufValue::u64(seed));
  add_llama_tensors(w, c, t, [seed](const TensorSpec& spec) { return synthetic_tensor(spec, seed); });
  return w;
}

ModelConfig llama_config_from_gguf(const GgufFile& f) {
  const std::string arch = f.get_string("general.architecture");
  if (arch != "llama") throw InputError(f.name() + ": general.architecture is '" + arch + "', expected 'llama'");
  auto count = [&](const std::string& key) {
    const std::uint32_t v = f.get_u32(key);
    if (v == 0 || v > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
      throw InputError(f.name() + ": metadata key '" + key + "' = " + std::to_string(v) + " is out of range");
    return static_cast<int>(v);
  };
  ModelConfig c;
  c.name = f.has("stratbench.config") ? f.get_string("stratbench.config")
           : f.has("general.name")    ? f.get_string("general.name")
                                      : "llama";
  c.dim = count("llama.embedding_length");
  c.n_layers = count("llama.block_count");
  c.n_heads = count("llama.attention.head_count");
  c.n_kv_heads = f.has("llama.attention.head_count_kv") ? count("llama.attention.head_count_kv") : c.n_heads;
  c.hidden_dim = count("llama.feed_forward_length");
  c.max_seq_len = count("llama.context_length");
  if (f.has("llama.vocab_size"))
    c.vocab_size = count("llama.vocab_size");
  else if (f.has("tokenizer.ggml.tokens")) {
    const auto n = f.get_string_array("tokenizer.ggml.tokens").size();
    if (n == 0 || n > static_cast<std::size_t>(std::numeric_limits<int>::max()))
      throw InputError(f.name() + ": tokenizer.ggml.tokens has " + std::to_string(n) + " tokens");
    c.vocab_size = static_cast<int>(n);
  } else {
    throw InputError(f.name() + ": neither llama.vocab_size nor tokenizer.ggml.tokens says the vocabulary size");
  }
  c.norm_eps = f.get_f32("llama.attention.layer_norm_rms_epsilon");
  c.rope_theta = f.has("llama.rope.freq_base") ? f.get_f32("llama.rope.freq_base") : 10000.f;
  c.tied_embeddings = f.find_tensor("output.weight") == nullptr;
  return c;
}

void check_llama_tensors(const GgufFile& f, const ModelConfig& c) {
  auto dims_text = [](const std::vector<std::uint64_t>& d) {
    std::string s = "[";
    for (std::size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + "]";
  };
  // A lying block_count must not make us list billions of expected tensors.
  constexpr std::size_t kTensorsPerBlock = 9;
  if (static_cast<std::size_t>(c.n_layers) > f.tensors().size() / kTensorsPerBlock)
    throw InputError(f.name() + ": " + std::to_string(c.n_layers) + " blocks need " + std::to_string(kTensorsPerBlock) +
                     " tensors each, but the file holds " + std::to_string(f.tensors().size()) + " tensors");
  for (const auto& spec : llama_tensor_specs(c)) {
    const GgufTensor* t = f.find_tensor(spec.name);
    if (!t) throw InputError(f.name() + ": tensor '" + spec.name + "' is missing");
    if (t->dims != spec.dims)
      throw InputError(f.name() + ": tensor '" + spec.name + "' has dims " + dims_text(t->dims) + ", expected " +
                       dims_text(spec.dims));
  }
}

}  // namespace sb::llm
