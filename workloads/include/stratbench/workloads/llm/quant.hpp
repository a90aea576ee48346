// Number formats of model files: IEEE half, bfloat16, and ggml's Q8_0 and Q4_0 blocks with
// their exact byte layouts, so that what we write llama.cpp reads, and what llama.cpp
// writes we read. Quantizers follow ggml's reference quantizers (ggml-quants.c,
// quantize_row_q8_0_ref / quantize_row_q4_0_ref) bit for bit, including their use of the
// fp32 scale's reciprocal while only the fp16-rounded scale is stored: a file we write is
// byte-identical to one llama.cpp would write from the same floats.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sb::llm {

// ---- scalar conversions --------------------------------------------------------------
// Round to nearest, ties to even; overflow gives ±inf, values below half the smallest
// subnormal give ±0, subnormals are produced exactly; NaN stays NaN (made quiet, as F16C
// hardware does).
std::uint16_t fp32_to_fp16(float f);
float fp16_to_fp32(std::uint16_t h);  // exact: every half is a float

// Round to nearest, ties to even (as ggml does; subnormals are rounded, not flushed).
// NaN stays NaN: the quiet bit is set so that truncating the payload cannot make it inf.
std::uint16_t fp32_to_bf16(float f);
float bf16_to_fp32(std::uint16_t h);  // exact

// ---- ggml blocks ---------------------------------------------------------------------
// Both formats cut a row into blocks of 32 consecutive values.
inline constexpr std::size_t kQBlock = 32;

// Q8_0, 34 bytes: fp16 scale d (little-endian), then 32 int8 q. value = q * d.
// d = amax / 127, q = round(x / d) (half away from zero), computed as x * (1/d) in fp32.
inline constexpr std::size_t kQ8_0BlockBytes = 2 + 32;
// Q4_0, 18 bytes: fp16 scale d, then 16 bytes of nibbles. Byte j holds element j in its
// low nibble and element j+16 in its high nibble. value = (q - 8) * d.
// With `max` the element of largest magnitude (sign kept; the first one on ties),
// d = max / -8 and q = min(15, trunc(x * (1/d) + 8.5)): max itself maps to q = 0 (-8·d),
// so the full -8 end of the range is used and +8·d clamps to 7·d.
inline constexpr std::size_t kQ4_0BlockBytes = 2 + 16;

// Row functions. n (the number of floats) must be a multiple of 32: InputError otherwise,
// as it is for a non-finite input value (its block would have no meaningful scale) and
// for an output span of the wrong size. Output size: n / 32 * block bytes.
void quantize_row_q8_0(std::span<const float> x, std::span<std::uint8_t> out);
void dequantize_row_q8_0(std::span<const std::uint8_t> in, std::span<float> y);
void quantize_row_q4_0(std::span<const float> x, std::span<std::uint8_t> out);
void dequantize_row_q4_0(std::span<const std::uint8_t> in, std::span<float> y);

// fp16 / bf16 rows, little-endian 2 bytes a value; sizes must match (InputError).
void fp32_to_fp16_row(std::span<const float> x, std::span<std::uint8_t> out);
void fp16_to_fp32_row(std::span<const std::uint8_t> in, std::span<float> y);
void fp32_to_bf16_row(std::span<const float> x, std::span<std::uint8_t> out);
void bf16_to_fp32_row(std::span<const std::uint8_t> in, std::span<float> y);

}  // namespace sb::llm
