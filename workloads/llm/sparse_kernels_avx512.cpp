// The sparse product at the AVX-512 level (built with AVX-512 flags; reached only where
// avx512_llm_supported()). Per 16 columns, vexpandps turns the mask and the next
// popcount(mask) packed values back into a vector of weights, and the mask also loads only
// those columns of each token's input: the arithmetic is a dense row's, the memory read a
// third of it at 70% zeros, and a group of 16 zeros is skipped outright.
#include <immintrin.h>

#include <bit>
#include <cstring>

#include "stratbench/workloads/llm/llm_kernels.hpp"

namespace sb::llm::detail {
namespace {

// Row o against tokens [0, T): one expanded weight vector feeds T accumulators.
template <int T>
void row_tokens(const Matrix& w, int o, const float* x, std::size_t ldx, float* y, std::size_t ldy) {
  const std::uint16_t* mk = w.masks(o);
  const float* v = w.values(o);
  const int groups = w.mask_groups();
  __m512 acc[T];
  for (int t = 0; t < T; ++t) acc[t] = _mm512_setzero_ps();
  for (int g = 0; g < groups; ++g) {
    const __mmask16 k = mk[g];
    if (k == 0) continue;
    const __m512 wv = _mm512_maskz_expandloadu_ps(k, v);
    v += std::popcount(static_cast<unsigned>(mk[g]));  // 32-bit: see row_one
    for (int t = 0; t < T; ++t) acc[t] = _mm512_fmadd_ps(wv, _mm512_maskz_loadu_ps(k, x + ldx * t + 16 * g), acc[t]);
  }
  for (int t = 0; t < T; ++t) y[ldy * t] = _mm512_reduce_add_ps(acc[t]);
}

// One token (decode): two accumulators, so consecutive groups' FMAs do not wait on each
// other. Masks are read two at a time as one 32-bit word: a popcount of a 16-bit memory
// operand writes a 16-bit register, and its merge into the old value chained every group's
// value pointer to the previous popcount's latency.
void row_one(const Matrix& w, int o, const float* x, float* y) {
  const std::uint16_t* mk = w.masks(o);
  const float* v = w.values(o);
  const int groups = w.mask_groups();
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
  int g = 0;
  for (; g + 1 < groups; g += 2) {
    std::uint32_t pair;
    std::memcpy(&pair, mk + g, 4);
    const auto k0 = static_cast<__mmask16>(pair & 0xFFFFu), k1 = static_cast<__mmask16>(pair >> 16);
    const __m512 w0 = _mm512_maskz_expandloadu_ps(k0, v);
    const __m512 w1 = _mm512_maskz_expandloadu_ps(k1, v + std::popcount(pair & 0xFFFFu));
    v += std::popcount(pair);
    a0 = _mm512_fmadd_ps(w0, _mm512_maskz_loadu_ps(k0, x + 16 * g), a0);
    a1 = _mm512_fmadd_ps(w1, _mm512_maskz_loadu_ps(k1, x + 16 * g + 16), a1);
  }
  if (g < groups) {
    const __mmask16 k = mk[g];
    a0 = _mm512_fmadd_ps(_mm512_maskz_expandloadu_ps(k, v), _mm512_maskz_loadu_ps(k, x + 16 * g), a0);
  }
  *y = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}

}  // namespace

void sparse_rows_avx512(const Matrix& w, int r0, int r1, const float* x, std::size_t ldx, int ntok, float* y,
                        std::size_t ldy) {
  if (ntok == 1) {
    for (int o = r0; o < r1; ++o) row_one(w, o, x, y + (o - r0));
    return;
  }
  // Tokens in tiles of 8: a row's expanded vectors are reused by eight tokens, and its
  // values (a few KiB) stay in L1 from one tile to the next.
  for (int o = r0; o < r1; ++o) {
    int t = 0;
    for (; t + 8 <= ntok; t += 8) row_tokens<8>(w, o, x + ldx * t, ldx, y + ldy * t + (o - r0), ldy);
    const float* xt = x + ldx * t;
    float* yt = y + ldy * t + (o - r0);
    switch (ntok - t) {
      case 7: row_tokens<7>(w, o, xt, ldx, yt, ldy); break;
      case 6: row_tokens<6>(w, o, xt, ldx, yt, ldy); break;
      case 5: row_tokens<5>(w, o, xt, ldx, yt, ldy); break;
      case 4: row_tokens<4>(w, o, xt, ldx, yt, ldy); break;
      case 3: row_tokens<3>(w, o, xt, ldx, yt, ldy); break;
      case 2: row_tokens<2>(w, o, xt, ldx, yt, ldy); break;
      case 1: row_tokens<1>(w, o, xt, ldx, yt, ldy); break;
      default: break;
    }
  }
}

}  // namespace sb::llm::detail
