// The sparse product at the AVX2 level (built with AVX2+FMA flags). AVX2 has no expand, so
// each byte of a mask picks a permutation from a table: lane j of the permuted vector of
// the next eight packed values is the value of column j when bit j is set. The lanes of
// unset bits hold some other finite value, multiplied by the zero that the masked load of
// the input puts there.
#include <immintrin.h>

#include <array>
#include <bit>

#include "stratbench/workloads/llm/llm_kernels.hpp"

namespace sb::llm::detail {
namespace {

struct Tables {
  alignas(32) std::array<std::array<std::int32_t, 8>, 256> perm;  // lane -> index in the packed values
  alignas(32) std::array<std::array<std::int32_t, 8>, 256> load;  // lane -> -1 where the bit is set
};

const Tables& tables() {
  static const Tables t = [] {
    Tables r{};
    for (unsigned m = 0; m < 256; ++m)
      for (int j = 0; j < 8; ++j) {
        const bool on = (m >> j) & 1u;
        r.perm[m][j] = on ? std::popcount(m & ((1u << j) - 1)) : 0;
        r.load[m][j] = on ? -1 : 0;
      }
    return r;
  }();
  return t;
}

// Eight columns starting at x against the next popcount(m) values at v.
inline __m256 expand8(const Tables& tb, unsigned m, const float* v) {
  const __m256i p = _mm256_load_si256(reinterpret_cast<const __m256i*>(tb.perm[m].data()));
  return _mm256_permutevar8x32_ps(_mm256_loadu_ps(v), p);
}
inline __m256i lanes(const Tables& tb, unsigned m) {
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(tb.load[m].data()));
}

template <int T>
void row_tokens(const Tables& tb, const Matrix& w, int o, const float* x, std::size_t ldx, float* y, std::size_t ldy) {
  const std::uint16_t* mk = w.masks(o);
  const float* v = w.values(o);
  const int groups = w.mask_groups();
  __m256 acc[T];
  for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_ps();
  for (int g = 0; g < groups; ++g) {
    if (mk[g] == 0) continue;
    for (int h = 0; h < 2; ++h) {
      const unsigned m = (mk[g] >> (8 * h)) & 0xFFu;
      if (m == 0) continue;
      const __m256 wv = expand8(tb, m, v);
      const __m256i ld = lanes(tb, m);
      v += std::popcount(m);
      for (int t = 0; t < T; ++t)
        acc[t] = _mm256_fmadd_ps(wv, _mm256_maskload_ps(x + ldx * t + 16 * g + 8 * h, ld), acc[t]);
    }
  }
  for (int t = 0; t < T; ++t) {
    const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(acc[t]), _mm256_extractf128_ps(acc[t], 1));
    const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    y[ldy * t] = _mm_cvtss_f32(_mm_add_ss(s2, _mm_movehdup_ps(s2)));
  }
}

}  // namespace

void sparse_rows_avx2(const Matrix& w, int r0, int r1, const float* x, std::size_t ldx, int ntok, float* y,
                      std::size_t ldy) {
  const Tables& tb = tables();
  for (int o = r0; o < r1; ++o) {
    int t = 0;
    for (; t + 4 <= ntok; t += 4) row_tokens<4>(tb, w, o, x + ldx * t, ldx, y + ldy * t + (o - r0), ldy);
    for (; t < ntok; ++t) row_tokens<1>(tb, w, o, x + ldx * t, ldx, y + ldy * t + (o - r0), ldy);
  }
}

}  // namespace sb::llm::detail
