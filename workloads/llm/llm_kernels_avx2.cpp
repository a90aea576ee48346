// Built with -mavx2 -mfma -mf16c (and nothing wider): reached only through the dispatch in
// llm_kernels.cpp after best_simd_level() has seen AVX2 and FMA.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "llm_x86_helpers.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"
#include "stratbench/workloads/llm/quant.hpp"

namespace sb::llm::detail {

// dot_f32, dot_f16, dot_bf16 and dot_q8_0: gemv_streams_avx2.cpp, beside their four-row
// versions.

float dot_q4_0_avx2(const std::uint8_t* w, const std::uint8_t* xq, int n) {
  __m256 acc = _mm256_setzero_ps();
  const __m256i eight = _mm256_set1_epi8(8);
  for (int b = 0; b < n / 32; ++b, w += 18, xq += 34) {
    const __m256i qw = _mm256_sub_epi8(q4_nibbles(w), eight);
    const __m256i qx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq + 2));
    acc = _mm256_fmadd_ps(_mm256_set1_ps(half(w) * half(xq)), block_dot(qw, qx), acc);
  }
  return hsum(acc);
}

void axpy_f32_avx2(float a, const float* x, float* y, int n) {
  const __m256 va = _mm256_set1_ps(a);
  int i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  for (; i < n; ++i) y[i] += a * x[i];
}

void scale_f32_avx2(float a, float* y, int n) {
  const __m256 va = _mm256_set1_ps(a);
  int i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(va, _mm256_loadu_ps(y + i)));
  for (; i < n; ++i) y[i] *= a;
}

// ggml's d = amax / 127 and id = 1 / d, then x * id rounded to nearest (ties to even, the
// current rounding mode) and packed to bytes in element order.
// A NaN or infinity hands the row to the scalar quantizer, whose error names the element.
void quantize_row_q8_0_avx2(const float* x0, int n, std::uint8_t* out0) {
  const __m256 sign = _mm256_set1_ps(-0.0f), inf = _mm256_set1_ps(INFINITY);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  __m256 bad = _mm256_setzero_ps();
  const float* x = x0;
  std::uint8_t* out = out0;
  for (int b = 0; b < n / 32; ++b, x += 32, out += 34) {
    __m256 v[4];
    __m256 amax = _mm256_setzero_ps();
    for (int k = 0; k < 4; ++k) {
      v[k] = _mm256_loadu_ps(x + 8 * k);
      const __m256 a = _mm256_andnot_ps(sign, v[k]);
      bad = _mm256_or_ps(bad, _mm256_cmp_ps(a, inf, _CMP_NLT_UQ));  // |v| >= inf, or NaN
      amax = _mm256_max_ps(amax, a);
    }
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    const float d = _mm_cvtss_f32(m) / 127.f;
    const float id = d != 0.f ? 1.f / d : 0.f;
    // _cvtss_sh spelled out: clang's macro for it is a C99 compound literal (-Wpedantic).
    const auto dh =
        static_cast<std::uint16_t>(_mm_extract_epi16(_mm_cvtps_ph(_mm_set_ss(d), _MM_FROUND_TO_NEAREST_INT), 0));
    std::memcpy(out, &dh, 2);
    const __m256 mul = _mm256_set1_ps(id);
    __m256i q[4];
    for (int k = 0; k < 4; ++k) q[k] = _mm256_cvtps_epi32(_mm256_mul_ps(v[k], mul));
    // packs work within 128-bit lanes: the permute puts the 32 bytes back in order.
    const __m256i q16 = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2), _mm256_permutevar8x32_epi32(q16, order));
  }
  if (_mm256_movemask_ps(bad))
    quantize_row_q8_0({x0, static_cast<std::size_t>(n)}, {out0, static_cast<std::size_t>(n) / 32 * 34});
}

