// One token against a matrix's rows (decode) at the AVX2 level, as gemv_streams_avx512.cpp
// does at AVX-512: fp32, fp16, bf16 and Q8_0 rows read as four streams (rows i, i + q,
// i + 2q, i + 3q of the range side by side, each with its own prefetch), the rows left over
// one by one. Each kernel is a template over R rows, and the one-row dot products
// (dot_row) are its R = 1 instances, so a row's sum is the same float whichever takes it.
// Built with AVX2, FMA and F16C only. Measured at simd=avx2 on the AVX-512 Xeon VM (no
// AVX2-only machine was at hand), small, 2 threads, the binaries alternated twice: fp32
// decode from 17.8-18.7 ms a token to 14.5, fp16 from 11.8 to 7.2-7.4, bf16 from 12.4-12.7
// to 7.4-7.5, int8 from 7.5-7.9 to 3.4-3.7.
#include <immintrin.h>

#include "llm_x86_helpers.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"

namespace sb::llm::detail {
namespace {

// Two accumulators a row (the FMA latency would otherwise serialize the loop), one cache
// line a step, prefetched kAhead bytes early; the last n % 8 columns in scalar.
template <int R>
void rows_f32(const std::uint8_t* w, std::size_t stride, const float* x, int n, float* y, int q) {
  __m256 a[R][2];
  for (auto& acc : a) acc[0] = acc[1] = _mm256_setzero_ps();
  auto row = [&](int r) { return reinterpret_cast<const float*>(w + stride * r); };
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 x0 = _mm256_loadu_ps(x + i), x1 = _mm256_loadu_ps(x + i + 8);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const float* wr = row(r) + i;
      _mm_prefetch(reinterpret_cast<const char*>(wr) + kAhead, _MM_HINT_T0);
      a[r][0] = _mm256_fmadd_ps(_mm256_loadu_ps(wr), x0, a[r][0]);
      a[r][1] = _mm256_fmadd_ps(_mm256_loadu_ps(wr + 8), x1, a[r][1]);
    }
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 xv = _mm256_loadu_ps(x + i);
    SB_UNROLL for (int r = 0; r < R; ++r) a[r][0] = _mm256_fmadd_ps(_mm256_loadu_ps(row(r) + i), xv, a[r][0]);
  }
  for (int r = 0; r < R; ++r) {
    float s = hsum(_mm256_add_ps(a[r][0], a[r][1]));
    for (int j = i; j < n; ++j) s += row(r)[j] * x[j];
    y[static_cast<std::size_t>(q) * r] = s;
  }
}

// fp16 widened by F16C; bf16 is the top half of an fp32, widened to 32 bits and shifted
// (no AVX512_BF16 here). Sixteen columns a step; the last n % 16 in scalar.
struct F16 {
  static __m256 widen(const std::uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  static float one(std::uint16_t h) { return _cvtsh_ss(h); }
};
struct Bf16 {
  static __m256 widen(const std::uint16_t* p) {
    const __m256i u = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(u, 16));
  }
  static float one(std::uint16_t h) { return bf16(h); }
};

template <class Half, int R>
void rows_half(const std::uint8_t* w, std::size_t stride, const float* x, int n, float* y, int q) {
  __m256 a[R][2];
  for (auto& acc : a) acc[0] = acc[1] = _mm256_setzero_ps();
  auto row = [&](int r) { return reinterpret_cast<const std::uint16_t*>(w + stride * r); };
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 x0 = _mm256_loadu_ps(x + i), x1 = _mm256_loadu_ps(x + i + 8);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const std::uint16_t* wr = row(r) + i;
      _mm_prefetch(reinterpret_cast<const char*>(wr) + kAhead, _MM_HINT_T0);
      a[r][0] = _mm256_fmadd_ps(Half::widen(wr), x0, a[r][0]);
      a[r][1] = _mm256_fmadd_ps(Half::widen(wr + 8), x1, a[r][1]);
    }
  }
  for (int r = 0; r < R; ++r) {
    float s = hsum(_mm256_add_ps(a[r][0], a[r][1]));
    for (int j = i; j < n; ++j) s += Half::one(row(r)[j]) * x[j];
    y[static_cast<std::size_t>(q) * r] = s;
  }
}

// Q8_0 against the Q8_0 activations xq, block by block.
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
      acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(half(wb) * dx), block_dot(load256(wb + 2), qx), acc[r]);
    }
  }
  for (int r = 0; r < R; ++r) y[static_cast<std::size_t>(q) * r] = hsum(acc[r]);
}

}  // namespace

float dot_f32_avx2(const float* w, const float* x, int n) {
  float y;
  rows_f32<1>(reinterpret_cast<const std::uint8_t*>(w), 0, x, n, &y, 0);
  return y;
}

float dot_f16_avx2(const std::uint16_t* w, const float* x, int n) {
  float y;
  rows_half<F16, 1>(reinterpret_cast<const std::uint8_t*>(w), 0, x, n, &y, 0);
  return y;
}

float dot_bf16_avx2(const std::uint16_t* w, const float* x, int n) {
  float y;
  rows_half<Bf16, 1>(reinterpret_cast<const std::uint8_t*>(w), 0, x, n, &y, 0);
  return y;
}

float dot_q8_0_avx2(const std::uint8_t* w, const std::uint8_t* xq, int n) {
  float y;
  rows_q8_0<1>(w, 0, xq, n, &y, 0);
  return y;
}

void gemv_avx2(GgmlType type, const std::uint8_t* w, std::size_t ws, int nrows, const float* x, const std::uint8_t* xq,
               int n, float* y) {
  SB_CHECK(type != GgmlType::q4_0);  // it has its own four-row kernel
  switch (type) {
    case GgmlType::f32: return in_streams<float, rows_f32<kRowStreams>, rows_f32<1>>(w, ws, nrows, x, n, y);
    case GgmlType::f16: return in_streams<float, rows_half<F16, kRowStreams>, rows_half<F16, 1>>(w, ws, nrows, x, n, y);
    case GgmlType::bf16:
      return in_streams<float, rows_half<Bf16, kRowStreams>, rows_half<Bf16, 1>>(w, ws, nrows, x, n, y);
    case GgmlType::q8_0: return in_streams<std::uint8_t, rows_q8_0<kRowStreams>, rows_q8_0<1>>(w, ws, nrows, xq, n, y);
    case GgmlType::q4_0: return;
  }
}

}  // namespace sb::llm::detail
