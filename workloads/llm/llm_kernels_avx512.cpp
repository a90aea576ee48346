// Built with -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mavx512bf16 (with AVX2, FMA and
// F16C): reached only through the dispatch in llm_kernels.cpp, after
// avx512_llm_supported() has seen all five AVX-512 features.
//
// What AVX-512 changes against the AVX2 file:
// - float types: 16 lanes a vector, masked loads for the row tails (no scalar tail loops),
//   and register tiles of 8 rows x 3 tokens (32 registers instead of 16);
// - bf16: AVX512_BF16's dot product of bf16 pairs (vdpbf16ps). It takes both operands in
//   bf16, so the activations are rounded to bf16 (to nearest, ties to even) as ggml does
//   for its bf16 weights; the AVX2 path keeps them in fp32 and widens the weights;
// - Q8_0/Q4_0: VNNI's vpdpbusd sums four u8 x s8 products straight into int32, where AVX2
//   needs maddubs and madd (and int16 pair sums that Q8_0 could not fold before widening).
//   The integer sums are exact, so the results equal the AVX2 kernels' up to the order of
//   the float sums.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "llm_x86_helpers.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"

namespace sb::llm::detail {
namespace {

// Four 8-lane sums folded to [s0 s1 s2 s3] per 128-bit lane (lanes i and i + 4 hold sum i).
inline __m256i fold32(__m256i a, __m256i b, __m256i c, __m256i d) {
  return _mm256_hadd_epi32(_mm256_hadd_epi32(a, b), _mm256_hadd_epi32(c, d));
}

// 8 * (sum of a block's 32 activations) per lane group, the term that turns Q4_0's
// unsigned nibble products (n x) into the weights' (n - 8) x.
inline __m256i eight_x(__m256i qx) { return _mm256_dpbusd_epi32(zero(), _mm256_set1_epi8(8), qx); }

inline float reduce4(__m256 acc, int t) {
  alignas(16) float v[4];
  _mm_store_ps(v, _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1)));
  return v[t];
}

}  // namespace

// dot_f32, dot_f16, dot_bf16 and dot_q8_0: gemv_streams_avx512.cpp, beside their
// four-row versions.

float dot_q4_0_avx512(const std::uint8_t* w, const std::uint8_t* xq, int n) {
  __m256 acc = _mm256_setzero_ps();
  for (int b = 0; b < n / 32; ++b, w += 18, xq += 34) {
    const __m256i qx = load256(xq + 2);
    const __m256i p = _mm256_sub_epi32(_mm256_dpbusd_epi32(zero(), q4_nibbles(w), qx), eight_x(qx));
    acc = _mm256_fmadd_ps(_mm256_set1_ps(half(w) * half(xq)), _mm256_cvtepi32_ps(p), acc);
  }
  return hsum(acc);
}

// ---- Register tiles over (rows x tokens), the `layout=blocked` products -------------------
namespace {

struct F32Rows {
  static __m512 load(const std::uint8_t* r, int i, __mmask16 m) {
    return _mm512_maskz_loadu_ps(m, reinterpret_cast<const float*>(r) + i);
  }
};
struct F16Rows {
  static __m512 load(const std::uint8_t* r, int i, __mmask16 m) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, r + 2 * i));
  }
};

// R rows x T tokens of fp32 activations; an 8 x 3 tile loads 11 vectors for 24 FMAs.
template <int R, int T, class Rows>
void tile_float(const std::uint8_t* w, std::size_t ws, const float* x, std::size_t ldx, int n, float* y,
                std::size_t ldy) {
  __m512 acc[R][T];
  SB_UNROLL for (int r = 0; r < R; ++r) SB_UNROLL for (int t = 0; t < T; ++t) acc[r][t] = _mm512_setzero_ps();
  for (int i = 0; i < n; i += 16) {
    const __mmask16 m = first16(n - i);
    __m512 xv[T];
    SB_UNROLL for (int t = 0; t < T; ++t) xv[t] = _mm512_maskz_loadu_ps(m, x + ldx * t + i);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const __m512 wv = Rows::load(w + ws * r, i, m);
      SB_UNROLL for (int t = 0; t < T; ++t) acc[r][t] = _mm512_fmadd_ps(wv, xv[t], acc[r][t]);
    }
  }
  SB_UNROLL for (int r = 0; r < R; ++r) SB_UNROLL for (int t = 0; t < T; ++t) y[ldy * t + r] = reduce16(acc[r][t]);
}

