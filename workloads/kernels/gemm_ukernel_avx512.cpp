// Built with -mavx512f (and nothing wider): reached only through the run-time dispatch in
// gemm_blocked.cpp, after best_simd_level() has seen AVX-512F. It mirrors the AVX2 kernel
// with zmm registers, so the two differ only in vector width.
#include <immintrin.h>

#include "stratbench/workloads/kernels/gemm.hpp"

namespace sb::kernels::detail {

namespace {
constexpr int kMr = kAvx512Mr;
constexpr int kNr = kAvx512Nr;
static_assert(kNr == 32, "the kernel holds a C row in two zmm registers");
}  // namespace

// 6×32 tile: 12 zmm accumulators + 2 for the B row + 1 broadcast of A, well inside the 32
// registers; 12 FMAs per k step against 2 loads and 6 broadcasts.
void gemm_ukernel_avx512(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, bool accumulate) {
  __m512 acc[kMr][2];
#pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i) {
    acc[i][0] = _mm512_setzero_ps();
    acc[i][1] = _mm512_setzero_ps();
    // The C tile is touched only after the k loop; start bringing it in now.
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + kNr - 1), _MM_HINT_T0);
  }

#pragma GCC unroll 4
  for (int p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_load_ps(b);
    const __m512 b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 6
    for (int i = 0; i < kMr; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += kMr;
    b += kNr;
  }

#pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i) {
    float* row = c + i * ldc;
    if (accumulate) {
      acc[i][0] = _mm512_add_ps(acc[i][0], _mm512_loadu_ps(row));
      acc[i][1] = _mm512_add_ps(acc[i][1], _mm512_loadu_ps(row + 16));
    }
    _mm512_storeu_ps(row, acc[i][0]);
    _mm512_storeu_ps(row + 16, acc[i][1]);
  }
}

}  // namespace sb::kernels::detail
