#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "stratbench/workloads/kernels/gemm.hpp"

namespace sb::kernels {
namespace {

struct Shape {
  int m, n, k;
};

struct Variant {
  const char* name;
  bool naive;
  SimdLevel simd;
  int threads;
};

// Readable names in gtest's failure messages instead of raw bytes.
void PrintTo(const Variant& v, std::ostream* os) { *os << v.name; }
void PrintTo(const Shape& s, std::ostream* os) { *os << s.m << "x" << s.n << "x" << s.k; }

struct Inputs {
  std::vector<float> a, b;
  // Double-precision C = A·B and |A|·|B|: the latter scales the rounding-error bound.
  std::vector<double> ref, abs_ref;
};

std::vector<float> random_matrix(std::size_t count, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Built once per shape: the 1000³ reference alone costs about a second.
const Inputs& inputs_for(const Shape& s) {
  static std::map<std::tuple<int, int, int>, std::unique_ptr<Inputs>> cache;
  auto& slot = cache[{s.m, s.n, s.k}];
  if (slot) return *slot;
  slot = std::make_unique<Inputs>();
  Inputs& in = *slot;
  std::mt19937 rng(20240601u + static_cast<unsigned>(s.m * 7 + s.n * 13 + s.k * 31));
  in.a = random_matrix(static_cast<std::size_t>(s.m) * s.k, rng);
  in.b = random_matrix(static_cast<std::size_t>(s.k) * s.n, rng);
  in.ref.assign(static_cast<std::size_t>(s.m) * s.n, 0.0);
  in.abs_ref.assign(in.ref.size(), 0.0);
  for (std::size_t i = 0; i < static_cast<std::size_t>(s.m); ++i) {
    for (std::size_t p = 0; p < static_cast<std::size_t>(s.k); ++p) {
      const double a = in.a[i * s.k + p];
      for (std::size_t j = 0; j < static_cast<std::size_t>(s.n); ++j) {
        const double b = in.b[p * s.n + j];
        in.ref[i * s.n + j] += a * b;
        in.abs_ref[i * s.n + j] += std::fabs(a * b);
      }
    }
  }
  return in;
}

void run_variant(const Variant& v, const Shape& s, const Inputs& in, float* c) {
  if (v.naive) {
    gemm_naive(s.m, s.n, s.k, in.a.data(), in.b.data(), c);
    return;
  }
  ThreadPool* pool = v.threads > 1 ? &shared_thread_pool(v.threads) : nullptr;
  GemmWorkspace ws(GemmOptions{v.simd, pool});
  gemm_blocked(s.m, s.n, s.k, in.a.data(), in.b.data(), c, ws);
}

class GemmVariantTest : public ::testing::TestWithParam<std::tuple<Variant, Shape>> {};

TEST_P(GemmVariantTest, MatchesDoublePrecisionReference) {
  const auto& [variant, shape] = GetParam();
  if (!variant.naive && !simd_level_supported(variant.simd)) {
    GTEST_SKIP() << "this CPU lacks " << to_string(variant.simd) << " (best is " << to_string(best_simd_level()) << ")";
  }
  const Inputs& in = inputs_for(shape);
  // NaN in C before the call: C = A·B must overwrite it, never read it.
  std::vector<float> c(in.ref.size(), std::numeric_limits<float>::quiet_NaN());
  run_variant(variant, shape, in, c.data());

  // Any summation order of k products has |error| <= k·u·Σ|a·b| (u = 2^-24, to first
  // order); twice that leaves room for the final rounding and the per-block adds into C.
  const double u = std::ldexp(1.0, -24);
  const double factor = 2.0 * (shape.k + 2) * u;
  int bad = 0;
  for (std::size_t idx = 0; idx < c.size(); ++idx) {
    const double err = std::fabs(static_cast<double>(c[idx]) - in.ref[idx]);
    const double tol = factor * in.abs_ref[idx] + 1e-30;
    if (!(err <= tol) && ++bad <= 5) {  // !(<=) so that NaN fails too
      ADD_FAILURE() << "C[" << idx / shape.n << "][" << idx % shape.n << "] = " << c[idx] << ", reference "
                    << in.ref[idx] << ", |error| " << err << " > " << tol;
    }
  }
  EXPECT_EQ(bad, 0) << "wrong elements of " << c.size();
}

const Variant kVariants[] = {
    {"naive", true, SimdLevel::scalar, 1},
    {"blocked_scalar_1t", false, SimdLevel::scalar, 1},
    {"blocked_scalar_2t", false, SimdLevel::scalar, 2},
    {"blocked_avx2_1t", false, SimdLevel::avx2, 1},
    {"blocked_avx2_2t", false, SimdLevel::avx2, 2},
    {"blocked_avx512_1t", false, SimdLevel::avx512, 1},
    {"blocked_avx512_2t", false, SimdLevel::avx512, 2},
};

// Awkward on purpose: 1 and 17 are below and between tile sizes, 255 and 1000 leave ragged
// tiles and ragged cache blocks (1000 > KC, and > MC), the rest are thin and non-square.
const Shape kShapes[] = {{1, 1, 1},      {17, 17, 17},  {255, 255, 255}, {7, 300, 13},
                         {129, 65, 257}, {300, 7, 513}, {1, 1000, 3},    {1000, 1000, 1000}};

std::vector<std::tuple<Variant, Shape>> cases() {
  std::vector<std::tuple<Variant, Shape>> out;
  for (const auto& v : kVariants) {
    for (const auto& s : kShapes) {
      // The naive loop takes seconds at 1000³; it is checked on the other shapes.
      if (v.naive && s.m * s.n * s.k >= 100'000'000) continue;
      out.emplace_back(v, s);
    }
  }
  return out;
}

std::string case_name(const ::testing::TestParamInfo<std::tuple<Variant, Shape>>& info) {
  const auto& [v, s] = info.param;
  return std::string(v.name) + "_" + std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k);
}

INSTANTIATE_TEST_SUITE_P(Gemm, GemmVariantTest, ::testing::ValuesIn(cases()), case_name);

TEST(GemmBlocked, UnsupportedSimdLevelThrowsWithItsName) {
  for (const auto level : {SimdLevel::scalar, SimdLevel::avx2, SimdLevel::avx512}) {
    if (simd_level_supported(level)) {
      EXPECT_NO_THROW(GemmWorkspace(GemmOptions{level, nullptr})) << to_string(level);
      continue;
    }
    try {
      GemmWorkspace ws(GemmOptions{level, nullptr});
      ADD_FAILURE() << "no exception for " << to_string(level);
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(to_string(level)), std::string::npos) << e.what();
    }
  }
}

TEST(GemmBlocked, EmptyInnerDimensionGivesZeros) {
  GemmWorkspace ws(GemmOptions{});
  std::vector<float> c(6, std::numeric_limits<float>::quiet_NaN());
  gemm_blocked(2, 3, 0, nullptr, nullptr, c.data(), ws);
  for (const float x : c) EXPECT_EQ(x, 0.0f);
  gemm_blocked(0, 3, 4, nullptr, nullptr, nullptr, ws);  // nothing to write: no access
  EXPECT_THROW(gemm_blocked(-1, 3, 4, nullptr, nullptr, nullptr, ws), std::invalid_argument);
}

// One workspace serves many calls of different shapes: its buffers do not depend on m, n, k.
TEST(GemmBlocked, WorkspaceIsReusableAcrossShapes) {
  const SimdLevel simd = best_simd_level();
  GemmWorkspace ws(GemmOptions{simd, &shared_thread_pool(2)});
  for (const Shape s : {Shape{255, 255, 255}, Shape{17, 17, 17}, Shape{129, 65, 257}}) {
    const Inputs& in = inputs_for(s);
    std::vector<float> c(in.ref.size());
    gemm_blocked(s.m, s.n, s.k, in.a.data(), in.b.data(), c.data(), ws);
    for (std::size_t i = 0; i < c.size(); ++i) {
      ASSERT_NEAR(c[i], in.ref[i], 2.0 * (s.k + 2) * std::ldexp(1.0, -24) * in.abs_ref[i])
          << to_string(simd) << " " << s.m << "x" << s.n << "x" << s.k << " at " << i;
    }
  }
}

TEST(CpuFeatures, BestLevelIsSupportedAndNamed) {
  const SimdLevel best = best_simd_level();
  EXPECT_TRUE(simd_level_supported(best));
  EXPECT_TRUE(simd_level_supported(SimdLevel::scalar));
  EXPECT_STREQ(to_string(SimdLevel::avx2), "avx2");
  EXPECT_STREQ(to_string(SimdLevel::avx512), "avx512");
  EXPECT_STREQ(to_string(SimdLevel::scalar), "scalar");
#if defined(__x86_64__)
  const auto flags = cpu_flags();
  EXPECT_FALSE(flags.empty());
  const auto has = [&](const std::string& f) {
    for (const auto& x : flags) {
      if (x == f) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("sse2"));  // part of x86-64 itself
  if (best == SimdLevel::avx2) {
    EXPECT_TRUE(has("avx2") && has("fma"));
  }
  if (best == SimdLevel::avx512) {
    EXPECT_TRUE(has("avx512f"));
  }
#endif
}

}  // namespace
}  // namespace sb::kernels