// ---- Register tiles over (rows x tokens), the `layout=blocked` products -------------------
//
// A row-at-a-time product loads one weight vector and one activation vector per FMA: two
// loads per FMA caps it at half the FMA rate. A tile of R rows by T tokens loads R + T
// vectors for R*T FMAs (4 x 3: 7 loads, 12 FMAs), which leaves the FMA units as the limit.
namespace {

struct F32Rows {
  static __m256 load(const std::uint8_t* r, int i) { return _mm256_loadu_ps(reinterpret_cast<const float*>(r) + i); }
  static float at(const std::uint8_t* r, int i) { return reinterpret_cast<const float*>(r)[i]; }
};
struct F16Rows {
  static __m256 load(const std::uint8_t* r, int i) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(r + 2 * i)));
  }
  static float at(const std::uint8_t* r, int i) { return half(r + 2 * i); }
};
struct Bf16Rows {
  static __m256 load(const std::uint8_t* r, int i) {
    const __m256i u = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(r + 2 * i)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(u, 16));
  }
  static float at(const std::uint8_t* r, int i) {
    std::uint16_t h;
    std::memcpy(&h, r + 2 * i, 2);
    return bf16(h);
  }
};

// out[t * ldy + r] for R rows starting at w (stride ws) and T tokens starting at x (stride ldx).
template <int R, int T, class Rows>
void tile_float(const std::uint8_t* w, std::size_t ws, const float* x, std::size_t ldx, int n, float* y,
                std::size_t ldy) {
  __m256 acc[R][T];
  SB_UNROLL for (int r = 0; r < R; ++r) SB_UNROLL for (int t = 0; t < T; ++t) acc[r][t] = _mm256_setzero_ps();
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 xv[T];
    SB_UNROLL for (int t = 0; t < T; ++t) xv[t] = _mm256_loadu_ps(x + ldx * t + i);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const __m256 wv = Rows::load(w + ws * r, i);
      SB_UNROLL for (int t = 0; t < T; ++t) acc[r][t] = _mm256_fmadd_ps(wv, xv[t], acc[r][t]);
    }
  }
  SB_UNROLL for (int r = 0; r < R; ++r) SB_UNROLL for (int t = 0; t < T; ++t) {
    float s = hsum(acc[r][t]);
    for (int j = i; j < n; ++j) s += Rows::at(w + ws * r, j) * x[ldx * t + j];
    y[ldy * t + r] = s;
  }
}

// Q8_0 or Q4_0 weights against Q8_0 activations, block by block: each weight block is
// unpacked once for T tokens, each activation block once for R rows.
//
// maddubs multiplies unsigned by signed bytes. Q8_0 weights are signed, so |w| meets x with
// w's sign (two sign ops per pair). Q4_0 nibbles are unsigned (0..15, the weight is nibble-8):
// sum (n - 8) x = sum n x - 8 sum x, and the second sum depends on the token alone, so it is
// formed once per activation block and shared by the R rows (pairs of n x stay below 2^15).
template <int R, int T, bool Q4>
void tile_block(const std::uint8_t* w, std::size_t ws, const std::uint8_t* xq, std::size_t ldq, int n, float* y,
                std::size_t ldy) {
  constexpr std::size_t wb = Q4 ? 18 : 34;
  __m256 acc[R][T];
  SB_UNROLL for (int r = 0; r < R; ++r) SB_UNROLL for (int t = 0; t < T; ++t) acc[r][t] = _mm256_setzero_ps();
  const __m256i ones = _mm256_set1_epi16(1);
  for (int b = 0; b < n / 32; ++b) {
    __m256i qw[R], aw[R];
    __m256 dw[R];
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const std::uint8_t* blk = w + ws * r + wb * b;
      if constexpr (Q4) {
        qw[r] = q4_nibbles(blk);  // unsigned
      } else {
        qw[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 2));
        aw[r] = _mm256_sign_epi8(qw[r], qw[r]);
      }
      dw[r] = _mm256_set1_ps(half(blk));
    }
    SB_UNROLL for (int t = 0; t < T; ++t) {
      const std::uint8_t* xb = xq + ldq * t + 34 * static_cast<std::size_t>(b);
      const __m256i qx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xb + 2));
      const __m256 dx = _mm256_set1_ps(half(xb));
      __m256i eight_x;
      if constexpr (Q4) eight_x = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(8), qx), ones);
      SB_UNROLL for (int r = 0; r < R; ++r) {
        __m256i p;
        if constexpr (Q4)
          p = _mm256_sub_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(qw[r], qx), ones), eight_x);
        else
          p = _mm256_madd_epi16(_mm256_maddubs_epi16(aw[r], _mm256_sign_epi8(qx, qw[r])), ones);
        acc[r][t] = _mm256_fmadd_ps(_mm256_mul_ps(dw[r], dx), _mm256_cvtepi32_ps(p), acc[r][t]);
      }
    }
  }
  SB_UNROLL for (int r = 0; r < R; ++r) SB_UNROLL for (int t = 0; t < T; ++t) y[ldy * t + r] = hsum(acc[r][t]);
}

