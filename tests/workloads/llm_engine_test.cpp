// The forward pass end to end: the fp32 baseline against a float64 forward written here
// independently, every strategy against the fp32 baseline, determinism, KV cache on = off.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "odd_config.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/cpu_features.hpp"
#include "stratbench/workloads/llm/llama_engine.hpp"

namespace sb::llm {
namespace {

using test::odd_config;

// Float64 forward over a whole sequence, no cache, from the synthetic floats: logits of
// every position.
std::vector<std::vector<double>> reference_logits(const ModelConfig& c, std::uint64_t seed,
                                                  const std::vector<int>& toks) {
  auto T = [&](const std::string& name) {
    for (const auto& s : llama_tensor_specs(c))
      if (s.name == name) {
        auto f = synthetic_tensor(s, seed);
        return std::vector<double>(f.begin(), f.end());
      }
    ADD_FAILURE() << name;
    return std::vector<double>{};
  };
  const int n = static_cast<int>(toks.size()), D = c.dim, hd = c.head_dim(), kv = c.kv_dim(), H = c.hidden_dim;
  auto linear = [](const std::vector<double>& w, const std::vector<double>& x, int in, int out) {
    std::vector<double> y(out, 0.0);
    for (int o = 0; o < out; ++o)
      for (int i = 0; i < in; ++i) y[o] += w[static_cast<std::size_t>(o) * in + i] * x[i];
    return y;
  };
  auto norm = [&](const std::vector<double>& x, const std::vector<double>& g) {
    double ss = 0;
    for (double v : x) ss += v * v;
    const double s = 1.0 / std::sqrt(ss / x.size() + c.norm_eps);
    std::vector<double> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = x[i] * s * g[i];
    return y;
  };
  auto rope = [&](std::vector<double>& v, int heads, int pos) {
    for (int h = 0; h < heads; ++h)
      for (int i = 0; i < hd / 2; ++i) {
        const double a = pos * std::pow(static_cast<double>(c.rope_theta), -2.0 * i / hd);
        double& x0 = v[h * hd + 2 * i];
        double& x1 = v[h * hd + 2 * i + 1];
        const double r0 = x0 * std::cos(a) - x1 * std::sin(a), r1 = x0 * std::sin(a) + x1 * std::cos(a);
        x0 = r0, x1 = r1;
      }
  };
  const auto emb = T("token_embd.weight");
  std::vector<std::vector<double>> x(n);
  for (int t = 0; t < n; ++t)
    x[t].assign(emb.begin() + static_cast<std::size_t>(toks[t]) * D, emb.begin() + (toks[t] + 1) * D);
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    const auto an = T(b + "attn_norm.weight"), wq = T(b + "attn_q.weight"), wk = T(b + "attn_k.weight"),
               wv = T(b + "attn_v.weight"), wo = T(b + "attn_output.weight"), fn = T(b + "ffn_norm.weight"),
               wg = T(b + "ffn_gate.weight"), wu = T(b + "ffn_up.weight"), wd = T(b + "ffn_down.weight");
    std::vector<std::vector<double>> q(n), k(n), v(n);
    for (int t = 0; t < n; ++t) {
      const auto xn = norm(x[t], an);
      q[t] = linear(wq, xn, D, D), k[t] = linear(wk, xn, D, kv), v[t] = linear(wv, xn, D, kv);
      rope(q[t], c.n_heads, t), rope(k[t], c.n_kv_heads, t);
    }
    for (int t = 0; t < n; ++t) {
      std::vector<double> att(D, 0.0);
      for (int h = 0; h < c.n_heads; ++h) {
        const int g = h / (c.n_heads / c.n_kv_heads);
        std::vector<double> s(t + 1);
        double mx = -INFINITY, sum = 0;
        for (int j = 0; j <= t; ++j) {
          double d = 0;
          for (int i = 0; i < hd; ++i) d += q[t][h * hd + i] * k[j][g * hd + i];
          s[j] = d / std::sqrt(static_cast<double>(hd));
          mx = std::max(mx, s[j]);
        }
        for (double& e : s) sum += (e = std::exp(e - mx));
        for (int j = 0; j <= t; ++j)
          for (int i = 0; i < hd; ++i) att[h * hd + i] += s[j] / sum * v[j][g * hd + i];
      }
      const auto o = linear(wo, att, D, D);
      for (int i = 0; i < D; ++i) x[t][i] += o[i];
      const auto xn = norm(x[t], fn);
      const auto gt = linear(wg, xn, D, H), up = linear(wu, xn, D, H);
      std::vector<double> hbuf(H);
      for (int j = 0; j < H; ++j) hbuf[j] = gt[j] / (1 + std::exp(-gt[j])) * up[j];
      const auto dn = linear(wd, hbuf, H, D);
      for (int i = 0; i < D; ++i) x[t][i] += dn[i];
    }
  }
  const auto on = T("output_norm.weight"), head = c.tied_embeddings ? emb : T("output.weight");
  std::vector<std::vector<double>> out;
  for (int t = 0; t < n; ++t) out.push_back(linear(head, norm(x[t], on), D, c.vocab_size));
  return out;
}

double rel_error(const std::vector<float>& got, const std::vector<double>& ref) {
  double e = 0, r = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) e += (got[i] - ref[i]) * (got[i] - ref[i]), r += ref[i] * ref[i];
  return std::sqrt(e / r);
}