// bf16 rows against activations already rounded to bf16 (xb, rows of ldb elements, zero
// past n): one vdpbf16ps is 32 multiply-adds.
template <int R, int T>
void tile_bf16(const std::uint8_t* w, std::size_t ws, const std::uint16_t* xb, std::size_t ldb, int n, float* y,
               std::size_t ldy) {
  __m512 acc[R][T];
  SB_UNROLL for (int r = 0; r < R; ++r) SB_UNROLL for (int t = 0; t < T; ++t) acc[r][t] = _mm512_setzero_ps();
  for (int i = 0; i < n; i += 32) {
    const __mmask32 m = first32(n - i);
    __m512bh xv[T];
    SB_UNROLL for (int t = 0; t < T; ++t) xv[t] = (__m512bh)_mm512_loadu_si512(xb + ldb * t + i);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const __m512bh wv = bf16_weights(reinterpret_cast<const std::uint16_t*>(w + ws * r) + i, m);
      SB_UNROLL for (int t = 0; t < T; ++t) acc[r][t] = _mm512_dpbf16_ps(acc[r][t], wv, xv[t]);
    }
  }
  SB_UNROLL for (int r = 0; r < R; ++r) SB_UNROLL for (int t = 0; t < T; ++t) y[ldy * t + r] = reduce16(acc[r][t]);
}

// Edge tiles of fewer than four tokens: one int32 sum, conversion and FMA per row, token
// and block.
template <int R, int T, bool Q4>
void tile_block(const std::uint8_t* w, std::size_t ws, const std::uint8_t* xq, std::size_t ldq, int n, float* y,
                std::size_t ldy) {
  constexpr std::size_t wb = Q4 ? 18 : 34;
  __m256 acc[R][T];
  SB_UNROLL for (int r = 0; r < R; ++r) SB_UNROLL for (int t = 0; t < T; ++t) acc[r][t] = _mm256_setzero_ps();
  for (int b = 0; b < n / 32; ++b) {
    __m256i qw[R], aw[R];
    __m256 dw[R];
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const std::uint8_t* blk = w + ws * r + wb * b;
      qw[r] = Q4 ? q4_nibbles(blk) : load256(blk + 2);
      if constexpr (!Q4) aw[r] = _mm256_abs_epi8(qw[r]);
      dw[r] = _mm256_set1_ps(half(blk));
    }
    SB_UNROLL for (int t = 0; t < T; ++t) {
      const std::uint8_t* xb = xq + ldq * t + 34 * static_cast<std::size_t>(b);
      const __m256i qx = load256(xb + 2);
      const __m256 dx = _mm256_set1_ps(half(xb));
      __m256i ex;
      if constexpr (Q4) ex = eight_x(qx);
      SB_UNROLL for (int r = 0; r < R; ++r) {
        __m256i p;
        if constexpr (Q4)
          p = _mm256_sub_epi32(_mm256_dpbusd_epi32(zero(), qw[r], qx), ex);
        else
          p = q8_sums(aw[r], qw[r], qx);
        acc[r][t] = _mm256_fmadd_ps(_mm256_mul_ps(dw[r], dx), _mm256_cvtepi32_ps(p), acc[r][t]);
      }
    }
  }
  SB_UNROLL for (int r = 0; r < R; ++r) SB_UNROLL for (int t = 0; t < T; ++t) y[ldy * t + r] = hsum(acc[r][t]);
}

// The token side of a four-token tile for one block, shared by every row tile of the
// product: the four scales and, for Q4_0, 8 * sum x folded as the tile's sums are.
struct TokenBlock4 {
  __m256i eight_x;
  __m128 d4;
};

template <bool Q4>
void prepare_tokens4(const std::uint8_t* xq, std::size_t ldq, int nb, TokenBlock4* out) {
  for (int b = 0; b < nb; ++b) {
    std::uint16_t hx[4];
    __m256i e[4];
    SB_UNROLL for (int t = 0; t < 4; ++t) {
      const std::uint8_t* xb = xq + ldq * t + 34 * static_cast<std::size_t>(b);
      std::memcpy(&hx[t], xb, 2);
      e[t] = Q4 ? eight_x(load256(xb + 2)) : zero();
    }
    out[b].d4 = halves4(hx);
    out[b].eight_x = fold32(e[0], e[1], e[2], e[3]);
  }
}

