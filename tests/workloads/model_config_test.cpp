// Model configs, synthetic weights and the vocabulary loader.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/model_config.hpp"
#include "stratbench/workloads/llm/synthetic_weights.hpp"
#include "stratbench/workloads/llm/vocab.hpp"

namespace sb::llm {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

TEST(ModelConfig, NamedConfigs) {
  const ModelConfig tiny = model_config("tiny");
  EXPECT_EQ(tiny.dim, 288);
  EXPECT_EQ(tiny.n_layers, 6);
  EXPECT_EQ(tiny.n_heads, 6);
  EXPECT_EQ(tiny.n_kv_heads, 6);
  EXPECT_EQ(tiny.hidden_dim, 768);
  EXPECT_EQ(tiny.vocab_size, 32000);
  EXPECT_EQ(tiny.max_seq_len, 256);
  EXPECT_EQ(tiny.head_dim(), 48);
  EXPECT_FLOAT_EQ(tiny.norm_eps, 1e-5f);
  EXPECT_FLOAT_EQ(tiny.rope_theta, 10000.f);
  EXPECT_FALSE(tiny.tied_embeddings);

  const ModelConfig small = model_config("small");
  EXPECT_EQ(small.dim, 768);
  EXPECT_EQ(small.n_layers, 12);
  EXPECT_EQ(small.n_heads, 12);
  EXPECT_EQ(small.n_kv_heads, 12);
  EXPECT_EQ(small.hidden_dim, 2048);
  EXPECT_EQ(small.max_seq_len, 1024);

  const ModelConfig b1 = model_config("1b");
  EXPECT_EQ(b1.dim, 2048);
  EXPECT_EQ(b1.n_layers, 22);
  EXPECT_EQ(b1.n_heads, 32);
  EXPECT_EQ(b1.n_kv_heads, 4);
  EXPECT_EQ(b1.hidden_dim, 5632);
  EXPECT_EQ(b1.max_seq_len, 2048);
  EXPECT_EQ(b1.kv_dim(), 256);
  // TinyLlama-1.1B's published parameter count.
  EXPECT_EQ(parameter_count(b1), 1100048384u);

  for (const auto& n : model_config_names()) EXPECT_NO_THROW(validate(model_config(n))) << n;
  EXPECT_EQ(model_config_names(), (std::vector<std::string>{"tiny", "small", "1b"}));
}

TEST(ModelConfig, UnknownNameListsTheKnownOnes) {
  EXPECT_EQ(error_of([] { model_config("huge"); }), "unknown model config 'huge' (known: tiny, small, 1b)");
}

TEST(ModelConfig, ValidateNamesTheBadField) {
  ModelConfig c = model_config("tiny");
  c.n_heads = 5;
  EXPECT_NE(error_of([&] { validate(c); }).find("not a multiple of n_heads 5"), std::string::npos);
  c = model_config("tiny");
  c.n_kv_heads = 4;
  EXPECT_NE(error_of([&] { validate(c); }).find("n_kv_heads 4"), std::string::npos);
  c = model_config("tiny");
  c.hidden_dim = 770;
  EXPECT_NE(error_of([&] { validate(c); }).find("hidden_dim 770"), std::string::npos);
  c = model_config("tiny");
  c.n_layers = 0;
  EXPECT_NE(error_of([&] { validate(c); }).find("n_layers = 0"), std::string::npos);
  c = model_config("tiny");
  c.dim = 96, c.n_heads = 32, c.n_kv_heads = 32;  // head_dim 3
  EXPECT_NE(error_of([&] { validate(c); }).find("odd"), std::string::npos);
}

ModelConfig test_config() {
  ModelConfig c;
  c.name = "test";
  c.dim = 64, c.n_layers = 2, c.n_heads = 4, c.n_kv_heads = 2, c.hidden_dim = 96, c.vocab_size = 64, c.max_seq_len = 32;
  return c;
}

TEST(ModelSynthetic, TensorNamesAndGgmlDims) {
  const auto specs = llama_tensor_specs(test_config());
  ASSERT_EQ(specs.size(), 1u + 2 * 9 + 2);
  EXPECT_EQ(specs[0].name, "token_embd.weight");
  EXPECT_EQ(specs[0].dims, (std::vector<std::uint64_t>{64, 64}));
  EXPECT_EQ(specs[1].name, "blk.0.attn_norm.weight");
  EXPECT_EQ(specs[2].name, "blk.0.attn_q.weight");
  EXPECT_EQ(specs[2].dims, (std::vector<std::uint64_t>{64, 64}));
  EXPECT_EQ(specs[3].name, "blk.0.attn_k.weight");
  EXPECT_EQ(specs[3].dims, (std::vector<std::uint64_t>{64, 32}));  // {in, out}: 2 kv heads of 16
  EXPECT_EQ(specs[4].name, "blk.0.attn_v.weight");
  EXPECT_EQ(specs[5].name, "blk.0.attn_output.weight");
  EXPECT_EQ(specs[6].name, "blk.0.ffn_norm.weight");
  EXPECT_EQ(specs[7].name, "blk.0.ffn_gate.weight");
  EXPECT_EQ(specs[7].dims, (std::vector<std::uint64_t>{64, 96}));
  EXPECT_EQ(specs[8].name, "blk.0.ffn_up.weight");
  EXPECT_EQ(specs[9].name, "blk.0.ffn_down.weight");
  EXPECT_EQ(specs[9].dims, (std::vector<std::uint64_t>{96, 64}));
  EXPECT_EQ(specs[19].name, "output_norm.weight");
  EXPECT_EQ(specs[20].name, "output.weight");
  EXPECT_EQ(specs[20].role, TensorRole::output);

  ModelConfig tied = test_config();
  tied.tied_embeddings = true;
  const auto t = llama_tensor_specs(tied);
  EXPECT_EQ(t.size(), specs.size() - 1);
  EXPECT_EQ(t.back().name, "output_norm.weight");

  std::uint64_t total = 0;
  for (const auto& s : specs) total += s.elements();
  EXPECT_EQ(total, parameter_count(test_config()));
}

TEST(ModelSynthetic, DeterministicPerSeedAndName) {
  const auto specs = llama_tensor_specs(test_config());
  const auto a = synthetic_tensor(specs[2], 5);
  EXPECT_EQ(a, synthetic_tensor(specs[2], 5));
  EXPECT_NE(a, synthetic_tensor(specs[2], 6));
  EXPECT_NE(a, synthetic_tensor(specs[5], 5));  // same shape, other name: other values
  // Pinned values: mt19937_64 and Box-Muller are fixed, so these change only if the
  // generator does, which would silently change every model file. (A math library whose
  // log/sin/cos differ in the last place could move them by an ulp: hence NEAR.)
  const auto e = synthetic_tensor(specs[0], 1);
  const double pinned[] = {-0.0296312682, 0.00638873596, -0.0332486629, -0.0317185968};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(e[i], pinned[i], 1e-8) << i;
  EXPECT_NEAR(synthetic_tensor(specs[1], 1)[0], 1.00619817, 1e-7);  // blk.0.attn_norm
  const auto outliers = outlier_channels(specs[2], 1);              // blk.0.attn_q, 64 inputs: one
  ASSERT_EQ(outliers.size(), 1u);
  EXPECT_EQ(outliers[0].channel, 39u);
  EXPECT_NEAR(outliers[0].scale, 18.4280853, 1e-5);
}

TEST(ModelSynthetic, StatisticsAndOutlierChannels) {
  ModelConfig c = test_config();
  c.dim = 512, c.n_heads = 8, c.n_kv_heads = 8, c.hidden_dim = 1024, c.n_layers = 1;
  const auto specs = llama_tensor_specs(c);
  const TensorSpec& up = specs[8];  // blk.0.ffn_up.weight {512, 1024}
  ASSERT_EQ(up.name, "blk.0.ffn_up.weight");
  const auto w = synthetic_tensor(up, 3);
  const auto outliers = outlier_channels(up, 3);
  ASSERT_EQ(outliers.size(), 3u);  // 0.5% of 512, rounded
  std::set<std::uint64_t> out_set;
  for (const auto& o : outliers) {
    EXPECT_LT(o.channel, 512u);
    EXPECT_GE(o.scale, 10.f);
    EXPECT_LE(o.scale, 20.f);
    out_set.insert(o.channel);
  }
  EXPECT_EQ(out_set.size(), outliers.size());
  // Column RMS: 0.02 for ordinary input channels, scale * 0.02 for the outliers.
  const std::uint64_t n_in = up.dims[0], rows = up.dims[1];
  double ordinary = 0, mean = 0;
  std::uint64_t n_ordinary = 0;
  for (std::uint64_t i = 0; i < n_in; ++i) {
    double s = 0;
    for (std::uint64_t r = 0; r < rows; ++r) s += static_cast<double>(w[r * n_in + i]) * w[r * n_in + i];
    const double rms = std::sqrt(s / static_cast<double>(rows));
    if (out_set.count(i)) {
      const auto& o = *std::find_if(outliers.begin(), outliers.end(), [&](auto& x) { return x.channel == i; });
      EXPECT_NEAR(rms / 0.02, o.scale, o.scale * 0.15) << "channel " << i;
    } else {
      ordinary += s;
      n_ordinary += rows;
      for (std::uint64_t r = 0; r < rows; ++r) mean += w[r * n_in + i];
    }
  }
  EXPECT_NEAR(std::sqrt(ordinary / static_cast<double>(n_ordinary)), 0.02, 0.0005);
  EXPECT_NEAR(mean / static_cast<double>(n_ordinary), 0.0, 0.0005);

  const auto norm = synthetic_tensor(specs[1], 3);
  double m = 0;
  for (float v : norm) m += v;
  EXPECT_NEAR(m / static_cast<double>(norm.size()), 1.0, 0.01);
  EXPECT_TRUE(outlier_channels(specs[1], 3).empty());
  EXPECT_TRUE(outlier_channels(specs[0], 3).empty());  // embeddings stay plain
}

// ---- vocabulary --------------------------------------------------------------------------

std::string data_path(const std::string& name) { return std::string(STRATBENCH_TEST_DATA_DIR) + "/" + name; }

TEST(ModelVocab, LoadsTheTestVocabulary) {
  const Vocab v = load_vocab_jsonl(data_path("vocab-64.jsonl"));
  ASSERT_EQ(v.size(), 64u);
  EXPECT_EQ(v.pieces[0], "<unk>");
  EXPECT_EQ(v.types[0], static_cast<std::int32_t>(TokenType::unknown));
  EXPECT_EQ(v.pieces[1], "<s>");
  EXPECT_EQ(v.types[2], static_cast<std::int32_t>(TokenType::control));
  EXPECT_EQ(v.pieces[3], "<0x0A>");
  EXPECT_EQ(v.types[3], static_cast<std::int32_t>(TokenType::byte));
  EXPECT_EQ(v.pieces[61], "\xe2\x96\x81\xf0\x9f\x99\x82");  // "▁🙂"
  EXPECT_FLOAT_EQ(v.scores[63], -70.f);
}

TEST(ModelVocab, ErrorsNameTheLine) {
  const std::string dir = testing::TempDir() + "/vocab-errors";
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& text) {
    const std::string p = dir + "/v.jsonl";
    std::ofstream(p, std::ios::binary) << text;
    return p;
  };
  const std::string ok = "{\"id\":0,\"piece\":\"<unk>\",\"score\":0,\"type\":2}\n";
  struct Case {
    std::string text, message;
  } cases[] = {
      {ok + "{\"id\":1,\"piece\":\"a\",\"score\":0,\"type\":1", "v.jsonl:2: invalid JSON"},
      {ok + "{\"id\":2,\"piece\":\"a\",\"score\":0,\"type\":1}\n", "v.jsonl:2: id 2, expected 1"},
      {ok + "{\"id\":1,\"score\":0,\"type\":1}\n", "v.jsonl:2: missing \"piece\""},
      {ok + "{\"id\":1,\"piece\":\"\",\"score\":0,\"type\":1}\n", "v.jsonl:2: \"piece\" must be a non-empty string"},
      {ok + "{\"id\":1,\"piece\":\"a\",\"score\":\"x\",\"type\":1}\n", "v.jsonl:2: \"score\" must be a finite number"},
      {ok + "{\"id\":1,\"piece\":\"a\",\"score\":1e300,\"type\":1}\n", "v.jsonl:2: \"score\" must be a finite number"},
      {ok + "{\"id\":1,\"piece\":\"a\",\"score\":1e400,\"type\":1}\n",
       "v.jsonl:2: invalid JSON: a number out of range"},
      {ok + "{\"id\":1,\"piece\":\"a\",\"score\":0,\"type\":7}\n", "v.jsonl:2: \"type\" must be an integer in 1..6"},
      {ok + "{\"id\":1,\"piece\":\"<unk>\",\"score\":0,\"type\":1}\n", "v.jsonl:2: piece \"<unk>\" repeats line 1"},
      {ok + "[1,2]\n", "v.jsonl:2: expected a JSON object"},
      {"\n\n", "v.jsonl: no tokens"},
  };
  for (const auto& c : cases) {
    const std::string p = write(c.text);
    EXPECT_NE(error_of([&] { load_vocab_jsonl(p); }).find(c.message), std::string::npos)
        << c.message << "\ngot: " << error_of([&] { load_vocab_jsonl(p); });
  }
  EXPECT_NE(error_of([&] { load_vocab_jsonl(dir + "/missing.jsonl"); }).find("missing.jsonl: cannot open"),
            std::string::npos);
}

}  // namespace
}  // namespace sb::llm
