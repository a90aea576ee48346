// The engine's kernels against float64 references on awkward sizes, every storage type,
// scalar, AVX2 and AVX-512 (where the CPU has them), one and two threads.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "llm_test_util.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/cpu_features.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"
#include "stratbench/workloads/llm/quant.hpp"
#include "stratbench/workloads/thread_pool.hpp"

namespace sb::llm {
namespace {

// The vector levels this CPU runs; the tests that need one skip, saying so, where none.
std::vector<SimdLevel> vector_levels() {
  std::vector<SimdLevel> l = levels();
  l.erase(l.begin());
  return l;
}

// x as the AVX-512 bf16 kernels see it: rounded to bf16, to nearest, ties to even.
std::vector<float> round_to_bf16(std::vector<float> x) {
  std::vector<std::uint8_t> b(2 * x.size());
  fp32_to_bf16_row(x, b);
  bf16_to_fp32_row(b, x);
  return x;
}

bool is_block(GgmlType t) { return t == GgmlType::q8_0 || t == GgmlType::q4_0; }

// The exact value a kernel should produce: float64 over what is stored (dequantized weights,
// and for block types the Q8_0-rounded activations; for bf16 at the AVX-512 level, the
// bf16-rounded activations that vdpbf16ps takes).
double reference_dot(const Matrix& w, int o, const std::vector<float>& x, SimdLevel simd = SimdLevel::scalar) {
  std::vector<float> wr(w.cols()), xr = w.type() == GgmlType::bf16 && simd == SimdLevel::avx512 ? round_to_bf16(x) : x;
  w.dequantize_row(o, wr.data());
  if (is_block(w.type())) {
    std::vector<std::uint8_t> q(row_bytes(GgmlType::q8_0, w.cols()));
    quantize_row_q8_0(x, q);
    dequantize_row_q8_0(q, xr);
  }
  double s = 0;
  for (int i = 0; i < w.cols(); ++i) s += static_cast<double>(wr[i]) * xr[i];
  return s;
}

TEST(LlmKernels, DotOfEveryTypeMatchesFloat64) {
  for (GgmlType t : {GgmlType::f32, GgmlType::f16, GgmlType::bf16, GgmlType::q8_0, GgmlType::q4_0}) {
    const std::vector<int> sizes =
        is_block(t) ? std::vector<int>{32, 96, 288, 800} : std::vector<int>{1, 7, 33, 80, 100, 291};
    for (int n : sizes) {
      const int rows = 5;
      Matrix w = Matrix::from_floats(t, rows, n, randn(static_cast<std::size_t>(rows) * n, n));
      std::vector<float> x = randn(n, n + 7);
      std::vector<std::uint8_t> xq(matmul_scratch_bytes(t, 1, n));
      quantize_activations(t, x.data(), n, 1, n, xq.data());
      for (SimdLevel s : levels())
        for (int o = 0; o < rows; ++o) {
          const double ref = reference_dot(w, o, x, s);
          const double got = dot_row(t, w.row(o), x.data(), is_block(t) ? xq.data() : nullptr, n, s);
          EXPECT_NEAR(got, ref, 1e-5 * std::sqrt(n) * 4 + 1e-5 * std::abs(ref))
              << to_string(t) << " n=" << n << " simd=" << to_string(s) << " row " << o;
        }
    }
  }
}

TEST(LlmKernels, MatmulOverThreadsMatchesFloat64) {
  const int rows = 37, cols = 96, ntok = 5;
  for (GgmlType t : {GgmlType::f32, GgmlType::bf16, GgmlType::q4_0})
    for (SimdLevel s : levels())
      for (int threads : {1, 2}) {
        Matrix w = Matrix::from_floats(t, rows, cols, randn(rows * cols, 3));
        std::vector<float> x = randn(ntok * cols, 4), y(ntok * rows, NAN);
        std::vector<std::uint8_t> scratch(matmul_scratch_bytes(t, ntok, cols));
        KernelOptions opt{s, threads > 1 ? &shared_thread_pool(threads) : nullptr};
        matmul(w, x.data(), cols, ntok, y.data(), rows, opt, scratch.data());
        for (int tk = 0; tk < ntok; ++tk)
          for (int o = 0; o < rows; ++o) {
            std::vector<float> xt(x.begin() + tk * cols, x.begin() + (tk + 1) * cols);
            EXPECT_NEAR(y[tk * rows + o], reference_dot(w, o, xt, s), 1e-4)
                << to_string(t) << " simd=" << to_string(s) << " threads " << threads;
          }
      }
}

// layout=blocked: register tiles of up to 4x3 (float; 8x3 at AVX-512) or 4x4 (block) rows x tokens, with
// edge tiles of every smaller shape, and Q4_0's four-row kernel for one token; sizes chosen
// so that every edge shape occurs, that a row tail (n % 8, rows % 4) exists, and that
// tokens cross the 48-token block.
TEST(LlmKernels, BlockedTilesMatchFloat64OnEveryEdge) {
  if (vector_levels().empty()) GTEST_SKIP() << "the tiles are vector kernels; this CPU lacks AVX2";
  for (SimdLevel s : vector_levels())
    for (GgmlType t : {GgmlType::f32, GgmlType::f16, GgmlType::bf16, GgmlType::q8_0, GgmlType::q4_0})
      for (int cols : is_block(t) ? std::vector<int>{32, 160} : std::vector<int>{5, 8, 100})
        for (int rows : {1, 2, 3, 4, 7, 13})
          for (int ntok : {1, 2, 3, 4, 5, 7, 8, 12, 50}) {
            Matrix w =
                Matrix::from_floats(t, rows, cols, randn(static_cast<std::size_t>(rows) * cols, rows * 31 + cols));
            std::vector<float> x = randn(static_cast<std::size_t>(ntok) * cols, ntok), y(ntok * rows, NAN);
            std::vector<std::uint8_t> scratch(matmul_scratch_bytes(t, ntok, cols));
            KernelOptions opt{s, nullptr, true};
            matmul(w, x.data(), cols, ntok, y.data(), rows, opt, scratch.data());
            for (int tk = 0; tk < ntok; ++tk)
              for (int o = 0; o < rows; ++o) {
                std::vector<float> xt(x.begin() + tk * cols, x.begin() + (tk + 1) * cols);
                const double ref = reference_dot(w, o, xt, s);
                ASSERT_NEAR(y[tk * rows + o], ref, 1e-5 * std::sqrt(cols) * 4 + 1e-5 * std::abs(ref))
                    << to_string(t) << " simd=" << to_string(s) << " rows=" << rows << " cols=" << cols
                    << " ntok=" << ntok << " at token " << tk << " row " << o;
              }
          }
}

// One token against rows (decode, blocked): at both vector levels fp32, fp16, bf16 and
// Q8_0 rows go four at a time as four streams (rows q apart), the rows left over one by
// one; Q4_0's four-row kernel takes its rows q apart too. The rows split into other
// quarters over 1, 2 and 3 threads, and the sums must not depend on it; each near float64.
// Row tails of 16 and of fewer than 16 (fp32, fp16) or 32 (bf16) columns. Then a row's sum
// must be the same float whether the four-row or the one-row kernel took it: rows 1..36 of
// 37, as 35 rows (the last three one by one) and as part of all 37 (four at a time).
TEST(LlmKernels, OneTokenRowsInStreamsMatchFloat64AndOneAnother) {
  for (SimdLevel s : levels())
    for (GgmlType t : {GgmlType::f32, GgmlType::f16, GgmlType::bf16, GgmlType::q8_0, GgmlType::q4_0})
      for (int cols : is_block(t) ? std::vector<int>{32, 160, 768} : std::vector<int>{16, 100, 768})
        for (int rows : {3, 4, 37, 130}) {
          Matrix w = Matrix::from_floats(t, rows, cols, randn(static_cast<std::size_t>(rows) * cols, rows));
          const std::vector<float> x = randn(cols, cols);
          std::vector<std::uint8_t> scratch(matmul_scratch_bytes(t, 1, cols));
          std::vector<float> first;
          for (int threads : {1, 2, 3}) {
            std::vector<float> y(rows, NAN);
            KernelOptions opt{s, threads > 1 ? &shared_thread_pool(threads) : nullptr, true};
            matmul(w, x.data(), cols, 1, y.data(), rows, opt, scratch.data());
            for (int o = 0; o < rows; ++o) {
              const double ref = reference_dot(w, o, x, s);
              ASSERT_NEAR(y[o], ref, 1e-5 * std::sqrt(cols) * 4 + 1e-5 * std::abs(ref))
                  << to_string(t) << " simd=" << to_string(s) << " rows=" << rows << " cols=" << cols << " threads "
                  << threads << " row " << o;
            }
            if (first.empty()) first = y;
            EXPECT_EQ(y, first) << to_string(t) << " simd=" << to_string(s) << " rows=" << rows << " cols=" << cols
                                << ": " << threads << " threads gave other sums than one";
          }
        }
  for (SimdLevel s : vector_levels())
    for (GgmlType t : {GgmlType::f32, GgmlType::f16, GgmlType::bf16, GgmlType::q8_0})
      for (int cols : is_block(t) ? std::vector<int>{160, 768} : std::vector<int>{100, 768}) {
        const Matrix w = Matrix::from_floats(t, 37, cols, randn(static_cast<std::size_t>(37) * cols, 5));
        const std::vector<float> x = randn(cols, 6);
        std::vector<std::uint8_t> xq(row_bytes(GgmlType::q8_0, cols));
        if (is_block(t)) quantize_row_q8_0(x, xq);
        auto gemv = s == SimdLevel::avx512 ? detail::gemv_avx512 : detail::gemv_avx2;
        std::vector<float> all(37), part(35);
        gemv(t, w.row(0), w.row_bytes(), 37, x.data(), xq.data(), cols, all.data());
        gemv(t, w.row(1), w.row_bytes(), 35, x.data(), xq.data(), cols, part.data());
        for (int o = 0; o < 35; ++o)
          EXPECT_EQ(part[o], all[o + 1]) << to_string(t) << " simd=" << to_string(s) << " cols=" << cols << " row "
                                         << o + 1;
      }
}

// Q4_0/Q8_0 rows interleaved 16 to a vector (the AVX-512 prefill tiles): whole groups by the
// interleaved copy, rows before and after them row-major, with products split over two
// threads so that slices start inside a group too.
TEST(LlmKernels, InterleavedBlockRowsMatchFloat64) {
  if (!avx512_llm_supported()) GTEST_SKIP() << "AVX-512 kernel; this CPU lacks AVX512F/BW/VL/VNNI/BF16";
  for (GgmlType t : {GgmlType::q4_0, GgmlType::q8_0})
    for (int rows : {15, 16, 37, 64, 100})
      for (int cols : {32, 96})
        for (int ntok : {2, 3, 4, 5, 50})
          for (int threads : {1, 2}) {
            Matrix w = Matrix::from_floats(t, rows, cols, randn(static_cast<std::size_t>(rows) * cols, rows + cols));
            w.interleave16();
            EXPECT_EQ(w.interleaved() != nullptr, rows >= 16);
            std::vector<float> x = randn(static_cast<std::size_t>(ntok) * cols, ntok), y(ntok * rows, NAN);
            std::vector<std::uint8_t> scratch(matmul_scratch_bytes(t, ntok, cols));
            KernelOptions opt{SimdLevel::avx512, threads > 1 ? &shared_thread_pool(threads) : nullptr, true};
            matmul(w, x.data(), cols, ntok, y.data(), rows, opt, scratch.data());
            for (int tk = 0; tk < ntok; ++tk)
              for (int o = 0; o < rows; ++o) {
                std::vector<float> xt(x.begin() + tk * cols, x.begin() + (tk + 1) * cols);
                const double ref = reference_dot(w, o, xt);
                ASSERT_NEAR(y[tk * rows + o], ref, 1e-5 * std::sqrt(cols) * 4 + 1e-5 * std::abs(ref))
                    << to_string(t) << " rows=" << rows << " cols=" << cols << " ntok=" << ntok
                    << " threads=" << threads << " token " << tk << " row " << o;
              }
          }
}

// The vector quantizer rounds ties to even where the reference rounds them away from zero:
// every block's scale is identical and every value within one step of the reference's.
TEST(LlmKernels, VectorActivationQuantizerAgreesWithTheReference) {
  if (!simd_level_supported(SimdLevel::avx2)) GTEST_SKIP() << "AVX2 kernel; this CPU lacks AVX2";
  const int n = 32 * 9;
  std::vector<float> x = randn(n, 5);
  x[3] = 0.f;
  for (int j = 32; j < 64; ++j) x[j] = 0.f;              // an all-zero block: d = 0
  for (int j = 64; j < 96; ++j) x[j] = (j - 80) + 0.5f;  // d = 127/127 = 1: every value a tie
  x[64] = 127.f;
  std::vector<std::uint8_t> ref(n / 32 * 34), vec(ref.size());
  quantize_row_q8_0(x, ref);
  detail::quantize_row_q8_0_avx2(x.data(), n, vec.data());
  for (int b = 0; b < n / 32; ++b) {
    EXPECT_EQ(ref[34 * b], vec[34 * b]) << "block " << b;
    EXPECT_EQ(ref[34 * b + 1], vec[34 * b + 1]) << "block " << b;
    for (int j = 0; j < 32; ++j)
      EXPECT_LE(std::abs(static_cast<int>(static_cast<std::int8_t>(ref[34 * b + 2 + j])) -
                         static_cast<int>(static_cast<std::int8_t>(vec[34 * b + 2 + j]))),
                1)
          << "block " << b << " element " << j;
  }
  // 2.5 (element 82): the reference gives 3, the vector kernel 2 (ties to even).
  EXPECT_EQ(static_cast<std::int8_t>(ref[34 * 2 + 2 + 18]), 3);
  EXPECT_EQ(static_cast<std::int8_t>(vec[34 * 2 + 2 + 18]), 2);
  x[100] = NAN;  // a non-finite activation is the reference's error, not garbage
  EXPECT_THROW(detail::quantize_row_q8_0_avx2(x.data(), n, vec.data()), InputError);
}

TEST(LlmKernels, BothAttentionsMatchFloat64) {
  const int hd = 24, stride = 3 * hd;  // keys of one kv head among three
  for (int len : {1, 13, 77})
    for (SimdLevel s : levels()) {
      std::vector<float> q = randn(hd, 1), k = randn(stride * len, 2), v = randn(stride * len, 3);
      const float sc = 1.f / std::sqrt(static_cast<float>(hd));
      std::vector<double> sco(len), ref(hd, 0.0);
      double mx = -INFINITY, sum = 0;
      for (int j = 0; j < len; ++j) {
        double d = 0;
        for (int i = 0; i < hd; ++i) d += static_cast<double>(q[i]) * k[stride * j + i];
        sco[j] = d * sc;
        mx = std::max(mx, sco[j]);
      }
      for (int j = 0; j < len; ++j) sum += (sco[j] = std::exp(sco[j] - mx));
      for (int j = 0; j < len; ++j)
        for (int i = 0; i < hd; ++i) ref[i] += sco[j] / sum * v[stride * j + i];
      std::vector<float> a(hd), b(hd), scores(len);
      attend_two_pass(q.data(), k.data(), v.data(), stride, len, hd, sc, scores.data(), a.data(), s);
      attend_online(q.data(), k.data(), v.data(), stride, len, hd, sc, b.data(), s);
      for (int i = 0; i < hd; ++i) {
        EXPECT_NEAR(a[i], ref[i], 1e-5) << "two-pass len " << len;
        EXPECT_NEAR(b[i], ref[i], 1e-5) << "online len " << len;
      }
    }
}

}  // namespace
}  // namespace sb::llm