// Exactly four tokens: their four int32 sums of a block are folded into one register, so
// the conversion, scale and FMA run once per row and block (as in the AVX2 tile, where
// Q4_0 folded int16 sums and Q8_0 had to widen first; VNNI gives int32 for both).
template <int R, bool Q4>
void tile_block4(const std::uint8_t* w, std::size_t ws, const std::uint8_t* xq, std::size_t ldq, const TokenBlock4* tb,
                 int n, float* y, std::size_t ldy) {
  constexpr std::size_t wb = Q4 ? 18 : 34;
  __m256 acc[R];
  SB_UNROLL for (int r = 0; r < R; ++r) acc[r] = _mm256_setzero_ps();
  for (int b = 0; b < n / 32; ++b) {
    __m256i qx[4];
    SB_UNROLL for (int t = 0; t < 4; ++t) qx[t] = load256(xq + ldq * t + 34 * static_cast<std::size_t>(b) + 2);
    const __m256 dx = _mm256_set_m128(tb[b].d4, tb[b].d4);
    SB_UNROLL for (int r = 0; r < R; ++r) {
      const std::uint8_t* blk = w + ws * r + wb * b;
      __m256i p[4];
      if constexpr (Q4) {
        const __m256i nib = q4_nibbles(blk);
        SB_UNROLL for (int t = 0; t < 4; ++t) p[t] = _mm256_dpbusd_epi32(zero(), nib, qx[t]);
      } else {
        const __m256i qw = load256(blk + 2), aw = _mm256_abs_epi8(qw);
        SB_UNROLL for (int t = 0; t < 4; ++t) p[t] = q8_sums(aw, qw, qx[t]);
      }
      const __m256i sum = _mm256_sub_epi32(fold32(p[0], p[1], p[2], p[3]), tb[b].eight_x);
      acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), _mm256_mul_ps(_mm256_set1_ps(half(blk)), dx), acc[r]);
    }
  }
  SB_UNROLL for (int r = 0; r < R; ++r) SB_UNROLL for (int t = 0; t < 4; ++t) y[ldy * t + r] = reduce4(acc[r], t);
}

// One token against Q4_0 rows four at a time (decode), as gemv_q4_0_rows4 of the AVX2
// file: the four rows' sums folded into one register, each row's next block prefetched.
struct HalfSums {
  __m256i eight_x;  // a std::vector of bare __m256i drops its alignment attribute
};

void gemv_q4_0_rows4(const std::uint8_t* w, std::size_t ws, std::size_t ahead, const std::uint8_t* xq,
                     const HalfSums* hs, int nb, float* y) {
  __m256 acc = _mm256_setzero_ps();
  for (int b = 0; b < nb; ++b) {
    const std::uint8_t* xb = xq + 34 * static_cast<std::size_t>(b);
    const __m256i qx = load256(xb + 2);
    const std::uint8_t* blk = w + 18 * static_cast<std::size_t>(b);
    __m256i p[4];
    std::uint16_t h[4];
    SB_UNROLL for (int r = 0; r < 4; ++r) {
      _mm_prefetch(reinterpret_cast<const char*>(blk + ws * r + ahead), _MM_HINT_T0);
      p[r] = _mm256_dpbusd_epi32(zero(), q4_nibbles(blk + ws * r), qx);
      std::memcpy(&h[r], blk + ws * r, 2);
    }
    const __m256i sum = _mm256_sub_epi32(fold32(p[0], p[1], p[2], p[3]), hs[b].eight_x);
    const __m128 d4 = _mm_mul_ps(halves4(h), _mm_set1_ps(half(xb)));
    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), _mm256_set_m128(d4, d4), acc);
  }
  _mm_storeu_ps(y, _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1)));
}

// This file's kernels for the shared drivers (llm_x86_helpers.hpp): four-token block
// tiles of up to four rows (edge tiles: fewer tokens, by tile_block).
struct Avx512 {
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
    const __m256i e = eight_x(load256(qx));
    return fold32(e, e, e, e);
  }
  static void rows4(const std::uint8_t* w, std::size_t ws, std::size_t ahead, const std::uint8_t* xq, const Sums* hs,
                    int nb, float* y) {
    gemv_q4_0_rows4(w, ws, ahead, xq, hs, nb, y);
  }
  static float dot_q4(const std::uint8_t* w, const std::uint8_t* xq, int n) { return dot_q4_0_avx512(w, xq, n); }
};

}  // namespace

