// The sparse product at the AVX-512 level (built with AVX-512 flags; reached only where
// avx512_llm_supported()). One token: per 16 columns, vexpandps turns the mask and the next
// popcount(mask) packed values back into a vector of weights, and the mask also loads only
// those columns of the input: the arithmetic is a dense row's, the memory read a third of
// it at 70% zeros, and a group of 16 zeros is skipped outright. A 2:4 matrix: see
// row_one_24. Several tokens: see block_rows.
#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

#include "llm_x86_helpers.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"

namespace sb::llm::detail {
namespace {

// How far ahead of a sparse row's values they are prefetched. The one-token product reads
// them at under half the rate a dense row is read (an expand a group), so further ahead
// than the dense rows' kAhead: on small, u70 decode went from 10.5 ms a token without a
// prefetch to 8.7 with 1 KiB and 8.1 with 3 KiB (4 KiB: 8.3; a second prefetch to L2
// further ahead, or this one to L2 only, gained nothing).
constexpr int kSparseAhead = 3072;

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

// One token (decode): four groups of 16 columns a step, one 64-bit word of their masks, so
// the loop's own instructions (count, branch, pointers, prefetch) are paid once for 64
// columns, and four accumulators, so the FMAs do not wait on each other. The step's value
// offsets are popcounts of the word's low 16, 32 and 48 bits. The masks load straight from
// memory into mask registers (kmovw k, m16), where a kmovw from a general register takes
// a slot on port 5, which the expands need. The inputs go whole into the FMAs' memory
// operands, unmasked: a pruned column's weight is an expanded zero and adds nothing, as in
// a dense row (a partial last group goes through its mask: no input past the row's end is
// read). Two groups a step took about ten instructions a group, and u90 decode, where the
// bytes are few, about three cycles a group; four take under nine. On small at 2 threads,
// the two binaries alternated twice: u90 decode went from 7.56-7.69 to 6.82-7.31 ms a
// token, u70 (bound by memory) from 9.33-9.62 to 9.16-9.44; with the prefetch 2 or 4 KiB
// ahead instead of 3, u70 was no faster.
void row_one(const Matrix& w, int o, const float* x, float* y) {
  const std::uint16_t* mk = w.masks(o);
  const float* v = w.values(o);
  const int groups = w.mask_groups(), full = w.cols() / 16;  // a partial last group: masked
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
  int g = 0;
  for (; g + 3 < full; g += 4) {
    std::uint64_t quad;
    std::memcpy(&quad, mk + g, 8);
    // Two lines ahead: a step reads 77 bytes of values at 70% zeros, 128 at 50%.
    _mm_prefetch(reinterpret_cast<const char*>(v) + kSparseAhead, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(v) + kSparseAhead + 64, _MM_HINT_T0);
    auto* m = const_cast<__mmask16*>(mk + g);
    const __m512 w0 = _mm512_maskz_expandloadu_ps(_load_mask16(m), v);
    const __m512 w1 = _mm512_maskz_expandloadu_ps(_load_mask16(m + 1), v + std::popcount(quad << 48));
    const __m512 w2 = _mm512_maskz_expandloadu_ps(_load_mask16(m + 2), v + std::popcount(quad << 32));
    const __m512 w3 = _mm512_maskz_expandloadu_ps(_load_mask16(m + 3), v + std::popcount(quad << 16));
    v += std::popcount(quad);
    a0 = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x + 16 * g), a0);
    a1 = _mm512_fmadd_ps(w1, _mm512_loadu_ps(x + 16 * g + 16), a1);
    a2 = _mm512_fmadd_ps(w2, _mm512_loadu_ps(x + 16 * g + 32), a2);
    a3 = _mm512_fmadd_ps(w3, _mm512_loadu_ps(x + 16 * g + 48), a3);
  }
  for (; g < groups; ++g) {
    const __mmask16 k = mk[g];
    a0 = _mm512_fmadd_ps(_mm512_maskz_expandloadu_ps(k, v), _mm512_maskz_loadu_ps(k, x + 16 * g), a0);
    v += std::popcount(static_cast<unsigned>(k));
  }
  *y = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
}

// One token of a 2:4 matrix: per 32 columns, the block's 16 values are contiguous, and
// one vpermt2ps picks their 16 inputs out of the block's two input vectors by indices
// 4 (j / 2) + offset j, unpacked from the block's offset word by a variable shift. No
// expand, no mask, no popcount: a dense row's arithmetic on half its length, and 2.125
// bytes read a column instead of 4. The columns past the last full block (in fours) go
// through the masks as in row_one.
void row_one_24(const Matrix& w, int o, const float* x, float* y) {
  const __m512i shift = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i base = _mm512_setr_epi32(0, 0, 4, 4, 8, 8, 12, 12, 16, 16, 20, 20, 24, 24, 28, 28);
  const __m512i three = _mm512_set1_epi32(3);
  auto lanes = [&](std::uint32_t word, const float* xb) {
    const __m512i off = _mm512_and_si512(_mm512_srlv_epi32(_mm512_set1_epi32(static_cast<int>(word)), shift), three);
    return _mm512_permutex2var_ps(_mm512_loadu_ps(xb), _mm512_or_si512(off, base), _mm512_loadu_ps(xb + 16));
  };
  const std::uint32_t* off = w.offsets(o);
  const float* v = w.values(o);
  const int blocks = w.offset_blocks();
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
  int b = 0;
  for (; b + 1 < blocks; b += 2) {
    // As the dense rows: the two lines of values this step reads, fetched kAhead bytes early.
    _mm_prefetch(reinterpret_cast<const char*>(v + 16 * b) + kAhead, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(v + 16 * b) + kAhead + 64, _MM_HINT_T0);
    a0 = _mm512_fmadd_ps(_mm512_loadu_ps(v + 16 * b), lanes(off[b], x + 32 * b), a0);
    a1 = _mm512_fmadd_ps(_mm512_loadu_ps(v + 16 * b + 16), lanes(off[b + 1], x + 32 * b + 32), a1);
  }
  if (b < blocks) a0 = _mm512_fmadd_ps(_mm512_loadu_ps(v + 16 * b), lanes(off[b], x + 32 * b), a0);
  const std::uint16_t* mk = w.masks(o);
  v += 16 * blocks;
  for (int g = 2 * blocks; g < w.mask_groups(); ++g) {
    const __mmask16 k = mk[g];
    a1 = _mm512_fmadd_ps(_mm512_maskz_expandloadu_ps(k, v), _mm512_maskz_loadu_ps(k, x + 16 * g), a1);
    v += std::popcount(static_cast<unsigned>(k));
  }
  *y = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}

}  // namespace

void sparse_rows_avx512(const Matrix& w, int r0, int r1, const float* x, std::size_t ldx, int ntok, float* y,
                        std::size_t ldy) {
  if (ntok == 1) {
    if (w.two_of_four()) {
      for (int o = r0; o < r1; ++o) row_one_24(w, o, x, y + (o - r0));
      return;
    }
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
      transpose_block(x + ldx * t0, ldx, n, c0, c1, xt.data(), ldt);
      kBlockRows[nv - 1](w, r0, r1, g0, g1, xt.data(), ldt, part.data(), vpos.data());
    }
    for (int o = 0; o < rows; ++o)
      for (int t = 0; t < n; ++t) y[ldy * (t0 + t) + o] = part[ldt * o + t];
  }
}

}  // namespace sb::llm::detail
