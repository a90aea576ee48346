// Small helpers shared by the AVX2 and AVX-512 kernel files. Each of those files is built
// with its own ISA flags, so everything here has internal linkage (an anonymous
// namespace): an inline function with external linkage would be compiled once per file and
// the linker would keep either copy, possibly the AVX-512 one on an AVX2-only CPU.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>
#include <vector>

// On the loops over a register tile's rows and tokens. GCC keeps an array of vector
// accumulators (acc[R][T]) in registers only when those loops are unrolled before its
// scalar replacement of aggregates runs; otherwise it also stores every accumulator to the
// stack on each step, and a 4 x 6 AVX-512 tile ran at two thirds of its speed for it
// (24 stores per 24 FMAs).
#define SB_UNROLL _Pragma("GCC unroll 8")

namespace sb::llm::detail {
namespace {

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
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

#ifdef __AVX512F__
// The AVX-512 files' own (the AVX2 files do not see them); those files are built with
// BW, VL, VNNI and BF16 as well.
inline __mmask16 first16(int k) {
  return k >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << k) - 1);
}

// The sum of 16 lanes (GCC 12's _mm512_reduce_add_ps warns of an uninitialized
// variable inside it once inlined into unrolled code).
inline float reduce16(__m512 v) {
  const __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
  return hsum(_mm256_add_ps(_mm512_castps512_ps256(v), hi));
}

inline __mmask32 first32(int k) { return k >= 32 ? ~__mmask32{0} : static_cast<__mmask32>((1u << k) - 1); }

// Elements [i, i + 32) of x rounded to bf16 (lanes past k valid ones are zero).
inline __m512bh x_bf16(const float* x, int k) {
  const __m512 lo = _mm512_maskz_loadu_ps(first16(k), x);
  const __m512 hi = _mm512_maskz_loadu_ps(first16(k - 16 > 0 ? k - 16 : 0), x + 16);
  return _mm512_cvtne2ps_pbh(hi, lo);
}

inline __m512bh bf16_weights(const std::uint16_t* w, __mmask32 m) { return (__m512bh)_mm512_maskz_loadu_epi16(m, w); }

// A function, not a constant: a namespace-scope vector would be set by a static
// initializer built with this file's flags, run on every CPU at start-up.
inline __m256i zero() { return _mm256_setzero_si256(); }

// Int32 sums of Q8_0 x Q8_0 over one block, 8 lanes. vpdpbusd wants its first operand
// unsigned: |w| against x carrying w's sign gives the same products.
inline __m256i q8_sums(__m256i aw, __m256i qw, __m256i qx) {
  return _mm256_dpbusd_epi32(zero(), aw, _mm256_sign_epi8(qx, qw));
}
#endif

// The fp16 scale at p (a block's first two bytes).
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

// Four fp16 scales (h[0..3]) as one vector.
inline __m128 halves4(const std::uint16_t* h) {
  std::uint64_t h4;
  std::memcpy(&h4, h, 8);
  return _mm_cvtph_ps(_mm_cvtsi64_si128(static_cast<long long>(h4)));
}

// Software prefetch distance for the weight streams of one-token products, in bytes
// ahead of the load (past a row's end it covers the next row, which is contiguous). Decode
// reads every weight once per token, so its speed is the memory bandwidth reached; the
// hardware prefetcher alone left bf16 decode at about 85% of fp32's bytes per second.
// Q8_0's dot product streams one row the same way (15.6 -> 18.5 GB/s on one core with the
// weights in DRAM); Q4_0's four-row kernel fetches its next rows itself.
constexpr int kAhead = 1024;

// The 32 weights of a Q4_0 block as unsigned nibbles (weight + 8) in element order: byte j
// holds element j in its low nibble and element j + 16 in its high one.
inline __m256i q4_nibbles(const std::uint8_t* blk) {
  // The 16 bytes in both lanes, the high lane shifted by 4: three instructions, not five.
  const __m256i packed = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + 2)));
  return _mm256_and_si256(_mm256_srlv_epi64(packed, _mm256_setr_epi64x(0, 0, 4, 4)), _mm256_set1_epi8(0x0F));
}