// ---- Interleaved Q4_0/Q8_0 (Matrix::interleave16): 16 rows to a vector --------------------
namespace {

// 16 rows (one group) x T tokens. Per block, the group's weights are 8 vectors of 16 rows
// x 4 bytes (Q4_0: four of nibble pairs, unpacked once for the T tokens); a token's sum over
// the block is 8 vpdpbusd of a weight vector against 4 of its bytes broadcast (two chains of
// four, for the instruction's latency), then one conversion and FMA with the 16 rows' scales
// times the token's. vpdpbusd multiplies unsigned by signed bytes:
// - Q4_0: the nibbles (weight + 8) are the unsigned side; the sums start from -8 * sum x;
// - Q8_0: x + 128 (x's bytes with the top bit flipped) is the unsigned side, against the
//   signed weights; the sums start from -128 * sum w, stored with the group.
template <int T, bool Q4>
void group_x16(const std::uint8_t* pk, int nb, const std::uint8_t* xq, std::size_t ldq, const std::int32_t* ex,
               const float* dx, float* y, std::size_t ldy) {
  constexpr std::size_t gb = Matrix::group_block_bytes(Q4 ? GgmlType::q4_0 : GgmlType::q8_0);
  constexpr int nv = Q4 ? 4 : 8;
  __m512 acc[T];
  SB_UNROLL for (int t = 0; t < T; ++t) acc[t] = _mm512_setzero_ps();
  const __m512i lo4 = _mm512_set1_epi8(0x0F);
  for (int b = 0; b < nb; ++b) {
    const std::uint8_t* o = pk + gb * static_cast<std::size_t>(b);
    __m512i v[8];
    if constexpr (Q4) {
      SB_UNROLL for (int g = 0; g < 4; ++g) {
        const __m512i raw = _mm512_loadu_si512(o + 64 * g);
        v[g] = _mm512_and_si512(raw, lo4);
        v[g + 4] = _mm512_and_si512(_mm512_srli_epi16(raw, 4), lo4);
      }
    } else {
      SB_UNROLL for (int g = 0; g < 8; ++g) v[g] = _mm512_loadu_si512(o + 64 * g);
    }
    const __m512 dw = _mm512_cvtph_ps(load256(o + 64 * nv));
    __m512i wsum = _mm512_setzero_si512();
    if constexpr (!Q4) wsum = _mm512_sub_epi32(wsum, _mm512_loadu_si512(o + 64 * nv + 32));
    SB_UNROLL for (int t = 0; t < T; ++t) {
      const std::uint8_t* xb = xq + ldq * t + 34 * static_cast<std::size_t>(b) + 2;
      std::uint32_t xd[8];
      std::memcpy(xd, xb, 32);
      __m512i s0, s1 = _mm512_setzero_si512();
      if constexpr (Q4) {
        s0 = _mm512_set1_epi32(-ex[static_cast<std::size_t>(nb) * t + b]);
        SB_UNROLL for (int g = 0; g < 4; ++g) {
          s0 = _mm512_dpbusd_epi32(s0, v[g], _mm512_set1_epi32(static_cast<int>(xd[g])));
          s1 = _mm512_dpbusd_epi32(s1, v[g + 4], _mm512_set1_epi32(static_cast<int>(xd[g + 4])));
        }
      } else {
        s0 = wsum;
        SB_UNROLL for (int g = 0; g < 4; ++g) {
          s0 = _mm512_dpbusd_epi32(s0, _mm512_set1_epi32(static_cast<int>(xd[2 * g] ^ 0x80808080u)), v[2 * g]);
          s1 = _mm512_dpbusd_epi32(s1, _mm512_set1_epi32(static_cast<int>(xd[2 * g + 1] ^ 0x80808080u)), v[2 * g + 1]);
        }
      }
      const __m512 d = _mm512_mul_ps(dw, _mm512_set1_ps(dx[static_cast<std::size_t>(nb) * t + b]));
      acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1)), d, acc[t]);
    }
  }
  SB_UNROLL for (int t = 0; t < T; ++t) _mm512_storeu_ps(y + ldy * t, acc[t]);
}

}  // namespace