struct Strat {
  const char* name;
  Precision p;
  EngineOptions o;
};

std::vector<Strat> strategies() {
  const SimdLevel v = simd_level_supported(SimdLevel::avx2) ? SimdLevel::avx2 : SimdLevel::scalar;
  std::vector<Strat> all = {
      {"baseline", Precision::fp32, {}},
      {"simd", Precision::fp32, {v, 1, false, false, true}},
      {"threads=2", Precision::fp32, {SimdLevel::scalar, 2, false, false, true}},
      {"fused", Precision::fp32, {SimdLevel::scalar, 1, true, false, true}},
      {"fused+simd+threads=2", Precision::fp32, {v, 2, true, false, true}},
      {"simd+blocked+threads=2", Precision::fp32, {v, 2, false, false, true, true}},
      {"pool", Precision::fp32, {SimdLevel::scalar, 1, false, true, true}},
      {"kv_cache=off", Precision::fp32, {SimdLevel::scalar, 1, false, false, false}},
      {"fp16", Precision::fp16, {}},
      {"fp16+simd", Precision::fp16, {v, 1, false, false, true}},
      {"bf16", Precision::bf16, {}},
      {"bf16+simd", Precision::bf16, {v, 1, false, false, true}},
      {"bf16+simd+blocked+fused", Precision::bf16, {v, 2, true, true, true, true}},
      {"int8", Precision::int8, {}},
      {"int8+simd+fused", Precision::int8, {v, 2, true, true, true}},
      {"int4", Precision::int4, {}},
      {"int4+simd", Precision::int4, {v, 1, false, false, true}},
      {"int4+simd+blocked+fused", Precision::int4, {v, 2, true, true, true, true}},
      {"int8+simd+blocked", Precision::int8, {v, 1, false, false, true, true}},
  };
  // The AVX-512 kernels, where the CPU has them (`v` above is AVX2 wherever the CPU has it).
  if (avx512_llm_supported()) {
    const SimdLevel z = SimdLevel::avx512;
    const std::vector<Strat> wide = {
        {"simd=avx512", Precision::fp32, {z, 1, false, false, true}},
        {"simd=avx512+blocked+threads=2", Precision::fp32, {z, 2, false, false, true, true}},
        {"fp16+simd=avx512+blocked", Precision::fp16, {z, 1, false, false, true, true}},
        {"bf16+simd=avx512", Precision::bf16, {z, 1, false, false, true}},
        {"bf16+simd=avx512+blocked+fused", Precision::bf16, {z, 2, true, true, true, true}},
        {"int8+simd=avx512", Precision::int8, {z, 1, false, false, true}},
        {"int8+simd=avx512+blocked", Precision::int8, {z, 2, false, false, true, true}},
        {"int4+simd=avx512+blocked+fused", Precision::int4, {z, 2, true, true, true, true}},
    };
    all.insert(all.end(), wide.begin(), wide.end());
  }
  return all;
}

// Tolerances on the logits' relative error against fp32, teacher-forced. Measured on tiny's
// synthetic weights (seed 1234): fp16 5e-4, bf16 3e-3, int8 0.025..0.08, int4 0.38..0.70.
// The ratios follow the storage steps (2^-11, 2^-8, 1/254 and 1/16 of a block's largest
// value); the synthetic outlier channels stretch the Q8_0/Q4_0 blocks that hold them, and
// these random-weight logits are small and close together, so int4's relative error is
// large. The int4 bound only catches gross breakage (unrelated logits give ~1.4);
// its kernels are checked exactly against float64 in llm_kernels_test.cpp.
double tolerance(Precision p) {
  switch (p) {
    case Precision::fp32: return 1e-4;
    case Precision::fp16: return 5e-3;
    case Precision::bf16: return 2e-2;
    case Precision::int8: return 0.15;
    case Precision::int4: return 1.0;
  }
  return 0;
}

