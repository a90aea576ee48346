// One token against a matrix's rows (decode) at the AVX-512 level, for the types read as
// rows (fp32, fp16, bf16, Q8_0; Q4_0 has its own four-row kernel): the rows read as four
// streams, rows i, i + q, i + 2q and i + 3q of the range side by side, each with its own
// prefetch. Row after row is one stream, and one core keeps fewer lines in flight for one
// stream than for four: on one core, fp32 matrices of 270 MB (768 and 2048 columns) went
// from 13.8-14.9 GB/s row by row to 16.2-17.1 GB/s in four streams 32 rows or more apart,
// and decode on small at 2 threads (the binaries alternated twice) from 15.4-16.5 ms a token
// to 13.4-14.1 in fp32, 9.1-9.3 to 6.3-6.6 in fp16, 9.9-10.0 to 6.35-6.4 in bf16 and
// 5.35-5.55 to 2.89 in int8 (whose single stream, one prefetch per 34-byte block, kept the
// fewest lines in flight). The sparse decode kernels read their rows the same way
// (sparse_kernels_avx512.cpp).
//
// Each kernel is a template over R rows (stride bytes apart; sums to y[0], y[q], ...), and
// the one-row dot products (dot_row) are its R = 1 instances: a row's sum is the same float
// whichever of the two takes it.
#include <immintrin.h>

#include "llm_x86_helpers.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"

namespace sb::llm::detail {
namespace {

// Two accumulators a row, two cache lines a step, each prefetched kAhead bytes early.
template <int R>
void rows_f32(const std::uint8_t* w, std::size_t stride, const float* x, int n, float* y, int q) {
  __m512 a[R][2];
  for (auto& acc : a) acc[0] = acc[1] = _mm512_setzero_ps();
  auto row = [&](int r) { return reinterpret_cast<const float*>(w + stride * r); };
  int i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 x0 = _mm512_loadu_ps(x + i), x1 = _mm512_loadu_ps(x + i + 16);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const float* wr = row(r) + i;
      _mm_prefetch(reinterpret_cast<const char*>(wr) + kAhead, _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(wr) + kAhead + 64, _MM_HINT_T0);
      a[r][0] = _mm512_fmadd_ps(_mm512_loadu_ps(wr), x0, a[r][0]);
      a[r][1] = _mm512_fmadd_ps(_mm512_loadu_ps(wr + 16), x1, a[r][1]);
    }
  }
  for (; i < n; i += 16) {
    const __mmask16 m = first16(n - i);
    const __m512 xv = _mm512_maskz_loadu_ps(m, x + i);
    SB_UNROLL for (int r = 0; r < R; ++r) a[r][0] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, row(r) + i), xv, a[r][0]);
  }
  for (int r = 0; r < R; ++r) y[static_cast<std::size_t>(q) * r] = reduce16(_mm512_add_ps(a[r][0], a[r][1]));
}

// One line of fp16 a step: one prefetch.
template <int R>
void rows_f16(const std::uint8_t* w, std::size_t stride, const float* x, int n, float* y, int q) {
  __m512 a[R][2];
  for (auto& acc : a) acc[0] = acc[1] = _mm512_setzero_ps();
  auto row = [&](int r) { return reinterpret_cast<const std::uint16_t*>(w + stride * r); };
  int i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 x0 = _mm512_loadu_ps(x + i), x1 = _mm512_loadu_ps(x + i + 16);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const std::uint16_t* wr = row(r) + i;
      _mm_prefetch(reinterpret_cast<const char*>(wr) + kAhead, _MM_HINT_T0);
      a[r][0] = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(wr))), x0, a[r][0]);
      a[r][1] =
          _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(wr + 16))), x1, a[r][1]);
    }
  }
  for (; i < n; i += 16) {
    const __mmask16 m = first16(n - i);
    const __m512 xv = _mm512_maskz_loadu_ps(m, x + i);
    SB_UNROLL for (int r = 0; r < R; ++r) a[r][0] =
        _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, row(r) + i)), xv, a[r][0]);
  }
  for (int r = 0; r < R; ++r) y[static_cast<std::size_t>(q) * r] = reduce16(_mm512_add_ps(a[r][0], a[r][1]));
}

