// Number formats of model files: fp16 and bf16 against independent oracles, Q8_0 and Q4_0
// against hand-computed blocks and float64 error bounds.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/quant.hpp"

namespace sb::llm {
namespace {

float from_bits(std::uint32_t u) { return std::bit_cast<float>(u); }
std::uint32_t bits(float f) { return std::bit_cast<std::uint32_t>(f); }

// ---- fp16 -----------------------------------------------------------------------------

// Decoding by the definition of binary16, in double.
double half_by_definition(std::uint16_t h) {
  const int sign = h >> 15, exp = (h >> 10) & 31, mant = h & 1023;
  double v;
  if (exp == 0)
    v = std::ldexp(mant, -24);
  else if (exp == 31)
    v = mant ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  else
    v = std::ldexp(1024 + mant, exp - 25);
  return sign ? -v : v;
}

// Round to nearest even by search: positive half bit patterns 0..0x7bff increase with
// their value, so the answer is one of the two patterns around |x|.
std::uint16_t half_oracle(float f) {
  if (std::isnan(f)) return 0x7e00;
  const std::uint16_t sign = std::signbit(f) ? 0x8000 : 0;
  const double a = std::fabs(static_cast<double>(f));
  if (a >= 65520.0) return sign | 0x7c00;  // at or past the midpoint of 65504 and 2^16
  std::uint16_t lo = 0, hi = 0x7bff;
  while (lo < hi) {  // largest pattern whose value <= a
    const std::uint16_t mid = static_cast<std::uint16_t>((lo + hi + 1) / 2);
    if (half_by_definition(mid) <= a)
      lo = mid;
    else
      hi = static_cast<std::uint16_t>(mid - 1);
  }
  if (lo == 0x7bff) return sign | lo;  // a < 65520: rounds down to the largest half
  const double below = half_by_definition(lo), above = half_by_definition(static_cast<std::uint16_t>(lo + 1));
  std::uint16_t r;
  if (a - below < above - a)
    r = lo;
  else if (a - below > above - a)
    r = static_cast<std::uint16_t>(lo + 1);
  else
    r = (lo & 1) ? static_cast<std::uint16_t>(lo + 1) : lo;
  return sign | r;
}

TEST(QuantFp16, KnownValues) {
  EXPECT_EQ(fp32_to_fp16(0.f), 0x0000);
  EXPECT_EQ(fp32_to_fp16(-0.f), 0x8000);
  EXPECT_EQ(fp32_to_fp16(1.f), 0x3c00);
  EXPECT_EQ(fp32_to_fp16(-2.f), 0xc000);
  EXPECT_EQ(fp32_to_fp16(0.1f), 0x2e66);
  EXPECT_EQ(fp32_to_fp16(1.f / 3.f), 0x3555);
  EXPECT_EQ(fp32_to_fp16(65504.f), 0x7bff);
  EXPECT_EQ(fp32_to_fp16(65519.996f), 0x7bff);
  EXPECT_EQ(fp32_to_fp16(65520.f), 0x7c00);  // the tie rounds to even: infinity
  EXPECT_EQ(fp32_to_fp16(1e10f), 0x7c00);
  EXPECT_EQ(fp32_to_fp16(-std::numeric_limits<float>::infinity()), 0xfc00);
  EXPECT_EQ(fp32_to_fp16(0x1p-14f), 0x0400);  // smallest normal
  EXPECT_EQ(fp32_to_fp16(0x1p-24f), 0x0001);  // smallest subnormal
  EXPECT_EQ(fp32_to_fp16(0x1p-25f), 0x0000);  // tie between 0 and 2^-24: even
  EXPECT_EQ(fp32_to_fp16(0x1.8p-25f), 0x0001);
  EXPECT_EQ(fp32_to_fp16(0x1.8p-24f), 0x0002);      // tie between 1 and 2 units: even
  EXPECT_EQ(fp32_to_fp16(0x1.ffcp-15f), 0x0400);    // largest subnormal + half unit... rounds up into the normals
  EXPECT_EQ(fp32_to_fp16(1.f + 0x1p-11f), 0x3c00);  // tie: down to even
  EXPECT_EQ(fp32_to_fp16(1.f + 0x1p-11f + 0x1p-23f), 0x3c01);  // just past the tie
  EXPECT_EQ(fp32_to_fp16(1.f + 3 * 0x1p-11f), 0x3c02);         // tie: up to even
  const std::uint16_t nan = fp32_to_fp16(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(nan & 0x7c00, 0x7c00);
  EXPECT_NE(nan & 0x03ff, 0);
  // A NaN whose payload sits only in the low bits must not become infinity.
  EXPECT_TRUE(std::isnan(fp16_to_fp32(fp32_to_fp16(from_bits(0x7f800001)))));
  EXPECT_EQ(fp16_to_fp32(0x3c00), 1.f);
  EXPECT_EQ(fp16_to_fp32(0x0001), 0x1p-24f);
  EXPECT_EQ(fp16_to_fp32(0x7bff), 65504.f);
  EXPECT_TRUE(std::isinf(fp16_to_fp32(0x7c00)));
}

TEST(QuantFp16, EveryHalfDecodesByDefinitionAndRoundTrips) {
  for (std::uint32_t h = 0; h <= 0xffff; ++h) {
    const auto hh = static_cast<std::uint16_t>(h);
    const float f = fp16_to_fp32(hh);
    const double want = half_by_definition(hh);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(f)) << std::hex << h;
      ASSERT_TRUE(std::isnan(fp16_to_fp32(fp32_to_fp16(f)))) << std::hex << h;
      continue;
    }
    ASSERT_EQ(static_cast<double>(f), want) << std::hex << h;
    ASSERT_EQ(std::signbit(f), (h & 0x8000) != 0) << std::hex << h;
    ASSERT_EQ(fp32_to_fp16(f), hh) << std::hex << h;
  }
}

TEST(QuantFp16, EncodeMatchesTheRoundToNearestEvenOracle) {
  auto check = [](std::uint32_t u) {
    const float f = from_bits(u);
    if (std::isnan(f)) return;
    ASSERT_EQ(fp32_to_fp16(f), half_oracle(f)) << std::hex << "float bits 0x" << u;
  };
  // A stride through every float, then every float whose dropped 13 bits sit at or next to
  // the halfway point (the normal-range ties), then a dense sweep of the subnormal range.
  for (std::uint64_t u = 0; u <= 0xffffffffull; u += 40009) check(static_cast<std::uint32_t>(u));
  for (std::uint32_t top = 0; top < (1u << 19); ++top)
    for (std::uint32_t low : {0x0000u, 0x0fffu, 0x1000u, 0x1001u, 0x1fffu}) check((top << 13) | low);
  for (std::uint32_t u = 0x33000000u - 4; u < 0x38800000u + 4; u += 97) {
    check(u);
    check(u | 0x80000000u);
  }
#if defined(__FLT16_MAX__)
  // And the compiler's own conversion, where it has _Float16.
  for (std::uint64_t u = 0; u <= 0xffffffffull; u += 65521) {
    const float f = from_bits(static_cast<std::uint32_t>(u));
    if (std::isnan(f)) continue;
    const _Float16 h = static_cast<_Float16>(f);
    std::uint16_t hb;
    std::memcpy(&hb, &h, 2);
    ASSERT_EQ(fp32_to_fp16(f), hb) << std::hex << u;
  }
#endif
}

// ---- bf16 -----------------------------------------------------------------------------

std::uint16_t bf16_oracle(float f) {
  const std::uint32_t u = bits(f);
  const std::uint32_t lo = u & 0xffff0000u;
  const double x = std::fabs(static_cast<double>(f));
  const double below = std::fabs(static_cast<double>(from_bits(lo)));
  // Past the largest finite bf16 the next step up is 2^128 (IEEE rounds as if the exponent
  // went on), which the float cannot hold.
  const std::uint32_t next = lo + 0x10000u;
  const double above =
      (next & 0x7fffffffu) == 0x7f800000u ? std::ldexp(1.0, 128) : std::fabs(static_cast<double>(from_bits(next)));
  if (x - below < above - x) return static_cast<std::uint16_t>(lo >> 16);
  if (x - below > above - x) return static_cast<std::uint16_t>(next >> 16);
  return static_cast<std::uint16_t>(((lo >> 16) & 1) ? next >> 16 : lo >> 16);
}

TEST(QuantBf16, KnownValues) {
  EXPECT_EQ(fp32_to_bf16(1.f), 0x3f80);
  EXPECT_EQ(fp32_to_bf16(-2.f), 0xc000);
  EXPECT_EQ(fp32_to_bf16(from_bits(0x3f808000u)), 0x3f80);  // tie, down to even
  EXPECT_EQ(fp32_to_bf16(from_bits(0x3f818000u)), 0x3f82);  // tie, up to even
  EXPECT_EQ(fp32_to_bf16(from_bits(0x3f808001u)), 0x3f81);
  EXPECT_EQ(fp32_to_bf16(std::numeric_limits<float>::max()), 0x7f80);  // rounds to infinity
  EXPECT_EQ(fp32_to_bf16(std::numeric_limits<float>::infinity()), 0x7f80);
  EXPECT_EQ(fp32_to_bf16(-0.f), 0x8000);
  EXPECT_EQ(fp32_to_bf16(from_bits(0x00018000u)), 0x0002);  // subnormals round too
  for (std::uint32_t nan : {0x7f800001u, 0x7fc00000u, 0xffffffffu, 0x7f80ffffu}) {
    const std::uint16_t b = fp32_to_bf16(from_bits(nan));
    EXPECT_TRUE(std::isnan(bf16_to_fp32(b))) << std::hex << nan;
  }
  EXPECT_EQ(bf16_to_fp32(0x3f80), 1.f);
}

TEST(QuantBf16, EveryBf16RoundTripsAndEncodeMatchesTheOracle) {
  for (std::uint32_t h = 0; h <= 0xffff; ++h) {
    const float f = bf16_to_fp32(static_cast<std::uint16_t>(h));
    ASSERT_EQ(bits(f), h << 16);
    if (std::isnan(f))
      ASSERT_TRUE(std::isnan(bf16_to_fp32(fp32_to_bf16(f))));
    else
      ASSERT_EQ(fp32_to_bf16(f), h);
  }
  for (std::uint64_t u = 0; u <= 0xffffffffull; u += 40009) {
    const float f = from_bits(static_cast<std::uint32_t>(u));
    if (!std::isnan(f)) {
      ASSERT_EQ(fp32_to_bf16(f), bf16_oracle(f)) << std::hex << u;
    }
  }
  for (std::uint32_t top = 0; top < (1u << 16); ++top)
    for (std::uint32_t low : {0x0000u, 0x7fffu, 0x8000u, 0x8001u, 0xffffu}) {
      const float f = from_bits((top << 16) | low);
      if (!std::isnan(f)) {
        ASSERT_EQ(fp32_to_bf16(f), bf16_oracle(f)) << std::hex << ((top << 16) | low);
      }
    }
}

TEST(QuantRows, HalfRowsAreLittleEndianAndCheckSizes) {
  const std::vector<float> x = {1.f, -2.f, 0.5f};
  std::vector<std::uint8_t> b(6);
  fp32_to_fp16_row(x, b);
  EXPECT_EQ(b, (std::vector<std::uint8_t>{0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38}));
  std::vector<float> y(3);
  fp16_to_fp32_row(b, y);
  EXPECT_EQ(y, x);
  fp32_to_bf16_row(x, b);
  EXPECT_EQ(b, (std::vector<std::uint8_t>{0x80, 0x3f, 0x00, 0xc0, 0x00, 0x3f}));
  bf16_to_fp32_row(b, y);
  EXPECT_EQ(y, x);
  std::vector<std::uint8_t> short_out(5);
  EXPECT_THROW(fp32_to_fp16_row(x, short_out), InputError);
  EXPECT_THROW(bf16_to_fp32_row(short_out, y), InputError);
}

// ---- Q8_0 -----------------------------------------------------------------------------

TEST(QuantQ8_0, HandComputedBlocks) {
  // amax 127: d = 1 exactly (fp16 0x3c00), q = round(x), halves away from zero.
  std::vector<float> x(64, 0.f);
  const float head[] = {127.f, -127.f, 2.5f, -2.5f, 0.49f, -0.51f, 1.5f, 100.4f};
  std::copy(std::begin(head), std::end(head), x.begin());
  // Second block all zero: d = 0, q = 0.
  std::vector<std::uint8_t> out(2 * kQ8_0BlockBytes);
  quantize_row_q8_0(x, out);
  EXPECT_EQ(out[0], 0x00);
  EXPECT_EQ(out[1], 0x3c);
  const std::int8_t want[] = {127, -127, 3, -3, 0, -1, 2, 100};
  for (int j = 0; j < 8; ++j) EXPECT_EQ(static_cast<std::int8_t>(out[2 + j]), want[j]) << j;
  for (int j = 8; j < 32; ++j) EXPECT_EQ(out[2 + j], 0) << j;
  for (std::size_t j = kQ8_0BlockBytes; j < out.size(); ++j) EXPECT_EQ(out[j], 0) << j;
  std::vector<float> y(64);
  dequantize_row_q8_0(out, y);
  for (int j = 0; j < 8; ++j) EXPECT_EQ(y[j], static_cast<float>(want[j]));
  EXPECT_EQ(y[40], 0.f);

  // Doubling everything doubles d (fp16 0x4000) and keeps q.
  for (auto& v : x) v *= 2.f;
  quantize_row_q8_0(x, out);
  EXPECT_EQ(out[0], 0x00);
  EXPECT_EQ(out[1], 0x40);
  for (int j = 0; j < 8; ++j) EXPECT_EQ(static_cast<std::int8_t>(out[2 + j]), want[j]) << j;
}

TEST(QuantQ8_0, RejectsBadSizesAndNonFiniteValues) {
  std::vector<float> x(33, 1.f);
  std::vector<std::uint8_t> out(34);
  EXPECT_THROW(quantize_row_q8_0(x, out), InputError);
  x.resize(32);
  std::vector<std::uint8_t> wrong(33);
  EXPECT_THROW(quantize_row_q8_0(x, wrong), InputError);
  x[7] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(quantize_row_q8_0(x, out), InputError);
  x[7] = std::numeric_limits<float>::infinity();
  EXPECT_THROW(quantize_row_q8_0(x, out), InputError);
  std::vector<float> y(31);
  EXPECT_THROW(dequantize_row_q8_0(out, y), InputError);
}

// ---- Q4_0 -----------------------------------------------------------------------------

TEST(QuantQ4_0, HandComputedBlocks) {
  // The largest magnitude is -8 (first of -8 and +8): d = -8 / -8 = 1, q = min(15, trunc(x + 8.5)).
  std::vector<float> x(32, 0.f);
  x[0] = -8.f;
  x[16] = 8.f;    // q = trunc(16.5) = 16, clamped to 15: +8 decodes as +7
  x[1] = 7.f;     // 15
  x[17] = 0.49f;  // trunc(8.99) = 8 -> 0
  x[2] = -0.5f;   // trunc(8.0) = 8 -> 0
  x[18] = 0.5f;   // trunc(9.0) = 9 -> 1
  x[3] = -3.7f;   // trunc(4.8) = 4 -> -4
  std::vector<std::uint8_t> out(kQ4_0BlockBytes);
  quantize_row_q4_0(x, out);
  EXPECT_EQ(out[0], 0x00);
  EXPECT_EQ(out[1], 0x3c);
  EXPECT_EQ(out[2 + 0], 0x00 | (15 << 4));  // element 0 low nibble, element 16 high nibble
  EXPECT_EQ(out[2 + 1], 15 | (8 << 4));
  EXPECT_EQ(out[2 + 2], 8 | (9 << 4));
  EXPECT_EQ(out[2 + 3], 4 | (8 << 4));
  for (int j = 4; j < 16; ++j) EXPECT_EQ(out[2 + j], 8 | (8 << 4)) << j;  // zeros: q = 8
  std::vector<float> y(32);
  dequantize_row_q4_0(out, y);
  EXPECT_EQ(y[0], -8.f);
  EXPECT_EQ(y[16], 7.f);
  EXPECT_EQ(y[1], 7.f);
  EXPECT_EQ(y[17], 0.f);
  EXPECT_EQ(y[18], 1.f);
  EXPECT_EQ(y[3], -4.f);

  // A positive maximum makes d negative: max 4 gives d = -0.5 (fp16 0xb800); 4 maps to
  // q = 0, and -4 to q = 16, clamped to 15: -3.5.
  std::fill(x.begin(), x.end(), 0.f);
  x[5] = 4.f;
  x[21] = -4.f;
  quantize_row_q4_0(x, out);
  EXPECT_EQ(out[0], 0x00);
  EXPECT_EQ(out[1], 0xb8);
  EXPECT_EQ(out[2 + 5], 0 | (15 << 4));
  dequantize_row_q4_0(out, y);
  EXPECT_EQ(y[5], 4.f);
  EXPECT_EQ(y[21], -3.5f);
  EXPECT_EQ(y[0], 0.f);

  // All zeros: d = -0 (max 0 / -8), every code 8.
  std::fill(x.begin(), x.end(), 0.f);
  quantize_row_q4_0(x, out);
  EXPECT_EQ(out[0], 0x00);
  EXPECT_EQ(out[1], 0x80);
  for (int j = 0; j < 16; ++j) EXPECT_EQ(out[2 + j], 0x88);
}

TEST(QuantQ4_0, RejectsBadSizes) {
  std::vector<float> x(48, 1.f);
  std::vector<std::uint8_t> out(27);
  EXPECT_THROW(quantize_row_q4_0(x, out), InputError);
  std::vector<float> y(32);
  std::vector<std::uint8_t> in(17);
  EXPECT_THROW(dequantize_row_q4_0(in, y), InputError);
}

// ---- both, against float64 ------------------------------------------------------------

// Rows with awkward scales: tiny (fp16 subnormal scales), typical weights, large values,
// single outliers, constant blocks, one-sign blocks.
std::vector<std::vector<float>> awkward_rows() {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> n01(0.0, 1.0);  // values only: any distribution will do
  std::vector<std::vector<float>> rows;
  for (double scale : {1e-7, 3e-5, 1e-3, 0.02, 1.0, 37.5, 3000.0}) {
    std::vector<float> r(32 * 37);
    for (auto& v : r) v = static_cast<float>(scale * n01(rng));
    for (std::size_t b = 0; b < r.size(); b += 32 * 5) r[b + (b / 32) % 32] *= 40.f;  // outliers
    for (std::size_t j = 32 * 3; j < 32 * 4; ++j) r[j] = static_cast<float>(scale);   // constant block
    for (std::size_t j = 32 * 6; j < 32 * 7; ++j) r[j] = std::fabs(r[j]);             // one sign
    rows.push_back(r);
  }
  return rows;
}

// Largest gap between a positive d and its nearest fp16 (half an ulp; 2^-25 absolute for
// subnormal halves).
double fp16_rounding(double d) { return std::max(std::fabs(d) * 0x1p-11, 0x1p-25); }

TEST(QuantQ8_0, ErrorWithinTheFloat64BoundOnAwkwardRows) {
  for (const auto& x : awkward_rows()) {
    std::vector<std::uint8_t> q(x.size() / 32 * kQ8_0BlockBytes);
    std::vector<float> y(x.size());
    quantize_row_q8_0(x, q);
    dequantize_row_q8_0(q, y);
    for (std::size_t b = 0; b < x.size() / 32; ++b) {
      double amax = 0;
      for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(static_cast<double>(x[b * 32 + j])));
      const double d = amax / 127.0;
      // Rounding to the nearest step costs d/2; the stored fp16 d may be off by
      // fp16_rounding(d), and q multiplies that up to 127 times.
      const double bound = 0.5 * d * (1 + 1e-5) + 127 * fp16_rounding(d) + 1e-30;
      for (int j = 0; j < 32; ++j) {
        const double xv = x[b * 32 + j];
        ASSERT_LE(std::fabs(static_cast<double>(y[b * 32 + j]) - xv), bound) << "block " << b << " element " << j;
        // The code is the float64 nearest step, except within a hair of a tie (ggml
        // multiplies by the fp32 reciprocal of d).
        const double exact = d > 0 ? xv / d : 0;
        const int q_ref = static_cast<int>(std::round(exact));
        const int q_got = static_cast<std::int8_t>(q[b * kQ8_0BlockBytes + 2 + j]);
        if (q_got != q_ref) {
          ASSERT_LT(std::fabs(std::fabs(exact - std::trunc(exact)) - 0.5), 1e-4) << b << "/" << j;
        }
      }
    }
  }
}

