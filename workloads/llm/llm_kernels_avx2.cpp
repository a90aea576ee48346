// Built with -mavx2 -mfma -mf16c (and nothing wider): reached only through the dispatch in
// llm_kernels.cpp after best_simd_level() has seen AVX2 and FMA.
#include <immintrin.h>

#include <cstring>

#include "stratbench/workloads/llm/llm_kernels.hpp"

namespace sb::llm::detail {
namespace {

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline float half(const std::uint8_t* p) {
  std::uint16_t h;
  std::memcpy(&h, p, 2);
  return _cvtsh_ss(h);
}

inline float bf16(std::uint16_t h) {
  const std::uint32_t u = static_cast<std::uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// Signed int8 x signed int8 over 32 lanes into 8 int32 sums. maddubs wants one unsigned
// operand: |w| against x carrying w's sign gives the same products. Pairs of products fit
// int16 because neither side reaches -128 (Q8_0 stays in [-127, 127], Q4_0 in [-8, 7]).
inline __m256 block_dot(__m256i w, __m256i x) {
  const __m256i ax = _mm256_sign_epi8(w, w);
  const __m256i sx = _mm256_sign_epi8(x, w);
  const __m256i p16 = _mm256_maddubs_epi16(ax, sx);
  return _mm256_cvtepi32_ps(_mm256_madd_epi16(p16, _mm256_set1_epi16(1)));
}

}  // namespace

// Two accumulators: the FMA latency (4-5 cycles) would otherwise serialize the loop.
float dot_f32_avx2(const float* w, const float* x, int n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), a0);
    a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
  }
  for (; i + 8 <= n; i += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), a0);
  float s = hsum(_mm256_add_ps(a0, a1));
  for (; i < n; ++i) s += w[i] * x[i];
  return s;
}

float dot_f16_avx2(const std::uint16_t* w, const float* x, int n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 w0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i)));
    const __m256 w1 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i + 8)));
    a0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + i), a0);
    a1 = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + i + 8), a1);
  }
  float s = hsum(_mm256_add_ps(a0, a1));
  for (; i < n; ++i) s += _cvtsh_ss(w[i]) * x[i];
  return s;
}

// bf16 is the top half of an fp32: widen to 32 bits and shift (no AVX512_BF16 here).
float dot_bf16_avx2(const std::uint16_t* w, const float* x, int n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  int i = 0;
  auto widen = [](const std::uint16_t* p) {
    const __m256i u = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(u, 16));
  };
  for (; i + 16 <= n; i += 16) {
    a0 = _mm256_fmadd_ps(widen(w + i), _mm256_loadu_ps(x + i), a0);
    a1 = _mm256_fmadd_ps(widen(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
  }
  float s = hsum(_mm256_add_ps(a0, a1));
  for (; i < n; ++i) s += bf16(w[i]) * x[i];
  return s;
}

float dot_q8_0_avx2(const std::uint8_t* w, const std::uint8_t* xq, int n) {
  __m256 acc = _mm256_setzero_ps();
  for (int b = 0; b < n / 32; ++b, w += 34, xq += 34) {
    const __m256i qw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 2));
    const __m256i qx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq + 2));
    acc = _mm256_fmadd_ps(_mm256_set1_ps(half(w) * half(xq)), block_dot(qw, qx), acc);
  }
  return hsum(acc);
}

float dot_q4_0_avx2(const std::uint8_t* w, const std::uint8_t* xq, int n) {
  __m256 acc = _mm256_setzero_ps();
  const __m128i low4 = _mm_set1_epi8(0x0F);
  const __m256i eight = _mm256_set1_epi8(8);
  for (int b = 0; b < n / 32; ++b, w += 18, xq += 34) {
    const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 2));
    const __m128i lo = _mm_and_si128(packed, low4);                     // elements 0..15
    const __m128i hi = _mm_and_si128(_mm_srli_epi16(packed, 4), low4);  // elements 16..31
    const __m256i qw = _mm256_sub_epi8(_mm256_set_m128i(hi, lo), eight);
    const __m256i qx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq + 2));
    acc = _mm256_fmadd_ps(_mm256_set1_ps(half(w) * half(xq)), block_dot(qw, qx), acc);
  }
  return hsum(acc);
}

void axpy_f32_avx2(float a, const float* x, float* y, int n) {
  const __m256 va = _mm256_set1_ps(a);
  int i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  for (; i < n; ++i) y[i] += a * x[i];
}

void scale_f32_avx2(float a, float* y, int n) {
  const __m256 va = _mm256_set1_ps(a);
  int i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(va, _mm256_loadu_ps(y + i)));
  for (; i < n; ++i) y[i] *= a;
}

}  // namespace sb::llm::detail
