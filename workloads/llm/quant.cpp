#include "stratbench/workloads/llm/quant.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "stratbench/result/errors.hpp"

namespace sb::llm {

static_assert(std::endian::native == std::endian::little, "model files are little-endian; so is this code");

std::uint16_t fp32_to_fp16(float f) {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  const std::uint16_t sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  const std::uint32_t ax = x & 0x7fffffffu;
  if (ax > 0x7f800000u) {  // NaN: keep the top payload bits, force quiet so it cannot become inf
    return static_cast<std::uint16_t>(sign | 0x7e00u | ((ax >> 13) & 0x3ffu));
  }
  // 65520 is halfway between the largest half (65504, odd mantissa) and 2^16: it and
  // everything above round to infinity.
  if (ax >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);
  if (ax >= 0x38800000u) {  // normal half: rebias the exponent (127 -> 15), round 13 bits away
    std::uint32_t h = (ax - 0x38000000u) >> 13;
    const std::uint32_t rest = ax & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // a carry into the exponent is right
    return static_cast<std::uint16_t>(sign | h);
  }
  // 2^-25 is halfway between 0 and the smallest subnormal 2^-24; the tie goes to even (0).
  if (ax <= 0x33000000u) return sign;
  // Subnormal half: the value in units of 2^-24 is m * 2^(e - 126), e in [102, 112].
  const std::uint32_t e = ax >> 23;
  const std::uint32_t m = (ax & 0x7fffffu) | 0x800000u;
  const std::uint32_t shift = 126 - e;  // 14..24
  std::uint32_t h = m >> shift;
  const std::uint32_t rest = m & ((1u << shift) - 1);
  const std::uint32_t half = 1u << (shift - 1);
  if (rest > half || (rest == half && (h & 1u))) ++h;  // may round up to the smallest normal: right
  return static_cast<std::uint16_t>(sign | h);
}

float fp16_to_fp32(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1fu;
  const std::uint32_t mant = h & 0x3ffu;
  if (exp == 0) {
    // Zero or subnormal: mant * 2^-24, exact in float.
    const float v = static_cast<float>(mant) * 0x1p-24f;
    return sign ? -v : v;
  }
  if (exp == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mant << 13));
  return std::bit_cast<float>(sign | ((exp + 112) << 23) | (mant << 13));
}