TEST(QuantQ4_0, ErrorWithinTheFloat64BoundOnAwkwardRows) {
  for (const auto& x : awkward_rows()) {
    std::vector<std::uint8_t> q(x.size() / 32 * kQ4_0BlockBytes);
    std::vector<float> y(x.size());
    quantize_row_q4_0(x, q);
    dequantize_row_q4_0(q, y);
    for (std::size_t b = 0; b < x.size() / 32; ++b) {
      double max = 0;
      for (int j = 0; j < 32; ++j)
        if (std::fabs(static_cast<double>(x[b * 32 + j])) > std::fabs(max)) max = x[b * 32 + j];
      const double d = std::fabs(max) / 8.0;
      for (int j = 0; j < 32; ++j) {
        const double xv = x[b * 32 + j];
        const double err = std::fabs(static_cast<double>(y[b * 32 + j]) - xv);
        // Values of the maximum's opposite sign beyond 7.5 steps clamp to 7 steps (up to
        // one step off); the rest round to the nearest step (half a step). The fp16 d
        // error is multiplied by at most 8.
        const bool clamped = max != 0 && -xv / max * 8.0 > 7.5 - 1e-4;
        const double bound = (clamped ? 1.0 : 0.5) * d * (1 + 1e-5) + 8 * fp16_rounding(d) + 1e-30;
        ASSERT_LE(err, bound) << "block " << b << " element " << j << " x " << xv;
      }
    }
  }
}