TEST(LlmEngine, BaselineMatchesFloat64ForwardOnEveryPosition) {
  const ModelConfig c = odd_config();
  const auto prompt = make_prompts(1, 11, c.vocab_size, 5)[0];
  const auto ref = reference_logits(c, 77, prompt);
  for (const Strat& s : strategies()) {
    if (s.p != Precision::fp32) continue;
    LlamaModel m = synthetic_model(c, 77, s.p, s.o.fused);
    prepare_model(m, s.o);
    Engine e(m, s.o, 1, c.max_seq_len);
    std::vector<float> logits(prompt.size() * c.vocab_size);
    std::vector<int> seqs(prompt.size(), 0);
    e.forward(prompt.data(), seqs.data(), static_cast<int>(prompt.size()), true, logits.data());
    for (std::size_t t = 0; t < prompt.size(); ++t) {
      std::vector<float> row(logits.begin() + t * c.vocab_size, logits.begin() + (t + 1) * c.vocab_size);
      EXPECT_LT(rel_error(row, ref[t]), 1e-5) << s.name << " position " << t;
    }
  }
}

// Without all_logits the last layer finishes only each sequence's last token: with the
// sequences interleaved those rows are scattered, and each must still be its own.
TEST(LlmEngine, LastTokenLogitsOfInterleavedSequencesMatchFloat64) {
  const ModelConfig c = odd_config();
  const auto prompts = make_prompts(2, 5, c.vocab_size, 13);
  const auto ref0 = reference_logits(c, 77, prompts[0]), ref1 = reference_logits(c, 77, prompts[1]);
  std::vector<int> toks = {prompts[0][0], prompts[0][1], prompts[1][0], prompts[0][2], prompts[1][1],
                           prompts[1][2], prompts[1][3], prompts[0][3], prompts[1][4], prompts[0][4]};
  std::vector<int> seqs = {0, 0, 1, 0, 1, 1, 1, 0, 1, 0};
  for (const Strat& s : strategies()) {
    if (s.p != Precision::fp32) continue;
    LlamaModel m = synthetic_model(c, 77, s.p, s.o.fused);
    prepare_model(m, s.o);
    Engine e(m, s.o, 2, c.max_seq_len);
    std::vector<float> logits(2 * c.vocab_size);
    e.forward(toks.data(), seqs.data(), static_cast<int>(toks.size()), false, logits.data());
    // Rows in token order of the sequences' last tokens: sequence 1 (token 8), then 0 (token 9).
    const std::vector<float> first(logits.begin(), logits.begin() + c.vocab_size);
    const std::vector<float> second(logits.begin() + c.vocab_size, logits.end());
    EXPECT_LT(rel_error(first, ref1.back()), 1e-5) << s.name;
    EXPECT_LT(rel_error(second, ref0.back()), 1e-5) << s.name;
  }
}

TEST(LlmEngine, DecodeStepsMatchFloat64OfTheWholeSequence) {
  const ModelConfig c = odd_config();
  const auto prompts = make_prompts(2, 6, c.vocab_size, 9);
  const LlamaModel m = synthetic_model(c, 77, Precision::fp32, false);
  Engine e(m, {}, 2, c.max_seq_len);
  const Generation g = generate(e, prompts, 5, true);
  for (int b = 0; b < 2; ++b) {
    std::vector<int> all = prompts[b];
    all.insert(all.end(), g.tokens[b].begin(), g.tokens[b].end() - 1);
    const auto ref = reference_logits(c, 77, all);
    for (int step = 0; step < 5; ++step)
      EXPECT_LT(rel_error(g.logits[step][b], ref[6 + step - 1]), 1e-5) << "seq " << b << " step " << step;
  }
}

TEST(LlmEngine, EveryStrategyOnTinyIsWithinToleranceOfFp32) {
  const ModelConfig c = model_config("tiny");
  const auto prompts = make_prompts(2, 7, c.vocab_size, 3);
  const LlamaModel ref_m = synthetic_model(c, kSyntheticSeed, Precision::fp32, false);
  Engine ref_e(ref_m, {}, 2, 16);
  const Generation ref = generate(ref_e, prompts, 3, true);
  for (const Strat& s : strategies()) {
    LlamaModel m = synthetic_model(c, kSyntheticSeed, s.p, s.o.fused);
    prepare_model(m, s.o);
    Engine e(m, s.o, 2, 16);
    const Generation g = generate(e, prompts, 3, true, &ref.tokens);  // the same contexts
    for (int step = 0; step < 3; ++step)
      for (int b = 0; b < 2; ++b) {
        const auto& r = ref.logits[step][b];
        const double err = rel_error(g.logits[step][b], std::vector<double>(r.begin(), r.end()));
        EXPECT_LT(err, tolerance(s.p)) << s.name << " step " << step << " seq " << b;
        if (step == 0 && b == 0) std::printf("  %-22s rel_error %.3g\n", s.name, err);
      }
  }
}