inline __m256i load256(const std::uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

// Calls k.operator()<R, T>() with R = r and T = t, for 1 <= r <= RMax and 1 <= t <= TMax:
// the edges of a product get fully unrolled kernels of their own size.
template <int R, int T, class K>
void pick(int r, int t, const K& k) {
  if constexpr (R > 1) {
    if (r < R) return pick<R - 1, T>(r, t, k);
  }
  if constexpr (T > 1) {
    if (t < T) return pick<R, T - 1>(r, t, k);
  }
  k.template operator()<R, T>();
}

// One token (decode): the rows of a range read as four streams, rows i, i + q, i + 2q and
// i + 3q side by side, where row after row is one stream; one core keeps more lines in
// flight for four (gemv_streams_avx512.cpp has the measurements).
constexpr int kRowStreams = 4;

// The rows of [0, nrows) (ws bytes apart) in four quarters by Four, a row of each at a time,
// the rows left over one by one by One; a kernel (w, stride, x, n, y, q) writes the sums
// of its rows, stride bytes apart, to y[0], y[q], ...
template <class In, void (*Four)(const std::uint8_t*, std::size_t, const In*, int, float*, int),
          void (*One)(const std::uint8_t*, std::size_t, const In*, int, float*, int)>
void in_streams(const std::uint8_t* w, std::size_t ws, int nrows, const In* x, int n, float* y) {
  const int q = nrows / kRowStreams;
  for (int i = 0; i < q; ++i) Four(w + ws * i, ws * q, x, n, y + i, q);
  for (int o = kRowStreams * q; o < nrows; ++o) One(w + ws * o, 0, x, n, y + o, 0);
}

// Tokens in groups whose activations fit in L2 alongside the weight rows being reused.
constexpr int kTokBlock = 48;

// run(r, nr, t, nt) over tiles of rmax rows by tmax tokens (fewer at the edges); within a
// block of kTokBlock tokens, rows outer, so the first row tile (r == 0) of each token tile
// runs before the others.
template <class Run>
void tile_loop(int nrows, int ntok, int rmax, int tmax, Run&& run) {
  for (int t0 = 0; t0 < ntok; t0 += kTokBlock) {
    const int t1 = t0 + kTokBlock < ntok ? t0 + kTokBlock : ntok;
    for (int r = 0; r < nrows; r += rmax)
      for (int t = t0; t < t1; t += tmax) run(r, rmax < nrows - r ? rmax : nrows - r, t, tmax < t1 - t ? tmax : t1 - t);
  }
}

// The drivers both ISAs share. The micro-kernels stay apart, one set per kernel file; each
// file passes them in as a policy struct `Isa` of static members, so every instantiation
// is compiled in that file with its own ISA flags (and, like all of this header, has
// internal linkage). An Isa provides:
//   kRows4                                   rows of a four-token block tile
//   Tokens, Sums                              its TokenBlock4 and HalfSums types
//   edge<R, T, Q4>(w, ws, xq, ldq, n, y, ldy) a tile of fewer than four tokens
//   prepare4<Q4>(xq, ldq, nb, tokens)         the token side of four tokens, once per token tile
//   block4<R, Q4>(w, ws, xq, ldq, tokens, n, y, ldy)
//   half_sums(qx)                             8 * sum of a Q4_0 block's activations, in rows4's layout
//   rows4(w, ws, xq, sums, nb, y)             four Q4_0 rows against one token
//   dot_q4(w, xq, n)                          one Q4_0 row against one token

// Q8_0 (Q4 = false) or Q4_0 products over several tokens, in register tiles.
template <class Isa, bool Q4>
void block_tiles(const std::uint8_t* w, std::size_t ws, int nrows, const std::uint8_t* xq, std::size_t ldq, int ntok,
                 int n, float* y, std::size_t ldy) {
  // The token side of every full group of four in a token block, shared by all row tiles.
  thread_local std::vector<typename Isa::Tokens> tokens;
  const int nb = n / 32;
  tokens.resize(static_cast<std::size_t>(kTokBlock / 4) * nb);
  tile_loop(nrows, ntok, Isa::kRows4, 4, [&](int r, int nr, int t, int nt) {
    const std::uint8_t* wr = w + ws * r;
    const std::uint8_t* xt = xq + ldq * t;
    float* yt = y + ldy * t + r;
    if (nt < 4)
      return pick<Isa::kRows4, 3>(nr, nt,
                                  [&]<int R, int T>() { Isa::template edge<R, T, Q4>(wr, ws, xt, ldq, n, yt, ldy); });
    typename Isa::Tokens* tb = tokens.data() + static_cast<std::size_t>(t % kTokBlock / 4) * nb;
    if (r == 0) Isa::template prepare4<Q4>(xt, ldq, nb, tb);
    pick<Isa::kRows4, 1>(nr, 1, [&]<int R, int T>() { Isa::template block4<R, Q4>(wr, ws, xt, ldq, tb, n, yt, ldy); });
  });
}

// A Q4_0 product against one token (decode): four rows at a time, the rest one by one.
template <class Isa>
void q4_0_one_token(const std::uint8_t* w, std::size_t ws, int nrows, const std::uint8_t* xq, int n, float* y) {
  const int nb = n / 32;
  thread_local std::vector<typename Isa::Sums> hs;
  hs.resize(nb);
  for (int b = 0; b < nb; ++b) hs[b].eight_x = Isa::half_sums(xq + 34 * static_cast<std::size_t>(b) + 2);
  // Four streams: rows i, i + q, i + 2q, i + 3q, each prefetching its next row.
  const int q = nrows / 4;
  for (int i = 0; i < q; ++i) {
    float y4[4];
    Isa::rows4(w + ws * i, ws * q, ws, xq, hs.data(), nb, y4);
    for (int k = 0; k < 4; ++k) y[i + k * q] = y4[k];
  }
  for (int r = 4 * q; r < nrows; ++r) y[r] = Isa::dot_q4(w + ws * r, xq, n);
}

}  // namespace
}  // namespace sb::llm::detail
