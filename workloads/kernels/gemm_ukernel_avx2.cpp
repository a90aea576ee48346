// Built with -mavx2 -mfma (and nothing wider): reached only through the run-time dispatch
// in gemm_blocked.cpp, after best_simd_level() has seen AVX2 and FMA.
#include <immintrin.h>

#include "stratbench/workloads/kernels/gemm.hpp"

namespace sb::kernels::detail {

namespace {
constexpr int kMr = kAvx2Mr;
constexpr int kNr = kAvx2Nr;
static_assert(kNr == 16, "the kernel holds a C row in two ymm registers");
}  // namespace

// 6×16 tile: 12 ymm accumulators + 2 for the B row + 1 broadcast of A = 15 of the 16
// registers. Per k step that is 12 FMAs against 2 loads and 6 broadcasts, which keeps both
// FMA pipes of Zen 3 / Haswell-class cores busy without saturating the load ports.
void gemm_ukernel_avx2(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, bool accumulate) {
  __m256 acc[kMr][2];
#pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i) {
    acc[i][0] = _mm256_setzero_ps();
    acc[i][1] = _mm256_setzero_ps();
    // The C tile is touched only after the k loop; start bringing it in now.
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + kNr - 1), _MM_HINT_T0);
  }

#pragma GCC unroll 4
  for (int p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_load_ps(b);
    const __m256 b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < kMr; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += kMr;
    b += kNr;
  }

#pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i) {
    float* row = c + i * ldc;
    if (accumulate) {
      acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_loadu_ps(row));
      acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_loadu_ps(row + 8));
    }
    _mm256_storeu_ps(row, acc[i][0]);
    _mm256_storeu_ps(row + 8, acc[i][1]);
  }
}

}  // namespace sb::kernels::detail
