// What the GGUF reader and writer share: type tables and metadata values.
#include <bit>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "stratbench/workloads/llm/gguf.hpp"

namespace sb::llm {

static_assert(std::endian::native == std::endian::little, "GGUF files are read and written little-endian");

bool is_supported_ggml_type(std::uint32_t t) {
  switch (static_cast<GgmlType>(t)) {
    case GgmlType::f32:
    case GgmlType::f16:
    case GgmlType::q4_0:
    case GgmlType::q8_0:
    case GgmlType::bf16: return true;
  }
  return false;
}

const char* to_string(GgmlType t) {
  switch (t) {
    case GgmlType::f32: return "F32";
    case GgmlType::f16: return "F16";
    case GgmlType::q4_0: return "Q4_0";
    case GgmlType::q8_0: return "Q8_0";
    case GgmlType::bf16: return "BF16";
  }
  return "?";
}

std::uint64_t block_elements(GgmlType t) { return t == GgmlType::q4_0 || t == GgmlType::q8_0 ? 32 : 1; }

std::uint64_t block_bytes(GgmlType t) {
  switch (t) {
    case GgmlType::f32: return 4;
    case GgmlType::f16:
    case GgmlType::bf16: return 2;
    case GgmlType::q4_0: return 18;
    case GgmlType::q8_0: return 34;
  }
  return 0;
}

const char* to_string(GgufType t) {
  switch (t) {
    case GgufType::u8: return "uint8";
    case GgufType::i8: return "int8";
    case GgufType::u16: return "uint16";
    case GgufType::i16: return "int16";
    case GgufType::u32: return "uint32";
    case GgufType::i32: return "int32";
    case GgufType::f32: return "float32";
    case GgufType::boolean: return "bool";
    case GgufType::string: return "string";
    case GgufType::array: return "array";
    case GgufType::u64: return "uint64";
    case GgufType::i64: return "int64";
    case GgufType::f64: return "float64";
  }
  return "?";
}

std::uint64_t gguf_scalar_size(GgufType t) {
  switch (t) {
    case GgufType::u8:
    case GgufType::i8:
    case GgufType::boolean: return 1;
    case GgufType::u16:
    case GgufType::i16: return 2;
    case GgufType::u32:
    case GgufType::i32:
    case GgufType::f32: return 4;
    case GgufType::u64:
    case GgufType::i64:
    case GgufType::f64: return 8;
    case GgufType::string:
    case GgufType::array: return 0;
  }
  return 0;
}

std::uint64_t GgufTensor::elements() const {
  std::uint64_t n = 1;
  for (auto d : dims) n *= d;  // the reader has proven this product does not overflow
  return n;
}

// ---- GgufValue -----------------------------------------------------------------------

GgufValue GgufValue::scalar(GgufType t, std::uint64_t bits) {
  if (gguf_scalar_size(t) == 0) throw std::invalid_argument("GgufValue::scalar: not a scalar type");
  GgufValue v;
  v.type = t;
  v.bits = bits;
  return v;
}
GgufValue GgufValue::u32(std::uint32_t x) { return scalar(GgufType::u32, x); }
GgufValue GgufValue::i32(std::int32_t x) { return scalar(GgufType::i32, static_cast<std::uint32_t>(x)); }
GgufValue GgufValue::u64(std::uint64_t x) { return scalar(GgufType::u64, x); }
GgufValue GgufValue::f32(float x) { return scalar(GgufType::f32, std::bit_cast<std::uint32_t>(x)); }
GgufValue GgufValue::boolean(bool x) { return scalar(GgufType::boolean, x ? 1 : 0); }

GgufValue GgufValue::string(std::string s) {
  GgufValue v;
  v.type = GgufType::string;
  v.str = std::move(s);
  return v;
}

GgufValue GgufValue::string_array(std::vector<std::string> s) {
  GgufValue v;
  v.type = GgufType::array;
  v.elem = GgufType::string;
  v.count = s.size();
  v.strings = std::move(s);
  return v;
}

namespace {
template <class T>
GgufValue numeric_array(GgufType elem, std::span<const T> xs) {
  GgufValue v;
  v.type = GgufType::array;
  v.elem = elem;
  v.count = xs.size();
  v.raw.resize(xs.size_bytes());
  if (!xs.empty()) std::memcpy(v.raw.data(), xs.data(), xs.size_bytes());
  return v;
}
}  // namespace

GgufValue GgufValue::f32_array(std::span<const float> xs) { return numeric_array(GgufType::f32, xs); }
GgufValue GgufValue::i32_array(std::span<const std::int32_t> xs) { return numeric_array(GgufType::i32, xs); }

bool GgufValue::is_integer() const {
  switch (type) {
    case GgufType::u8:
    case GgufType::i8:
    case GgufType::u16:
    case GgufType::i16:
    case GgufType::u32:
    case GgufType::i32:
    case GgufType::u64:
    case GgufType::i64: return true;
    default: return false;
  }
}

std::int64_t GgufValue::as_i64() const {
  switch (type) {
    case GgufType::i8: return static_cast<std::int8_t>(bits);
    case GgufType::i16: return static_cast<std::int16_t>(bits);
    case GgufType::i32: return static_cast<std::int32_t>(bits);
    default: return static_cast<std::int64_t>(bits);
  }
}

bool GgufValue::is_negative() const {
  const bool is_signed =
      type == GgufType::i8 || type == GgufType::i16 || type == GgufType::i32 || type == GgufType::i64;
  return is_signed && as_i64() < 0;
}

std::uint64_t GgufValue::as_u64() const { return is_negative() ? 0 : static_cast<std::uint64_t>(as_i64()); }

double GgufValue::as_f64() const {
  if (type == GgufType::f32) return std::bit_cast<float>(static_cast<std::uint32_t>(bits));
  if (type == GgufType::f64) return std::bit_cast<double>(bits);
  return 0;
}

std::string GgufValue::describe() const {
  std::ostringstream os;
  if (type == GgufType::string) {
    os << '"' << (str.size() > 60 ? str.substr(0, 57) + "..." : str) << '"';
  } else if (type == GgufType::array) {
    os << "[" << count << " " << to_string(elem) << (elem == GgufType::string ? "s" : " values") << "]";
  } else if (type == GgufType::boolean) {
    os << (bits ? "true" : "false");
  } else if (type == GgufType::f32 || type == GgufType::f64) {
    os << as_f64();
  } else if (is_negative()) {
    os << as_i64();
  } else {
    os << as_u64();
  }
  return os.str();
}

}  // namespace sb::llm