TEST(QuantBoth, RmsErrorOnGaussianWeightsIsWhatTheFormatsPromise) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> n(0.0, 0.02);
  std::vector<float> x(32 * 4096);
  for (auto& v : x) v = static_cast<float>(n(rng));
  auto rel_rms = [&](auto quantize, auto dequantize, std::size_t block_bytes) {
    std::vector<std::uint8_t> q(x.size() / 32 * block_bytes);
    std::vector<float> y(x.size());
    quantize(x, q);
    dequantize(q, y);
    double e = 0, s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      e += (static_cast<double>(y[i]) - x[i]) * (static_cast<double>(y[i]) - x[i]);
      s += static_cast<double>(x[i]) * x[i];
    }
    return std::sqrt(e / s);
  };
  // Uniform rounding noise of a step over sqrt(12), relative to sigma: amax of 32 normals
  // is about 2.1 sigma, so Q8_0 ~ 2.1/127/sqrt(12) = 0.5%, Q4_0 ~ 2.1/8/sqrt(12) = 7.6%.
  const double q8 = rel_rms(quantize_row_q8_0, dequantize_row_q8_0, kQ8_0BlockBytes);
  const double q4 = rel_rms(quantize_row_q4_0, dequantize_row_q4_0, kQ4_0BlockBytes);
  EXPECT_GT(q8, 0.003);
  EXPECT_LT(q8, 0.008);
  EXPECT_GT(q4, 0.05);
  EXPECT_LT(q4, 0.11);
}

}  // namespace
}  // namespace sb::llm