// The token side of a four-token tile for one block, the same for every row tile of the
// product: the four tokens' scales and, for Q4_0, eight times each token's sum of x, laid
// out as tile_block4's folded sums. Made once per product slice (prepare_tokens4) rather
// than once per row tile: over 4 rows it was a third of the tile's instructions.
struct TokenBlock4 {
  __m256i eight_x;
  __m128 d4;
};

// Four pair-sum registers (one per token) folded to [t0 t0 t1 t1 t2 t2 t3 t3] per 128-bit lane.
inline __m256i fold16(__m256i a, __m256i b, __m256i c, __m256i d) {
  return _mm256_hadd_epi16(_mm256_hadd_epi16(a, b), _mm256_hadd_epi16(c, d));
}

// The four tokens starting at xq (stride ldq), blocks [0, nb), into out[0..nb).
template <bool Q4>
void prepare_tokens4(const std::uint8_t* xq, std::size_t ldq, int nb, TokenBlock4* out) {
  const __m256i one8 = _mm256_set1_epi8(1), eight = _mm256_set1_epi16(8);
  for (int b = 0; b < nb; ++b) {
    std::uint16_t hx[4];
    __m256i qx[4];
    SB_UNROLL for (int t = 0; t < 4; ++t) {
      const std::uint8_t* xb = xq + ldq * t + 34 * static_cast<std::size_t>(b);
      std::memcpy(&hx[t], xb, 2);
      qx[t] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xb + 2));
    }
    out[b].d4 = halves4(hx);
    out[b].eight_x = _mm256_setzero_si256();
    if constexpr (Q4)
      out[b].eight_x = _mm256_madd_epi16(fold16(_mm256_maddubs_epi16(one8, qx[0]), _mm256_maddubs_epi16(one8, qx[1]),
                                                _mm256_maddubs_epi16(one8, qx[2]), _mm256_maddubs_epi16(one8, qx[3])),
                                         eight);
  }
}