void matmul_x16_avx512(GgmlType type, const std::uint8_t* pk, std::size_t group_bytes, int ngroups,
                       const std::uint8_t* xq, std::size_t ldq, int ntok, int n, float* y, std::size_t ldy) {
  // The token side, once per product slice: the scale of every block and, for Q4_0,
  // 8 * sum x.
  const int nb = n / 32;
  const bool q4 = type == GgmlType::q4_0;
  thread_local std::vector<std::int32_t> ex;
  thread_local std::vector<float> dx;
  ex.resize(static_cast<std::size_t>(ntok) * nb);
  dx.resize(ex.size());
  for (int t = 0; t < ntok; ++t)
    for (int b = 0; b < nb; ++b) {
      const std::uint8_t* xb = xq + ldq * t + 34 * static_cast<std::size_t>(b);
      dx[static_cast<std::size_t>(nb) * t + b] = half(xb);
      if (!q4) continue;
      const __m256i s = _mm256_dpbusd_epi32(zero(), _mm256_set1_epi8(8), load256(xb + 2));
      __m128i h = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
      h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4E));
      h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xB1));
      ex[static_cast<std::size_t>(nb) * t + b] = _mm_cvtsi128_si32(h);
    }
  // Tokens in blocks that stay in L1/L2 while each group's weights (a few KiB) are reused
  // from L1 by every four tokens of the block.
  for (int t0 = 0; t0 < ntok; t0 += kTokBlock) {
    const int t1 = std::min(ntok, t0 + kTokBlock);
    for (int g = 0; g < ngroups; ++g) {
      const std::uint8_t* pg = pk + group_bytes * g;
      for (int t = t0; t < t1; t += 4) {
        const std::int32_t* e = ex.data() + static_cast<std::size_t>(nb) * t;
        const float* d = dx.data() + static_cast<std::size_t>(nb) * t;
        float* yt = y + ldy * t + 16 * g;
        pick<1, 4>(1, std::min(4, t1 - t), [&]<int R, int T>() {
          if (q4)
            group_x16<T, true>(pg, nb, xq + ldq * t, ldq, e, d, yt, ldy);
          else
            group_x16<T, false>(pg, nb, xq + ldq * t, ldq, e, d, yt, ldy);
        });
      }
    }
  }
}

// The float tiles' shape: 24 accumulators, the tokens' vectors and one weight vector in
// 32 registers.
constexpr int kFloatRows = 8, kFloatToks = 3;

void matmul_tiles_avx512(GgmlType type, const std::uint8_t* w, std::size_t ws, int nrows, const float* x,
                         std::size_t ldx, const std::uint8_t* xq, std::size_t ldq, int ntok, int n, float* y,
                         std::size_t ldy) {
  auto floats = [&]<class Rows>(Rows) {
    tile_loop(nrows, ntok, kFloatRows, kFloatToks, [&](int r, int nr, int t, int nt) {
      const float* xt = x + ldx * t;
      pick<kFloatRows, kFloatToks>(
          nr, nt, [&]<int R, int T>() { tile_float<R, T, Rows>(w + ws * r, ws, xt, ldx, n, y + ldy * t + r, ldy); });
    });
  };
  if (type == GgmlType::bf16) {
    // The activations rounded to bf16 once per product slice, rows padded to 32 with zeros.
    thread_local std::vector<std::uint16_t> xb;
    const int ldb = (n + 31) / 32 * 32;
    xb.resize(static_cast<std::size_t>(ldb) * ntok);
    for (int t = 0; t < ntok; ++t)
      for (int i = 0; i < ldb; i += 32)
        _mm512_storeu_si512(xb.data() + static_cast<std::size_t>(ldb) * t + i, (__m512i)x_bf16(x + ldx * t + i, n - i));
    tile_loop(nrows, ntok, kFloatRows, kFloatToks, [&](int r, int nr, int t, int nt) {
      const std::uint16_t* xt = xb.data() + static_cast<std::size_t>(ldb) * t;
      pick<kFloatRows, kFloatToks>(
          nr, nt, [&]<int R, int T>() { tile_bf16<R, T>(w + ws * r, ws, xt, ldb, n, y + ldy * t + r, ldy); });
    });
    return;
  }
  if (type == GgmlType::q4_0 && ntok == 1) return q4_0_one_token<Avx512>(w, ws, nrows, xq, n, y);
  switch (type) {
    case GgmlType::f32: return floats(F32Rows{});
    case GgmlType::f16: return floats(F16Rows{});
    case GgmlType::bf16: return;  // above
    case GgmlType::q8_0: return block_tiles<Avx512, false>(w, ws, nrows, xq, ldq, ntok, n, y, ldy);
    case GgmlType::q4_0: return block_tiles<Avx512, true>(w, ws, nrows, xq, ldq, ntok, n, y, ldy);
  }
}

}  // namespace sb::llm::detail