// x is rounded to bf16 here, 32 elements at a time, once for the R rows; the tiles round it
// once per product instead (the same rounding, so the same values).
template <int R>
void rows_bf16(const std::uint8_t* w, std::size_t stride, const float* x, int n, float* y, int q) {
  __m512 a[R][2];
  for (auto& acc : a) acc[0] = acc[1] = _mm512_setzero_ps();
  auto row = [&](int r) { return reinterpret_cast<const std::uint16_t*>(w + stride * r); };
  int i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512bh x0 = x_bf16(x + i, 32), x1 = x_bf16(x + i + 32, 32);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const std::uint16_t* wr = row(r) + i;
      _mm_prefetch(reinterpret_cast<const char*>(wr) + kAhead, _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(wr) + kAhead + 64, _MM_HINT_T0);
      a[r][0] = _mm512_dpbf16_ps(a[r][0], bf16_weights(wr, ~__mmask32{0}), x0);
      a[r][1] = _mm512_dpbf16_ps(a[r][1], bf16_weights(wr + 32, ~__mmask32{0}), x1);
    }
  }
  for (; i < n; i += 32) {
    const __m512bh xv = x_bf16(x + i, n - i);
    SB_UNROLL for (int r = 0; r < R; ++r) a[r][0] =
        _mm512_dpbf16_ps(a[r][0], bf16_weights(row(r) + i, first32(n - i)), xv);
  }
  for (int r = 0; r < R; ++r) y[static_cast<std::size_t>(q) * r] = reduce16(_mm512_add_ps(a[r][0], a[r][1]));
}

// Q8_0 against the Q8_0 activations xq: per block, the int32 sums of the 32 products, scaled
// by the two blocks' scales.
template <int R>
void rows_q8_0(const std::uint8_t* w, std::size_t stride, const std::uint8_t* xq, int n, float* y, int q) {
  __m256 acc[R];
  for (auto& a : acc) a = _mm256_setzero_ps();
  for (int b = 0; b < n / 32; ++b) {
    const std::uint8_t* xb = xq + 34 * static_cast<std::size_t>(b);
    const __m256i qx = load256(xb + 2);
    const float dx = half(xb);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const std::uint8_t* wb = w + stride * r + 34 * static_cast<std::size_t>(b);
      _mm_prefetch(reinterpret_cast<const char*>(wb) + kAhead, _MM_HINT_T0);
      const __m256i qw = load256(wb + 2);
      const __m256i p = q8_sums(_mm256_abs_epi8(qw), qw, qx);
      acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(half(wb) * dx), _mm256_cvtepi32_ps(p), acc[r]);
    }
  }
  for (int r = 0; r < R; ++r) y[static_cast<std::size_t>(q) * r] = hsum(acc[r]);
}

}  // namespace

float dot_f32_avx512(const float* w, const float* x, int n) {
  float y;
  rows_f32<1>(reinterpret_cast<const std::uint8_t*>(w), 0, x, n, &y, 0);
  return y;
}

float dot_f16_avx512(const std::uint16_t* w, const float* x, int n) {
  float y;
  rows_f16<1>(reinterpret_cast<const std::uint8_t*>(w), 0, x, n, &y, 0);
  return y;
}

float dot_bf16_avx512(const std::uint16_t* w, const float* x, int n) {
  float y;
  rows_bf16<1>(reinterpret_cast<const std::uint8_t*>(w), 0, x, n, &y, 0);
  return y;
}

float dot_q8_0_avx512(const std::uint8_t* w, const std::uint8_t* xq, int n) {
  float y;
  rows_q8_0<1>(w, 0, xq, n, &y, 0);
  return y;
}

void gemv_avx512(GgmlType type, const std::uint8_t* w, std::size_t ws, int nrows, const float* x,
                 const std::uint8_t* xq, int n, float* y) {
  SB_CHECK(type != GgmlType::q4_0);  // it has its own four-row kernel
  switch (type) {
    case GgmlType::f32: return in_streams<float, rows_f32<kRowStreams>, rows_f32<1>>(w, ws, nrows, x, n, y);
    case GgmlType::f16: return in_streams<float, rows_f16<kRowStreams>, rows_f16<1>>(w, ws, nrows, x, n, y);
    case GgmlType::bf16: return in_streams<float, rows_bf16<kRowStreams>, rows_bf16<1>>(w, ws, nrows, x, n, y);
    case GgmlType::q8_0: return in_streams<std::uint8_t, rows_q8_0<kRowStreams>, rows_q8_0<1>>(w, ws, nrows, xq, n, y);
    case GgmlType::q4_0: return;
  }
}

}  // namespace sb::llm::detail