// The same product for exactly four tokens, with a third of the float work: the four
// tokens' int32 sums of a block are folded into one register (lanes i and i + 4 hold
// token i), so converting, scaling and accumulating take one instruction each per row and
// block instead of one per row, block and token. The four activation blocks are loaded
// once per block and every row streams past them, so only they, one unpacked weight block
// and the R accumulators live in registers.
//
// Q4_0 keeps its nibbles unsigned (the sum - 8 sum x form of tile_block) and folds the
// four tokens' int16 pair sums with hadd_epi16 before widening: a pair of nibble products
// is at most 2 * 15 * 127, so four pairs stay below 2^15. Q8_0 pairs reach 2 * 127 * 127
// and are widened first (madd), then folded with hadd_epi32.
template <int R, bool Q4>
void tile_block4(const std::uint8_t* w, std::size_t ws, const std::uint8_t* xq, std::size_t ldq, const TokenBlock4* tb,
                 int n, float* y, std::size_t ldy) {
  constexpr std::size_t wb = Q4 ? 18 : 34;
  __m256 acc[R];
  SB_UNROLL for (int r = 0; r < R; ++r) acc[r] = _mm256_setzero_ps();
  const __m256i ones = _mm256_set1_epi16(1);
  for (int b = 0; b < n / 32; ++b) {
    __m256i qx[4];
    SB_UNROLL for (int t = 0; t < 4; ++t) qx[t] =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq + ldq * t + 34 * static_cast<std::size_t>(b) + 2));
    const __m256 dx = _mm256_set_m128(tb[b].d4, tb[b].d4);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const std::uint8_t* blk = w + ws * r + wb * b;
      __m256i sum;
      if constexpr (Q4) {
        const __m256i nib = q4_nibbles(blk);
        const __m256i p = fold16(_mm256_maddubs_epi16(nib, qx[0]), _mm256_maddubs_epi16(nib, qx[1]),
                                 _mm256_maddubs_epi16(nib, qx[2]), _mm256_maddubs_epi16(nib, qx[3]));
        sum = _mm256_sub_epi32(_mm256_madd_epi16(p, ones), tb[b].eight_x);
      } else {
        const __m256i qw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 2));
        const __m256i aw = _mm256_sign_epi8(qw, qw);
        __m256i p[4];
        SB_UNROLL for (int t = 0; t < 4; ++t) p[t] =
            _mm256_madd_epi16(_mm256_maddubs_epi16(aw, _mm256_sign_epi8(qx[t], qw)), ones);
        sum = _mm256_hadd_epi32(_mm256_hadd_epi32(p[0], p[1]), _mm256_hadd_epi32(p[2], p[3]));
      }
      acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), _mm256_mul_ps(_mm256_set1_ps(half(blk)), dx), acc[r]);
    }
  }
  SB_UNROLL for (int r = 0; r < R; ++r) {
    alignas(16) float v[4];
    _mm_store_ps(v, _mm_add_ps(_mm256_castps256_ps128(acc[r]), _mm256_extractf128_ps(acc[r], 1)));
    SB_UNROLL for (int t = 0; t < 4; ++t) y[ldy * t + r] = v[t];
  }
}

// One token against Q4_0 rows four at a time (decode's products). A row's dot product
// alone spends most of its instructions per block on the token's side (loading it,
// signs) and on one float conversion, scale and accumulate per row; here the four rows'
// int16 pair sums are folded into one register as in tile_block4 (lanes i and i + 4 hold
// row i), so those steps are made once per four rows. The four rows' scales are gathered
// into one vector; the token's 8 * sum x per 16-byte half is made once per block.
// The four rows are ws bytes apart, and each prefetches the same block `ahead` bytes on
// (q4_0_one_token: four rows far apart, each fetching its stream's next row). Four adjacent
// rows, which the hardware prefetcher alone kept at 11 GB/s on one core (weights in DRAM),
// went to 15 GB/s by fetching the next four rows; four streams far apart took int4 decode on
// small at 2 threads from 2.37-2.42 to 2.30-2.31 ms a token. Past the last row the prefetch
// touches nothing that matters: it is a hint and cannot fault.
struct HalfSums {
  __m256i eight_x;  // a std::vector of bare __m256i drops its alignment attribute
};

void gemv_q4_0_rows4(const std::uint8_t* w, std::size_t ws, std::size_t ahead, const std::uint8_t* xq,
                     const HalfSums* hs, int nb, float* y) {
  __m256 acc = _mm256_setzero_ps();
  const __m256i ones = _mm256_set1_epi16(1);
  for (int b = 0; b < nb; ++b) {
    const std::uint8_t* xb = xq + 34 * static_cast<std::size_t>(b);
    const __m256i qx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xb + 2));
    const std::uint8_t* blk = w + 18 * static_cast<std::size_t>(b);
    __m256i p[4];
    std::uint16_t h[4];
    SB_UNROLL for (int r = 0; r < 4; ++r) {
      _mm_prefetch(reinterpret_cast<const char*>(blk + ws * r + ahead), _MM_HINT_T0);
      p[r] = _mm256_maddubs_epi16(q4_nibbles(blk + ws * r), qx);
      std::memcpy(&h[r], blk + ws * r, 2);
    }
    const __m256i sum = _mm256_sub_epi32(_mm256_madd_epi16(fold16(p[0], p[1], p[2], p[3]), ones), hs[b].eight_x);
    const __m128 d4 = _mm_mul_ps(halves4(h), _mm_set1_ps(half(xb)));
    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), _mm256_set_m128(d4, d4), acc);
  }
  _mm_storeu_ps(y, _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1)));
}

