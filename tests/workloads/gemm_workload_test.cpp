// Every GEMM strategy, through the workload (as a cell runs it), on awkward sizes,
// checked against the float64 reference.
#include <gtest/gtest.h>

#include <array>

#include "stratbench/workloads/workload.hpp"

namespace sb {
namespace {

struct Case {
  const char* strategy;
  int m, n, k;
};

// Readable names in test listings ("blocked+simd 17x17x17"), not a byte dump.
void PrintTo(const Case& c, std::ostream* os) { *os << c.strategy << " " << c.m << "x" << c.n << "x" << c.k; }

class GemmStrategies : public testing::TestWithParam<Case> {};

TEST_P(GemmStrategies, MatchesFloat64Reference) {
  const Case c = GetParam();
  const Workload* w = find_workload("gemm");
  ASSERT_NE(w, nullptr);
  Strategy s = parse_strategy(c.strategy);
  Params p{{"m", std::int64_t{c.m}}, {"n", std::int64_t{c.n}}, {"k", std::int64_t{c.k}}};
  const std::string why = w->unsupported(s, p, "cpu");
  if (why.find("this CPU lacks") != std::string::npos) GTEST_SKIP() << why;
  ASSERT_EQ(why, "");
  auto inst = w->prepare(s, p, "cpu");
  CheckResult r = inst->check();
  EXPECT_TRUE(r.ok) << r.detail;
  ASSERT_TRUE(r.quality.rel_error.has_value());
  EXPECT_LT(*r.quality.rel_error, 1e-5) << r.detail;
  inst->run_once();  // and again: workspaces are reusable
  EXPECT_TRUE(inst->check().ok);
  EXPECT_DOUBLE_EQ(inst->work_per_iteration(), 2.0 * c.m * c.n * c.k);
}

std::vector<Case> cases() {
  std::vector<Case> out;
  const char* all[] = {"naive",
                       "naive+threads=2",
                       "blocked",
                       "blocked+threads=2",
                       "blocked+simd",
                       "blocked+simd+threads=2",
                       "blocked+simd=avx512",
                       "blas",
                       "blas+threads=1"};
  const int sizes[][3] = {{1, 1, 1}, {17, 17, 17}, {255, 255, 255}, {7, 300, 13}, {129, 65, 257}, {1000, 1000, 1000}};
  for (const char* s : all)
    for (const auto& sz : sizes) {
      const bool slow = std::string(s).find("simd") == std::string::npos && std::string(s) != "blas" &&
                        std::string(s) != "blas+threads=1";
      if (slow && sz[0] == 1000) continue;  // the scalar paths at 1000³ take seconds for no new coverage
      out.push_back({s, sz[0], sz[1], sz[2]});
    }
  return out;
}

std::string name(const testing::TestParamInfo<Case>& i) {
  std::string s = i.param.strategy;
  for (auto& ch : s)
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s + "_" + std::to_string(i.param.m) + "x" + std::to_string(i.param.n) + "x" + std::to_string(i.param.k);
}

INSTANTIATE_TEST_SUITE_P(All, GemmStrategies, testing::ValuesIn(cases()), name);

TEST(GemmWorkload, RejectsCombinationsItCannotRun) {
  const Workload* w = find_workload("gemm");
  Params p{{"m", std::int64_t{8}}, {"n", std::int64_t{8}}, {"k", std::int64_t{8}}};
  EXPECT_NE(w->unsupported(parse_strategy("blas+blocked"), p, "cpu"), "");
  EXPECT_NE(w->unsupported(parse_strategy("simd"), p, "cpu"), "");
  EXPECT_NE(w->unsupported(parse_strategy("naive"), p, "cuda"), "");
}

}  // namespace
}  // namespace sb

namespace sb {
namespace {

// On a machine with a CUDA device and a CUDA build, every gemm strategy on cuda is checked
// like the CPU ones; elsewhere the test says why it cannot run.
TEST(GemmCuda, StrategiesMatchFloat64Reference) {
  const Workload* w = find_workload("gemm");
  for (const char* st : {"naive", "blocked", "blas"}) {
    for (const auto& sz :
         {std::array<int, 3>{17, 33, 9}, std::array<int, 3>{255, 257, 129}, std::array<int, 3>{1000, 1000, 1000}}) {
      Params p{{"m", std::int64_t{sz[0]}}, {"n", std::int64_t{sz[1]}}, {"k", std::int64_t{sz[2]}}};
      const Strategy s = parse_strategy(st);
      const std::string why = w->unsupported(s, p, "cuda");
      if (!why.empty()) GTEST_SKIP() << "gemm on cuda cannot run here: " << why;
      auto inst = w->prepare(s, p, "cuda");
      ASSERT_TRUE(inst->timed_on_device());
      CheckResult r = inst->check();
      EXPECT_TRUE(r.ok) << st << " " << r.detail;
      EXPECT_GT(inst->run_once_device_seconds(), 0.0);
    }
  }
}

}  // namespace
}  // namespace sb
