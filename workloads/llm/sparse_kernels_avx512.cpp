// The sparse product at the AVX-512 level (built with AVX-512 flags; reached only where
// avx512_llm_supported()). One token: per 16 columns, vexpandps turns the mask and the next
// popcount(mask) packed values back into a vector of weights, and the mask also loads only
// those columns of the input: the arithmetic is a dense row's, the memory read a third of
// it at 70% zeros, and a group of 16 zeros is skipped outright. Several tokens: see
// block_rows.
#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

#include "stratbench/workloads/llm/llm_kernels.hpp"

namespace sb::llm::detail {
namespace {

// Several tokens (prefill): the product goes over the non-zeros only. The tokens'
// inputs are transposed, column i's values for 16 * NV tokens side by side, and each stored
// weight is broadcast against them into NV accumulators: three tenths of a dense product's
// multiplies at 70% zeros, where an expand per 16 columns would do all of them. The columns
// go in blocks of 64, whose transposed inputs (32 KiB for 128 tokens) stay in L1 while
// every row takes its non-zeros from them; a row's partial sums wait in `part` between
// blocks. Straight from the whole transposed input (L2), the loads held u70 at 0.7x dense.
constexpr int kColBlock = 64;

template <int NV>
void block_rows(const Matrix& w, int r0, int r1, int g0, int g1, const float* xt, std::size_t ldt, float* part,
                std::size_t* vpos) {
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  alignas(64) std::int32_t cols[kColBlock];
  for (int o = r0; o < r1; ++o) {
    // The row's column indices in this block by one compress-store per 16 columns:
    // iterating the masks' bits directly mispredicted a branch per group.
    const std::uint16_t* mk = w.masks(o);
    int nnz = 0;
    for (int g = g0; g < g1; ++g) {
      _mm512_mask_compressstoreu_epi32(cols + nnz, mk[g], _mm512_add_epi32(lane, _mm512_set1_epi32(16 * (g - g0))));
      nnz += std::popcount(static_cast<unsigned>(mk[g]));
    }
    float* p = part + static_cast<std::size_t>(o - r0) * 16 * NV;
    const float* v = w.values(o) + vpos[o - r0];
    vpos[o - r0] += static_cast<std::size_t>(nnz);
    __m512 acc[NV];
    for (int c = 0; c < NV; ++c) acc[c] = _mm512_load_ps(p + 16 * c);
    for (int j = 0; j < nnz; ++j) {
      const float* col = xt + ldt * static_cast<std::size_t>(cols[j]);
      const __m512 wv = _mm512_set1_ps(v[j]);
      for (int c = 0; c < NV; ++c) acc[c] = _mm512_fmadd_ps(wv, _mm512_load_ps(col + 16 * c), acc[c]);
    }
    for (int c = 0; c < NV; ++c) _mm512_store_ps(p + 16 * c, acc[c]);
  }
}

using BlockRows = void (*)(const Matrix&, int, int, int, int, const float*, std::size_t, float*, std::size_t*);
constexpr BlockRows kBlockRows[] = {block_rows<1>, block_rows<2>, block_rows<3>, block_rows<4>,
                                    block_rows<5>, block_rows<6>, block_rows<7>, block_rows<8>};

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
  // Chunks of up to 128 tokens (8 accumulators, enough to cover the FMA latency); buffers
  // per thread, kept between calls.
  thread_local std::vector<float, LineAligned<float>> xt, part;
  thread_local std::vector<std::size_t> vpos;
  const int cols = w.cols(), groups = w.mask_groups(), rows = r1 - r0;
  for (int t0 = 0; t0 < ntok; t0 += 128) {
    const int n = std::min(128, ntok - t0), nv = (n + 15) / 16;
    const std::size_t ldt = 16 * static_cast<std::size_t>(nv);
    part.assign(ldt * rows, 0.0f);
    vpos.assign(static_cast<std::size_t>(rows), 0);
    xt.resize(ldt * kColBlock);
    for (int g0 = 0; g0 < groups; g0 += kColBlock / 16) {
      const int g1 = std::min(groups, g0 + kColBlock / 16), c0 = 16 * g0, c1 = std::min(cols, 16 * g1);
      std::fill(xt.begin(), xt.end(), 0.0f);
      for (int t = 0; t < n; ++t) {
        const float* row = x + ldx * (t0 + t);
        for (int i = c0; i < c1; ++i) xt[ldt * (i - c0) + t] = row[i];
      }
      kBlockRows[nv - 1](w, r0, r1, g0, g1, xt.data(), ldt, part.data(), vpos.data());
    }
    for (int o = 0; o < rows; ++o)
      for (int t = 0; t < n; ++t) y[ldy * (t0 + t) + o] = part[ldt * o + t];
  }
}

}  // namespace sb::llm::detail
