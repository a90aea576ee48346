// prefill / decode / generate as the cell runner drives them: prepare, check, run_once,
// counters, on tiny with short prompts.
#include <gtest/gtest.h>

#include <tuple>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"
#include "stratbench/workloads/workload.hpp"

namespace sb {
namespace {

Params params(const std::string& workload, int prompt_len, int gen_len, int batch) {
  Params p{{"model", std::string("tiny")}, {"prompt_len", std::int64_t{prompt_len}}, {"batch", std::int64_t{batch}}};
  if (workload != "prefill") p["gen_len"] = std::int64_t{gen_len};
  return p;
}

TEST(LlmWorkloads, EveryPresetPassesItsQualityCheckAndRuns) {
  for (const char* w : {"prefill", "decode", "generate"}) {
    const Workload* wl = find_workload(w);
    ASSERT_NE(wl, nullptr) << w;
    for (const char* st : {"baseline", "simd+threads=2", "fp16+simd", "bf16", "int8+simd", "int4+simd+fused+pool",
                           "fused+kv_cache=off"}) {
      const Strategy s = parse_strategy(st);
      const Params p = params(w, 6, 3, 2);
      ASSERT_EQ(wl->unsupported(s, p, "cpu"), "") << w << " " << st;
      auto inst = wl->prepare(s, p, "cpu");
      const CheckResult r = inst->check();
      EXPECT_TRUE(r.ok) << w << " " << st << ": " << r.detail;
      ASSERT_TRUE(r.quality.rel_error && r.quality.top1_agreement && r.quality.kl);
      if (std::string(st) == "baseline") {
        EXPECT_EQ(*r.quality.rel_error, 0.0) << w;
      }
      inst->run_once();
      const auto c = inst->counters();
      EXPECT_GT(c.at("weight_bytes"), 0);
      EXPECT_GT(c.at("kv_cache_bytes"), 0);
      if (std::string(w) != "prefill") {
        EXPECT_GT(c.at("tpot_ms"), 0);
      }
    }
  }
}

// Compressed cells (issue 20): checked against the uncompressed model at their precision,
// smaller weights, and the combinations the kernels do not have are skipped with a reason.
TEST(LlmWorkloads, CompressedStrategiesRunAndSayWhatTheyCannotCombineWith) {
  const Workload* wl = find_workload("decode");
  const Params p = params("decode", 6, 3, 1);
  const double dense = wl->prepare(parse_strategy("simd"), p, "cpu")->counters().at("weight_bytes");
  for (const char* st : {"sparsity=u70+simd+threads=2", "sparsity=2of4+blocked+simd", "lowrank=25+int8+simd",
                         "lowrank=50+int4+blocked+simd+threads=2", "share=2+simd+fused"}) {
    const Strategy s = parse_strategy(st);
    ASSERT_EQ(wl->unsupported(s, p, "cpu"), "") << st;
    auto inst = wl->prepare(s, p, "cpu");
    const CheckResult r = inst->check();
    EXPECT_TRUE(r.ok) << st << ": " << r.detail;
    EXPECT_NE(r.detail.find("against the uncompressed"), std::string::npos) << r.detail;
    inst->run_once();
    EXPECT_LT(inst->counters().at("weight_bytes"), dense) << st;
  }
  EXPECT_NE(wl->unsupported(parse_strategy("sparsity=u50+int8"), p, "cpu"), "");
  EXPECT_NE(wl->unsupported(parse_strategy("lowrank=50+fused"), p, "cpu"), "");
}

TEST(LlmWorkloads, WeightBytesShrinkWithPrecision) {
  const Workload* wl = find_workload("prefill");
  const Params p = params("prefill", 2, 0, 1);
  const double f32 = wl->prepare(parse_strategy("baseline"), p, "cpu")->counters().at("weight_bytes");
  const double f16 = wl->prepare(parse_strategy("fp16"), p, "cpu")->counters().at("weight_bytes");
  const double q4 = wl->prepare(parse_strategy("int4"), p, "cpu")->counters().at("weight_bytes");
  EXPECT_NEAR(f16 / f32, 0.5, 0.01);
  EXPECT_LT(q4 / f32, 0.2);
}

TEST(LlmWorkloads, BadParametersAreInputErrors) {
  const Workload* wl = find_workload("decode");
  EXPECT_THROW(wl->prepare(parse_strategy("baseline"), params("decode", 250, 10, 1), "cpu"), InputError);
  Params p = params("decode", 4, 2, 1);
  p["model"] = std::string("no-such-model");
  EXPECT_THROW(wl->prepare(parse_strategy("baseline"), p, "cpu"), InputError);
  // simd=avx512 runs where the CPU has the five AVX-512 features, and says why not elsewhere.
  const std::string why = wl->unsupported(parse_strategy("simd=avx512"), params("decode", 4, 2, 1), "cpu");
  EXPECT_EQ(why.empty(), llm::avx512_llm_supported()) << why;
}

}  // namespace
}  // namespace sb

namespace sb {
namespace {

TEST(LlmWorkloads, AttentionStrategiesMatchFloat64OnAwkwardShapes) {
  const Workload* wl = find_workload("attention");
  ASSERT_NE(wl, nullptr);
  for (const char* st : {"baseline", "fused", "simd", "fused+simd+threads=2", "threads=3"})
    for (auto [n, h, hd, kv] : {std::tuple{1, 1, 2, 1}, std::tuple{37, 6, 24, 2}, std::tuple{70, 4, 13, 4}}) {
      const Params p{{"seq_len", std::int64_t{n}},
                     {"heads", std::int64_t{h}},
                     {"head_dim", std::int64_t{hd}},
                     {"kv_heads", std::int64_t{kv}}};
      const Strategy s = parse_strategy(st);
      ASSERT_EQ(wl->unsupported(s, p, "cpu"), "");
      const CheckResult r = wl->prepare(s, p, "cpu")->check();
      EXPECT_TRUE(r.ok) << st << " n=" << n << ": " << r.detail;
    }
  const Params bad{{"seq_len", std::int64_t{4}},
                   {"heads", std::int64_t{6}},
                   {"head_dim", std::int64_t{8}},
                   {"kv_heads", std::int64_t{4}}};
  EXPECT_THROW(wl->prepare(parse_strategy("baseline"), bad, "cpu"), InputError);
}

}  // namespace
}  // namespace sb
