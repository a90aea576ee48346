// One token against fp32 rows (decode) at the AVX-512 level, the rows read as four
// streams: rows i, i + q, i + 2q and i + 3q of the range side by side, each with its own
// prefetch. Row after row is one stream, and one core keeps fewer lines in flight for one
// stream than for four: on one core, fp32 matrices of 270 MB (768 and 2048 columns) went
// from 13.8-14.9 GB/s row by row to 16.2-17.1 GB/s in four streams 32 rows or more apart,
// and fp32 decode on small at 2 threads from 15.4-16.5 ms a token to 13.4-14.1.
// The sparse decode kernel reads its rows the same way (sparse_kernels_avx512.cpp).
#include <immintrin.h>

#include "llm_x86_helpers.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"

namespace sb::llm::detail {
namespace {

constexpr int kStreams = 4;

// Rows w, w + stride, w + 2 stride, w + 3 stride (stride in floats) . x into y[0], y[q],
// y[2q], y[3q]; each row's sum in the order of dot_f32_avx512's, so a row's result does
// not depend on which kernel took it.
void dot4(const float* w, std::size_t stride, const float* x, int n, float* y, int q) {
  __m512 a[kStreams][2];
  for (auto& acc : a) acc[0] = acc[1] = _mm512_setzero_ps();
  int i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 x0 = _mm512_loadu_ps(x + i), x1 = _mm512_loadu_ps(x + i + 16);
    SB_UNROLL for (int r = 0; r < kStreams; ++r) {
      const float* wr = w + stride * r + i;
      _mm_prefetch(reinterpret_cast<const char*>(wr) + kAhead, _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(wr) + kAhead + 64, _MM_HINT_T0);
      a[r][0] = _mm512_fmadd_ps(_mm512_loadu_ps(wr), x0, a[r][0]);
      a[r][1] = _mm512_fmadd_ps(_mm512_loadu_ps(wr + 16), x1, a[r][1]);
    }
  }
  for (; i < n; i += 16) {
    const __mmask16 m = first16(n - i);
    const __m512 xv = _mm512_maskz_loadu_ps(m, x + i);
    SB_UNROLL for (int r = 0; r < kStreams; ++r) a[r][0] =
        _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w + stride * r + i), xv, a[r][0]);
  }
  for (int r = 0; r < kStreams; ++r) y[static_cast<std::size_t>(q) * r] = reduce16(_mm512_add_ps(a[r][0], a[r][1]));
}

}  // namespace

void gemv_f32_avx512(const float* w, std::size_t ldw, int nrows, const float* x, int n, float* y) {
  const int q = nrows / kStreams;
  for (int i = 0; i < q; ++i) dot4(w + ldw * i, ldw * q, x, n, y + i, q);
  for (int o = kStreams * q; o < nrows; ++o) y[o] = dot_f32_avx512(w + ldw * o, x, n);
}

}  // namespace sb::llm::detail