std::uint16_t fp32_to_bf16(float f) {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((x >> 16) | 0x40u);
  // Adding 0x7fff plus the lowest kept bit rounds to nearest even; a carry out of the
  // mantissa bumps the exponent, up to infinity, which is the right result.
  return static_cast<std::uint16_t>((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

float bf16_to_fp32(std::uint16_t h) { return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16); }

namespace {

void check_sizes(const char* what, std::size_t n_floats, std::size_t n_bytes, std::size_t block_bytes) {
  if (n_floats % kQBlock != 0)
    throw InputError(std::string(what) + ": row length " + std::to_string(n_floats) + " is not a multiple of 32");
  if (n_bytes != n_floats / kQBlock * block_bytes)
    throw InputError(std::string(what) + ": " + std::to_string(n_bytes) + " bytes for " + std::to_string(n_floats) +
                     " values, expected " + std::to_string(n_floats / kQBlock * block_bytes));
}

void check_finite(const char* what, float v, std::size_t index) {
  if (!std::isfinite(v)) throw InputError(std::string(what) + ": value " + std::to_string(index) + " is not finite");
}

void store_half(std::uint8_t* p, std::uint16_t h) { std::memcpy(p, &h, 2); }
std::uint16_t load_half(const std::uint8_t* p) {
  std::uint16_t h;
  std::memcpy(&h, p, 2);
  return h;
}

}  // namespace

void quantize_row_q8_0(std::span<const float> x, std::span<std::uint8_t> out) {
  check_sizes("quantize_row_q8_0", x.size(), out.size(), kQ8_0BlockBytes);
  for (std::size_t b = 0; b < x.size() / kQBlock; ++b) {
    const float* v = x.data() + b * kQBlock;
    std::uint8_t* o = out.data() + b * kQ8_0BlockBytes;
    float amax = 0.f;
    for (std::size_t j = 0; j < kQBlock; ++j) {
      check_finite("quantize_row_q8_0", v[j], b * kQBlock + j);
      amax = std::max(amax, std::fabs(v[j]));
    }
    const float d = amax / 127.f;
    const float id = d != 0.f ? 1.f / d : 0.f;
    store_half(o, fp32_to_fp16(d));
    for (std::size_t j = 0; j < kQBlock; ++j)
      o[2 + j] = static_cast<std::uint8_t>(static_cast<std::int8_t>(std::round(v[j] * id)));
  }
}

void dequantize_row_q8_0(std::span<const std::uint8_t> in, std::span<float> y) {
  check_sizes("dequantize_row_q8_0", y.size(), in.size(), kQ8_0BlockBytes);
  for (std::size_t b = 0; b < y.size() / kQBlock; ++b) {
    const std::uint8_t* p = in.data() + b * kQ8_0BlockBytes;
    const float d = fp16_to_fp32(load_half(p));
    for (std::size_t j = 0; j < kQBlock; ++j)
      y[b * kQBlock + j] = static_cast<float>(static_cast<std::int8_t>(p[2 + j])) * d;
  }
}

void quantize_row_q4_0(std::span<const float> x, std::span<std::uint8_t> out) {
  check_sizes("quantize_row_q4_0", x.size(), out.size(), kQ4_0BlockBytes);
  constexpr std::size_t half = kQBlock / 2;
  for (std::size_t b = 0; b < x.size() / kQBlock; ++b) {
    const float* v = x.data() + b * kQBlock;
    std::uint8_t* o = out.data() + b * kQ4_0BlockBytes;
    float amax = 0.f, max = 0.f;
    for (std::size_t j = 0; j < kQBlock; ++j) {
      check_finite("quantize_row_q4_0", v[j], b * kQBlock + j);
      if (amax < std::fabs(v[j])) {  // strict: the first of equal magnitudes wins, as in ggml
        amax = std::fabs(v[j]);
        max = v[j];
      }
    }
    const float d = max / -8.f;
    const float id = d != 0.f ? 1.f / d : 0.f;
    store_half(o, fp32_to_fp16(d));
    // x * id lies in [-8, 8] (up to rounding), so x * id + 8.5 is in [0.5, 16.5]: the
    // truncating conversion is defined, and only +8 needs the clamp.
    auto code = [&](float value) { return std::min(15, static_cast<int>(value * id + 8.5f)); };
    for (std::size_t j = 0; j < half; ++j) o[2 + j] = static_cast<std::uint8_t>(code(v[j]) | (code(v[j + half]) << 4));
  }
}

void dequantize_row_q4_0(std::span<const std::uint8_t> in, std::span<float> y) {
  check_sizes("dequantize_row_q4_0", y.size(), in.size(), kQ4_0BlockBytes);
  constexpr std::size_t half = kQBlock / 2;
  for (std::size_t b = 0; b < y.size() / kQBlock; ++b) {
    const std::uint8_t* p = in.data() + b * kQ4_0BlockBytes;
    const float d = fp16_to_fp32(load_half(p));
    float* out = y.data() + b * kQBlock;
    for (std::size_t j = 0; j < half; ++j) {
      out[j] = static_cast<float>((p[2 + j] & 0x0f) - 8) * d;
      out[j + half] = static_cast<float>((p[2 + j] >> 4) - 8) * d;
    }
  }
}

namespace {
void check_half_sizes(const char* what, std::size_t n_floats, std::size_t n_bytes) {
  if (n_bytes != n_floats * 2)
    throw InputError(std::string(what) + ": " + std::to_string(n_bytes) + " bytes for " + std::to_string(n_floats) +
                     " values, expected " + std::to_string(n_floats * 2));
}
}  // namespace

void fp32_to_fp16_row(std::span<const float> x, std::span<std::uint8_t> out) {
  check_half_sizes("fp32_to_fp16_row", x.size(), out.size());
  for (std::size_t i = 0; i < x.size(); ++i) store_half(out.data() + 2 * i, fp32_to_fp16(x[i]));
}
void fp16_to_fp32_row(std::span<const std::uint8_t> in, std::span<float> y) {
  check_half_sizes("fp16_to_fp32_row", y.size(), in.size());
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = fp16_to_fp32(load_half(in.data() + 2 * i));
}
void fp32_to_bf16_row(std::span<const float> x, std::span<std::uint8_t> out) {
  check_half_sizes("fp32_to_bf16_row", x.size(), out.size());
  for (std::size_t i = 0; i < x.size(); ++i) store_half(out.data() + 2 * i, fp32_to_bf16(x[i]));
}
void bf16_to_fp32_row(std::span<const std::uint8_t> in, std::span<float> y) {
  check_half_sizes("bf16_to_fp32_row", y.size(), in.size());
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = bf16_to_fp32(load_half(in.data() + 2 * i));
}

}  // namespace sb::llm
