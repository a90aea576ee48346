// The sparse product at the AVX-512 level (built with AVX-512 flags; reached only where
// avx512_llm_supported()). One token: per 16 columns, vexpandps turns the mask and the next
// popcount(mask) packed values back into a vector of weights: the arithmetic is a dense
// row's, the memory read a third of it at 70% zeros; see rows_one. A 2:4 matrix: see
// rows_one_24. Several tokens: see block_rows.
#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

#include "llm_x86_helpers.hpp"
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

// The inputs of columns [c0, c1) for n tokens (rows of x, ldx apart), transposed: column
// i's values at xt + ldt * (i - c0), token after token, zeros past n up to ldt. One gather
// of 16 tokens a column: the scalar copy it replaced, element by element, held a fifth of
// the sparse prefill's time (each thread transposes the whole input): on small, u70's
// 128-token prefill went from 115-118 ms to 96 ms, and 2of4's from 138-150 to 126-132.
void transpose_block(const float* x, std::size_t ldx, int n, int c0, int c1, float* xt, std::size_t ldt) {
  const __m512i rows = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                          _mm512_set1_epi32(static_cast<int>(ldx)));
  for (int t = 0; 16 * t < static_cast<int>(ldt); ++t) {
    const int left = n - 16 * t;
    const auto k = static_cast<__mmask16>(left >= 16 ? 0xFFFFu : (1u << std::max(left, 0)) - 1u);
    const float* base = x + ldx * static_cast<std::size_t>(16 * t);
    for (int i = c0; i < c1; ++i)
      _mm512_store_ps(xt + ldt * static_cast<std::size_t>(i - c0) + 16 * t,
                      _mm512_mask_i32gather_ps(_mm512_setzero_ps(), k, rows, base + i, 4));
  }
}

using BlockRows = void (*)(const Matrix&, int, int, int, int, const float*, std::size_t, float*, std::size_t*);
constexpr BlockRows kBlockRows[] = {block_rows<1>, block_rows<2>, block_rows<3>, block_rows<4>,
                                    block_rows<5>, block_rows<6>, block_rows<7>, block_rows<8>};

// One token (decode), R rows q apart at once (o, o + q, ...): R streams of values and masks
// in R places, where row after row is one stream. One core keeps more lines in flight for
// four streams than for one: u70 matrices of 270 MB at one thread went from 12.4-12.5
// GB/s row by row to 13.6-14.0 in four streams (and the dense rows, gemv_avx512, gain
// as much). Per stream, the step's two lines of values prefetched 2 KiB ahead: with one,
// u50 decode on small took 10.7 ms a token against 8.6-9.3 (a step reads 128 bytes of
// values at 50% zeros, 77 at 70%); a third, for the masks, gained nothing.
//
// Per row, four groups of 16 columns a step, one 64-bit word of their masks, so the loop's
// own instructions (count, branch, pointers, prefetch) are paid once for 64 columns. The
// step's value offsets are popcounts of the word's low 16, 32 and 48 bits. The masks load
// straight from memory into mask registers (kmovw k, m16), where a kmovw from a general
// register takes a slot on port 5, which the expands need. The inputs are loaded whole,
// unmasked, once for the R rows: a pruned column's weight is an expanded zero and adds
// nothing, as in a dense row (a partial last group's inputs are masked: no input past the
// row's end is read). Two groups a step took about ten instructions a group, and u90
// decode, where the bytes are few, about three cycles a group; four take under nine.
// A row's sum does not depend on R: the same two accumulators, in the same order.
constexpr int kStreamAhead = 2048;

template <int R>
void rows_one(const Matrix& w, int o, int q, const float* x, float* y) {
  const std::uint16_t* mk[R];
  const float* v[R];
  for (int r = 0; r < R; ++r) mk[r] = w.masks(o + r * q), v[r] = w.values(o + r * q);
  const int groups = w.mask_groups(), full = w.cols() / 16;
  __m512 a[R][2];
  for (auto& acc : a) acc[0] = acc[1] = _mm512_setzero_ps();
  int g = 0;
  for (; g + 3 < full; g += 4) {
    const __m512 x0 = _mm512_loadu_ps(x + 16 * g), x1 = _mm512_loadu_ps(x + 16 * g + 16);
    const __m512 x2 = _mm512_loadu_ps(x + 16 * g + 32), x3 = _mm512_loadu_ps(x + 16 * g + 48);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      std::uint64_t quad;
      std::memcpy(&quad, mk[r] + g, 8);
      _mm_prefetch(reinterpret_cast<const char*>(v[r]) + kStreamAhead, _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(v[r]) + kStreamAhead + 64, _MM_HINT_T0);
      auto* m = const_cast<__mmask16*>(mk[r] + g);
      const __m512 w0 = _mm512_maskz_expandloadu_ps(_load_mask16(m), v[r]);
      const __m512 w1 = _mm512_maskz_expandloadu_ps(_load_mask16(m + 1), v[r] + std::popcount(quad << 48));
      const __m512 w2 = _mm512_maskz_expandloadu_ps(_load_mask16(m + 2), v[r] + std::popcount(quad << 32));
      const __m512 w3 = _mm512_maskz_expandloadu_ps(_load_mask16(m + 3), v[r] + std::popcount(quad << 16));
      v[r] += std::popcount(quad);
      a[r][0] = _mm512_fmadd_ps(w0, x0, a[r][0]);
      a[r][1] = _mm512_fmadd_ps(w1, x1, a[r][1]);
      a[r][0] = _mm512_fmadd_ps(w2, x2, a[r][0]);
      a[r][1] = _mm512_fmadd_ps(w3, x3, a[r][1]);
    }
  }
  for (; g < groups; ++g) {
    const __m512 xg = _mm512_maskz_loadu_ps(first16(w.cols() - 16 * g), x + 16 * g);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const __mmask16 m = mk[r][g];
      a[r][0] = _mm512_fmadd_ps(_mm512_maskz_expandloadu_ps(m, v[r]), xg, a[r][0]);
      v[r] += std::popcount(static_cast<unsigned>(m));
    }
  }
  for (int r = 0; r < R; ++r) y[r * q] = reduce16(_mm512_add_ps(a[r][0], a[r][1]));
}