TEST(LlmEngine, GreedyBaselineIsDeterministicAndKvCacheOffGivesTheSameTokens) {
  const ModelConfig c = model_config("tiny");
  const auto prompts = make_prompts(1, 5, c.vocab_size, 11);
  const LlamaModel m = synthetic_model(c, kSyntheticSeed, Precision::fp32, false);
  Engine a(m, {}, 1, 16), b(m, {}, 1, 16);
  EngineOptions off;
  off.kv_cache = false;
  Engine d(m, off, 1, 16);
  const auto ga = generate(a, prompts, 6, false), gb = generate(b, prompts, 6, false),
             ga2 = generate(a, prompts, 6, false);
  const auto gd = generate(d, prompts, 6, false);
  EXPECT_EQ(ga.tokens, gb.tokens);
  EXPECT_EQ(ga.tokens, ga2.tokens);
  EXPECT_EQ(ga.tokens, gd.tokens);
}

TEST(LlmEngine, BadInputIsAnInputError) {
  const ModelConfig c = odd_config();
  const LlamaModel m = synthetic_model(c, 1, Precision::fp32, false);
  Engine e(m, {}, 1, 4);
  std::vector<float> logits(c.vocab_size);
  int tok = c.vocab_size, seq = 0;
  EXPECT_THROW(e.forward(&tok, &seq, 1, false, logits.data()), InputError);
  std::vector<int> toks(5, 3), seqs(5, 0);
  EXPECT_THROW(e.forward(toks.data(), seqs.data(), 5, false, logits.data()), InputError);
  EXPECT_EQ(e.cache().len(0), 0);  // a refused call changes nothing
  EXPECT_NO_THROW(e.forward(toks.data(), seqs.data(), 4, false, logits.data()));
  EXPECT_THROW(resolve_model("/nonexistent.gguf"), InputError);
}

}  // namespace
}  // namespace sb::llm

#include <unistd.h>
#include <filesystem>

#include "stratbench/workloads/llm/llama_gguf.hpp"

namespace sb::llm {
namespace {

Vocab toy_vocab(int n) {
  Vocab v;
  for (int i = 0; i < n; ++i) {
    static const char* const special[] = {"<unk>", "<s>", "</s>"};
    std::string piece = std::to_string(i);
    piece.insert(piece.begin(), 't');  // GCC 12 warns falsely (-Wrestrict) on "t" + to_string
    v.pieces.push_back(i < 3 ? std::string(special[i]) : piece);
    v.scores.push_back(0.f);
    v.types.push_back(i < 3 ? 3 : 1);
  }
  return v;
}

// A GGUF file runs exactly as the synthetic weights it was written from; a Q4_0 file's
// blocks are used as stored (not requantized), so int4 on it equals int4 on the synthetic.
TEST(LlmEngine, GgufFilesLoadAndRunLikeTheirSyntheticWeights) {
  const ModelConfig c = odd_config();
  const auto dir = std::filesystem::temp_directory_path() / ("llm_engine_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto prompt = make_prompts(1, 5, c.vocab_size, 2);
  auto logits_of = [&](const LlamaModel& m) {
    Engine e(m, {}, 1, c.max_seq_len);
    return generate(e, prompt, 3, true).logits;
  };
  for (auto [wt, p] : {std::pair{WeightType::f32, Precision::fp32}, std::pair{WeightType::q4_0, Precision::int4}}) {
    const std::string path = (dir / (std::string(to_string(wt)) + ".gguf")).string();
    llama_gguf_writer(c, kSyntheticSeed, wt, toy_vocab(c.vocab_size)).write(path);
    const ModelSpec ms = resolve_model(path);
    EXPECT_EQ(ms.cfg.dim, c.dim);
    EXPECT_EQ(ms.cfg.n_kv_heads, c.n_kv_heads);
    const LlamaModel from_file = build_model(ms.cfg, ms.source, p, false);
    const LlamaModel synthetic = synthetic_model(c, kSyntheticSeed, p, false);
    EXPECT_EQ(from_file.weight_bytes(), synthetic.weight_bytes());
    EXPECT_EQ(logits_of(from_file), logits_of(synthetic)) << to_string(wt);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sb::llm
