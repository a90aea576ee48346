#include "stratbench/workloads/llm/llama_model.hpp"

#include <filesystem>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/compress.hpp"
#include "stratbench/workloads/llm/gguf.hpp"
#include "stratbench/workloads/llm/llama_gguf.hpp"
#include "stratbench/workloads/text/text_input.hpp"

namespace sb::llm {

const char* to_string(Precision p) {
  switch (p) {
    case Precision::fp32: return "fp32";
    case Precision::fp16: return "fp16";
    case Precision::bf16: return "bf16";
    case Precision::int8: return "int8";
    case Precision::int4: return "int4";
  }
  return "?";
}

GgmlType storage_type(Precision p, const TensorSpec& spec, bool tied) {
  static constexpr WeightType map[] = {WeightType::f32, WeightType::f16, WeightType::bf16, WeightType::q8_0,
                                       WeightType::q4_0};
  return storage_type(map[static_cast<int>(p)], spec, tied);
}

std::uint64_t LlamaModel::weight_bytes() const {
  std::uint64_t b = tok_embd.resident_bytes() + output.resident_bytes() + output_norm.size() * 4;
  for (const auto& l : layers)
    b += (l.attn_norm.size() + l.ffn_norm.size()) * 4 + l.wq.resident_bytes() + l.wk.resident_bytes() +
         l.wv.resident_bytes() + l.wqkv.resident_bytes() + l.wo.resident_bytes() + l.w_gate.resident_bytes() +
         l.w_up.resident_bytes() + l.w_down.resident_bytes();
  return b;
}

namespace {

struct Loader {
  const ModelConfig& cfg;
  const TensorSource& src;
  Precision p;
  Compression c;

  // A layer projection's floats (out rows of `in`, already pruned) in the form the
  // compression asks for.
  Matrix projection(GgmlType t, int out, int in, const std::vector<float>& v) const {
    if (c.sparsity != Sparsity::off) {
      if (t != GgmlType::f32)
        throw InputError("sparsity stores fp32 values; it does not combine with precision " +
                         std::string(to_string(p)));
      return Matrix::from_pruned(out, in, v, c.sparsity == Sparsity::two_of_four);
    }
    if (c.lowrank_percent > 0) {
      const bool blocks = t == GgmlType::q8_0 || t == GgmlType::q4_0;
      const Factors f = truncated_svd(v, out, in, low_rank_k(out, in, c.lowrank_percent, blocks), kSyntheticSeed);
      return Matrix::from_factors(Matrix::from_floats(t, out, f.k, f.a), Matrix::from_floats(t, f.k, in, f.b));
    }
    return Matrix::from_floats(t, out, in, v);
  }

  // A tensor's floats, a layer's pruned when sparsity asks (before the gain is folded in,
  // so that fusion does not change which weights go), then the gain folded in when given.
  std::vector<float> weights(const TensorSpec& s, const std::vector<float>* gain) const {
    const int in = static_cast<int>(s.dims[0]), out = static_cast<int>(s.dims[1]);
    std::vector<float> v = src.floats(s);
    if (c.sparsity != Sparsity::off && s.name.starts_with("blk."))
      prune(v, out, in, c.sparsity, c.wanda ? c.wanda->of(s.name) : nullptr);
    if (gain)
      for (int o = 0; o < out; ++o)
        for (int i = 0; i < in; ++i) v[static_cast<std::size_t>(o) * in + i] *= (*gain)[i];
    return v;
  }