// One token of a 2:4 matrix, R rows q apart as rows_one. Per 32 columns, the block's 16
// values are contiguous, and one vpermt2ps picks their 16 inputs out of the block's two
// input vectors by indices 4 (j / 2) + offset j, unpacked from the block's offset word by
// a variable shift. No expand, no mask, no popcount: a dense row's arithmetic on half its
// length, and 2.125 bytes read a column instead of 4. The columns past the last full
// block (in fours) go through the masks as in rows_one.
template <int R>
void rows_one_24(const Matrix& w, int o, int q, const float* x, float* y) {
  const __m512i shift = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i base = _mm512_setr_epi32(0, 0, 4, 4, 8, 8, 12, 12, 16, 16, 20, 20, 24, 24, 28, 28);
  const __m512i three = _mm512_set1_epi32(3);
  auto lanes = [&](std::uint32_t word, __m512 lo, __m512 hi) {
    const __m512i off = _mm512_and_si512(_mm512_srlv_epi32(_mm512_set1_epi32(static_cast<int>(word)), shift), three);
    return _mm512_permutex2var_ps(lo, _mm512_or_si512(off, base), hi);
  };
  const std::uint32_t* off[R];
  const float* v[R];
  for (int r = 0; r < R; ++r) off[r] = w.offsets(o + r * q), v[r] = w.values(o + r * q);
  const int blocks = w.offset_blocks();
  __m512 a[R][2];
  for (auto& acc : a) acc[0] = acc[1] = _mm512_setzero_ps();
  int b = 0;
  for (; b + 1 < blocks; b += 2) {
    const float* xb = x + 32 * b;
    const __m512 x0 = _mm512_loadu_ps(xb), x1 = _mm512_loadu_ps(xb + 16);
    const __m512 x2 = _mm512_loadu_ps(xb + 32), x3 = _mm512_loadu_ps(xb + 48);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      // The two lines of values this step reads, fetched kAhead bytes early.
      _mm_prefetch(reinterpret_cast<const char*>(v[r] + 16 * b) + kAhead, _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(v[r] + 16 * b) + kAhead + 64, _MM_HINT_T0);
      a[r][0] = _mm512_fmadd_ps(_mm512_loadu_ps(v[r] + 16 * b), lanes(off[r][b], x0, x1), a[r][0]);
      a[r][1] = _mm512_fmadd_ps(_mm512_loadu_ps(v[r] + 16 * b + 16), lanes(off[r][b + 1], x2, x3), a[r][1]);
    }
  }
  if (b < blocks) {
    const __m512 x0 = _mm512_loadu_ps(x + 32 * b), x1 = _mm512_loadu_ps(x + 32 * b + 16);
    for (int r = 0; r < R; ++r)
      a[r][0] = _mm512_fmadd_ps(_mm512_loadu_ps(v[r] + 16 * b), lanes(off[r][b], x0, x1), a[r][0]);
  }
  for (int r = 0; r < R; ++r) {
    const std::uint16_t* mk = w.masks(o + r * q);
    const float* vr = v[r] + 16 * blocks;
    for (int g = 2 * blocks; g < w.mask_groups(); ++g) {
      const __mmask16 k = mk[g];
      a[r][1] = _mm512_fmadd_ps(_mm512_maskz_expandloadu_ps(k, vr), _mm512_maskz_loadu_ps(k, x + 16 * g), a[r][1]);
      vr += std::popcount(static_cast<unsigned>(k));
    }
    y[r * q] = reduce16(_mm512_add_ps(a[r][0], a[r][1]));
  }
}

}  // namespace

void sparse_rows_avx512(const Matrix& w, int r0, int r1, const float* x, std::size_t ldx, int ntok, float* y,
                        std::size_t ldy) {
  if (ntok == 1) {
    // The rows in four quarters, read side by side; the rows left over, one by one.
    const int q = (r1 - r0) / kRowStreams;
    const bool b24 = w.two_of_four();
    for (int i = 0; i < q; ++i) (b24 ? rows_one_24<kRowStreams> : rows_one<kRowStreams>)(w, r0 + i, q, x, y + i);
    for (int o = r0 + kRowStreams * q; o < r1; ++o) (b24 ? rows_one_24<1> : rows_one<1>)(w, o, 0, x, y + (o - r0));
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
      transpose_block(x + ldx * t0, ldx, n, c0, c1, xt.data(), ldt);
      kBlockRows[nv - 1](w, r0, r1, g0, g1, xt.data(), ldt, part.data(), vpos.data());
    }
    for (int o = 0; o < rows; ++o)
      for (int t = 0; t < n; ++t) y[ldy * (t0 + t) + o] = part[ldt * o + t];
  }
}

}  // namespace sb::llm::detail