// This file's kernels for the shared drivers (llm_x86_helpers.hpp). Tile shapes: the
// float kernels hold 4 x 3 accumulators plus 3 activations and a weight (16 registers);
// the block kernels four tokens by up to kRows4 rows (edge tiles: fewer tokens, by
// tile_block).
struct Avx2 {
  static constexpr int kRows4 = 4;
  using Tokens = TokenBlock4;
  using Sums = HalfSums;
  template <int R, int T, bool Q4>
  static void edge(const std::uint8_t* w, std::size_t ws, const std::uint8_t* xq, std::size_t ldq, int n, float* y,
                   std::size_t ldy) {
    tile_block<R, T, Q4>(w, ws, xq, ldq, n, y, ldy);
  }
  template <bool Q4>
  static void prepare4(const std::uint8_t* xq, std::size_t ldq, int nb, Tokens* out) {
    prepare_tokens4<Q4>(xq, ldq, nb, out);
  }
  template <int R, bool Q4>
  static void block4(const std::uint8_t* w, std::size_t ws, const std::uint8_t* xq, std::size_t ldq, const Tokens* tb,
                     int n, float* y, std::size_t ldy) {
    tile_block4<R, Q4>(w, ws, xq, ldq, tb, n, y, ldy);
  }
  static __m256i half_sums(const std::uint8_t* qx) {
    const __m256i s = _mm256_maddubs_epi16(_mm256_set1_epi8(1), load256(qx));
    return _mm256_madd_epi16(fold16(s, s, s, s), _mm256_set1_epi16(8));
  }
  static void rows4(const std::uint8_t* w, std::size_t ws, std::size_t ahead, const std::uint8_t* xq, const Sums* hs,
                    int nb, float* y) {
    gemv_q4_0_rows4(w, ws, ahead, xq, hs, nb, y);
  }
  static float dot_q4(const std::uint8_t* w, const std::uint8_t* xq, int n) { return dot_q4_0_avx2(w, xq, n); }
};

}  // namespace

void matmul_tiles_avx2(GgmlType type, const std::uint8_t* w, std::size_t ws, int nrows, const float* x, std::size_t ldx,
                       const std::uint8_t* xq, std::size_t ldq, int ntok, int n, float* y, std::size_t ldy) {
  auto floats = [&]<class Rows>(Rows) {
    tile_loop(nrows, ntok, 4, 3, [&](int r, int nr, int t, int nt) {
      const std::uint8_t* wr = w + ws * r;
      const float* xt = x + ldx * t;
      float* yt = y + ldy * t + r;
      pick<4, 3>(nr, nt, [&]<int R, int T>() { tile_float<R, T, Rows>(wr, ws, xt, ldx, n, yt, ldy); });
    });
  };
  if (type == GgmlType::q4_0 && ntok == 1) return q4_0_one_token<Avx2>(w, ws, nrows, xq, n, y);
  switch (type) {
    case GgmlType::f32: return floats(F32Rows{});
    case GgmlType::f16: return floats(F16Rows{});
    case GgmlType::bf16: return floats(Bf16Rows{});
    case GgmlType::q8_0: return block_tiles<Avx2, false>(w, ws, nrows, xq, ldq, ntok, n, y, ldy);
    case GgmlType::q4_0: return block_tiles<Avx2, true>(w, ws, nrows, xq, ldq, ntok, n, y, ldy);
  }
}

}  // namespace sb::llm::detail