  // A 2-D tensor {in, out} as a Matrix of out rows, optionally with a gain folded in; a
  // layer's projection (blk.*) compressed as asked.
  Matrix matrix(const TensorSpec& s, const std::vector<float>* gain = nullptr) const {
    const GgmlType t = storage_type(p, s, cfg.tied_embeddings);
    const int in = static_cast<int>(s.dims[0]), out = static_cast<int>(s.dims[1]);
    const bool layer = s.name.starts_with("blk.");
    std::vector<std::uint8_t> bytes;
    if (!gain && !(layer && c.any()) && src.raw && src.raw(s, t, bytes)) return Matrix::from_bytes(t, out, in, bytes);
    const std::vector<float> v = weights(s, gain);
    return layer ? projection(t, out, in, v) : Matrix::from_floats(t, out, in, v);
  }
};

// Stacks q, k, v (each with the gain folded) into one matrix, in floats first so that the
// block types quantize each row exactly as they would alone.
Matrix stacked(const Loader& ld, const std::vector<const TensorSpec*>& parts, const std::vector<float>& gain) {
  const int in = static_cast<int>(parts[0]->dims[0]);
  std::vector<float> all;
  int rows = 0;
  for (const TensorSpec* s : parts) {
    const std::vector<float> v = ld.weights(*s, &gain);
    all.insert(all.end(), v.begin(), v.end());
    rows += static_cast<int>(s->dims[1]);
  }
  return ld.projection(storage_type(ld.p, *parts[0], ld.cfg.tied_embeddings), rows, in, all);
}

// The source of a shared model: a layer's tensor is the mean of its group's
// ("blk.5.attn_q.weight" with share 2 is the mean of layers 4 and 5).
TensorSource group_means(const TensorSource& src, int share, int n_layers) {
  TensorSource out;
  out.floats = [&src, share, n_layers](const TensorSpec& s) {
    const LayerTensor t = layer_tensor(s.name);
    if (t.layer < 0) return src.floats(s);
    const int first = t.layer / share * share;
    const int last = std::min(n_layers, first + share);
    std::vector<double> sum;
    for (int l = first; l < last; ++l) {
      TensorSpec member = s;
      member.name = "blk." + std::to_string(l) + "." + t.rest;
      const std::vector<float> v = src.floats(member);
      sum.resize(v.size(), 0.0);
      for (std::size_t i = 0; i < v.size(); ++i) sum[i] += v[i];
    }
    std::vector<float> mean(sum.size());
    for (std::size_t i = 0; i < sum.size(); ++i) mean[i] = static_cast<float>(sum[i] / (last - first));
    return mean;
  };
  return out;
}

}  // namespace

LlamaModel build_model(const ModelConfig& cfg, const TensorSource& src_in, Precision p, bool fold,
                       const Compression& c) {
  const std::vector<TensorSpec> specs = llama_tensor_specs(cfg);  // validates cfg
  auto spec = [&](const std::string& name) -> const TensorSpec& {
    for (const auto& s : specs)
      if (s.name == name) return s;
    SB_CHECK(!"tensor spec missing");
    return specs[0];
  };
  if (c.share < 1 || c.lowrank_percent < 0 || c.lowrank_percent > 100) throw InputError("bad compression settings");
  const TensorSource shared = c.share > 1 ? group_means(src_in, c.share, cfg.n_layers) : TensorSource{};
  const TensorSource& src = c.share > 1 ? shared : src_in;
  Loader ld{cfg, src, p, c};
  LlamaModel m;
  m.cfg = cfg;
  m.folded = fold;
  m.precision = p;
  m.share = c.share;
  m.tok_embd = ld.matrix(spec("token_embd.weight"));
  if (!cfg.tied_embeddings) m.output = ld.matrix(spec("output.weight"));
  m.output_norm = src.floats(spec("output_norm.weight"));
  for (int l = 0; l < cfg.n_layers; l += c.share) {
    const std::string b = "blk." + std::to_string(l) + ".";
    LayerWeights w;
    w.attn_norm = src.floats(spec(b + "attn_norm.weight"));
    w.ffn_norm = src.floats(spec(b + "ffn_norm.weight"));
    if (fold) {
      w.wqkv = stacked(ld, {&spec(b + "attn_q.weight"), &spec(b + "attn_k.weight"), &spec(b + "attn_v.weight")},
                       w.attn_norm);
      w.w_gate = ld.matrix(spec(b + "ffn_gate.weight"), &w.ffn_norm);
      w.w_up = ld.matrix(spec(b + "ffn_up.weight"), &w.ffn_norm);
    } else {
      w.wq = ld.matrix(spec(b + "attn_q.weight"));
      w.wk = ld.matrix(spec(b + "attn_k.weight"));
      w.wv = ld.matrix(spec(b + "attn_v.weight"));
      w.w_gate = ld.matrix(spec(b + "ffn_gate.weight"));
      w.w_up = ld.matrix(spec(b + "ffn_up.weight"));
    }
    w.wo = ld.matrix(spec(b + "attn_output.weight"));
    w.w_down = ld.matrix(spec(b + "ffn_down.weight"));
    m.layers.push_back(std::move(w));
  }
  return m;
}

LlamaModel synthetic_model(const ModelConfig& cfg, std::uint64_t seed, Precision p, bool fold) {
  TensorSource src;
  src.floats = [seed](const TensorSpec& s) { return synthetic_tensor(s, seed); };
  return build_model(cfg, src, p, fold);
}

ModelSpec resolve_model(const std::string& name) {
  ModelSpec ms;
  for (const auto& n : model_config_names()) {
    if (n != name) continue;
    ms.cfg = model_config(name);
    ms.source.floats = [](const TensorSpec& s) { return synthetic_tensor(s, kSyntheticSeed); };
    ms.describe = name + " (synthetic, seed " + std::to_string(kSyntheticSeed) + ")";
    return ms;
  }
  // The models trained here (scripts/train-reference-models.sh), shipped in datasets/model.
  const bool trained = name == "teacher" || name == "student" || name == "student-scratch";
  const std::string path = trained ? text::datasets_dir() + "/model/" + name + ".gguf" : name;
  if (trained && !std::filesystem::exists(path))
    throw InputError("model=" + name + ": " + path + " is missing (scripts/train-reference-models.sh trains it)");
  if (!std::filesystem::exists(path)) {
    std::string known;
    for (const auto& n : model_config_names()) known += n + ", ";
    throw InputError("model='" + name + "' is neither a known config (" + known +
                     "teacher, student, student-scratch) nor a path to a .gguf file");
  }
  auto file = std::make_shared<GgufFile>(GgufFile::open(path));
  ms.cfg = llama_config_from_gguf(*file);  // InputError when not llama architecture
  check_llama_tensors(*file, ms.cfg);
  const GgufFile* f = file.get();
  ms.source.floats = [f](const TensorSpec& s) { return decode_tensor(f->tensor(s.name)); };
  ms.source.raw = [f](const TensorSpec& s, GgmlType want, std::vector<std::uint8_t>& bytes) {
    const GgufTensor& t = f->tensor(s.name);
    if (t.type != want) return false;
    bytes.assign(t.data, t.data + t.bytes);
    return true;
  };
  ms.describe = trained ? name + " (" + path + ")" : name;
  ms.path = path;
  ms.drop_file_pages = [f] { f->drop_resident_pages(); };
  ms.keep_alive = file;
  return ms;
}

}  // namespace sb::llm
