// GGUF: hostile files, each of which must fail with an InputError naming the field, never
// crash or allocate what the file does not hold.
#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "gguf_test_util.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/gguf.hpp"
#include "stratbench/workloads/llm/llama_gguf.hpp"
#include "stratbench/workloads/llm/quant.hpp"

namespace sb::llm {
namespace {

using test::parse_error;
using test::small_config;
using test::test_vocab;

// ---- hostile files ------------------------------------------------------------------------

// Builds GGUF bytes field by field, so each test can lie in exactly one place.
struct Bytes {
  std::vector<std::uint8_t> b;
  Bytes& raw(const void* p, std::size_t n) {
    const auto* c = static_cast<const std::uint8_t*>(p);
    b.insert(b.end(), c, c + n);
    return *this;
  }
  Bytes& u32(std::uint32_t v) { return raw(&v, 4); }
  Bytes& u64(std::uint64_t v) { return raw(&v, 8); }
  Bytes& str(const std::string& s) { return u64(s.size()).raw(s.data(), s.size()); }
  Bytes& header(std::uint64_t tensors, std::uint64_t kvs, std::uint32_t version = 3) {
    return raw("GGUF", 4).u32(version).u64(tensors).u64(kvs);
  }
  Bytes& kv_u32(const std::string& key, std::uint32_t v) { return str(key).u32(4).u32(v); }
  // A tensor info; dims given, type and offset as told.
  Bytes& tensor(const std::string& name, std::vector<std::uint64_t> dims, std::uint32_t type, std::uint64_t offset) {
    str(name).u32(static_cast<std::uint32_t>(dims.size()));
    for (auto d : dims) u64(d);
    return u32(type).u64(offset);
  }
  Bytes& pad(std::size_t a = 32) {
    while (b.size() % a) b.push_back(0);
    return *this;
  }
  Bytes& zeros(std::size_t n) {
    b.insert(b.end(), n, 0);
    return *this;
  }
};

void expect_error(const Bytes& f, const std::vector<std::string>& parts) {
  const std::string e = parse_error(f.b);
  for (const auto& p : parts) EXPECT_NE(e.find(p), std::string::npos) << "expected '" << p << "' in: " << e;
}

TEST(GgufHostile, ValidBuilderFileParses) {
  Bytes f;
  f.header(2, 1).kv_u32("a.b", 7).tensor("w", {8, 2}, 0, 0).tensor("v", {32}, 8, 64).pad().zeros(64 + 34);
  const GgufFile g = GgufFile::from_memory(f.b);
  EXPECT_EQ(g.tensors().size(), 2u);
  EXPECT_EQ(g.tensor("v").bytes, 34u);
  EXPECT_EQ(g.tensor("w").elements(), 16u);
}

TEST(GgufHostile, HeaderLies) {
  Bytes magic;
  magic.raw("GGML", 4).u32(3).u64(0).u64(0);
  expect_error(magic, {"x.gguf: magic (byte 0)", "not a GGUF file"});
  Bytes tiny;
  tiny.raw("GG", 2);
  expect_error(tiny, {"magic (byte 0)", "too short"});
  Bytes v4;
  v4.header(0, 0, 4);
  expect_error(v4, {"version (byte 4)", "GGUF version 4 is not supported"});
  Bytes v1;
  v1.header(0, 0, 1);
  expect_error(v1, {"version (byte 4)", "version 1"});
  Bytes big_endian;
  big_endian.header(0, 0, 0x03000000u);
  expect_error(big_endian, {"big-endian"});
  Bytes short_header;
  short_header.raw("GGUF", 4).u32(3).u64(0);
  expect_error(short_header, {"kv_count (byte 16)", "needs 8 bytes"});
}

TEST(GgufHostile, HugeCountsFailFastWithoutAllocating) {
  const auto start = std::chrono::steady_clock::now();
  Bytes t;
  t.header(1ull << 60, 0).zeros(100);
  expect_error(t, {"tensor_count (byte 8)", "cannot fit"});
  Bytes k;
  k.header(0, 1ull << 60).zeros(100);
  expect_error(k, {"kv_count (byte 16)", "cannot fit"});
  Bytes both;
  both.header(3, 3).zeros(100);  // each fits alone, not together
  expect_error(both, {"kv_count (byte 16)"});
  Bytes arr;
  arr.header(0, 1).str("tokenizer.ggml.tokens").u32(9).u32(8).u64(1ull << 62).zeros(64);
  expect_error(arr, {"kv[0] 'tokenizer.ggml.tokens' array length (byte 61)", "need at least"});
  Bytes arr_u8;
  arr_u8.header(0, 1).str("a").u32(9).u32(0).u64(~0ull).zeros(8);
  expect_error(arr_u8, {"kv[0] 'a' array length"});
  // None of this may take long: nothing was allocated or scanned for the claimed sizes.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(GgufHostile, StringsPastTheEnd) {
  Bytes key;
  key.header(0, 1).u64(1000).raw("abc", 3).zeros(20);
  expect_error(key, {"kv[0] key length (byte 24)", "runs past the end"});
  Bytes huge_key;
  huge_key.header(0, 1).u64(1ull << 40).zeros(20);
  expect_error(huge_key, {"kv[0] key length (byte 24)", "exceeds 65535"});
  Bytes value;
  value.header(0, 1).str("k").u32(8).u64(500).zeros(10);
  expect_error(value, {"kv[0] 'k' string length", "runs past the end"});
  Bytes elem;
  elem.header(0, 1).str("k").u32(9).u32(8).u64(2).str("ok").u64(99).zeros(10);
  expect_error(elem, {"kv[0] 'k'[1] string length", "runs past the end"});
  Bytes name;
  name.header(1, 0).u64(65).raw(std::string(65, 'n').data(), 65).zeros(40);
  expect_error(name, {"tensor_info[0].name length (byte 24)", "exceeds 64"});
}

TEST(GgufHostile, BadValues) {
  Bytes type;
  type.header(0, 1).str("k").u32(13).zeros(16);
  expect_error(type, {"kv[0] 'k' value type (byte 33)", "unknown value type 13"});
  Bytes boolean;
  boolean.header(0, 1).str("k").u32(7).raw("\x02", 1).zeros(16);
  expect_error(boolean, {"kv[0] 'k' value (byte 37)", "must be 0 or 1"});
  Bytes nested;
  nested.header(0, 1).str("k").u32(9).u32(9).u64(1).zeros(16);
  expect_error(nested, {"kv[0] 'k' array type (byte 37)", "nested arrays are not supported"});
  Bytes dup;
  dup.header(0, 2).kv_u32("k", 1).kv_u32("k", 2).zeros(16);
  expect_error(dup, {"kv[1] 'k'", "duplicate key (first at kv[0])"});
  Bytes empty_key;
  empty_key.header(0, 1).str("").u32(4).u32(1).zeros(16);
  expect_error(empty_key, {"kv[0] key", "empty key"});
  Bytes align;
  align.header(0, 1).kv_u32("general.alignment", 24).zeros(16);
  expect_error(align, {"kv[0] 'general.alignment'", "not a power of two"});
  Bytes align_type;
  align_type.header(0, 1).str("general.alignment").u32(10).u64(32).zeros(16);
  expect_error(align_type, {"'general.alignment'", "must be uint32, found uint64"});
}

TEST(GgufHostile, TensorInfoLies) {
  Bytes dims5;
  dims5.header(1, 0).tensor("w", {1, 1, 1, 1, 1}, 0, 0).pad().zeros(64);
  expect_error(dims5, {"tensor_info[0].n_dims (byte 33)", "n_dims 5 is not in 1..4"});
  Bytes dims0;
  dims0.header(1, 0).str("w").u32(0).u32(0).u64(0).pad().zeros(64);
  expect_error(dims0, {"tensor_info[0].n_dims", "n_dims 0"});
  Bytes zero;
  zero.header(1, 0).tensor("w", {4, 0}, 0, 0).pad().zeros(64);
  expect_error(zero, {"tensor_info[0].dims[1]", "dimension is 0"});
  Bytes overflow;
  overflow.header(1, 0).tensor("w", {1ull << 32, 1ull << 32}, 0, 0).pad().zeros(64);
  expect_error(overflow, {"tensor_info[0].dims[1]", "overflows"});
  Bytes wraps;  // 2^62 F32 elements fit in int64, their 2^64 bytes do not fit in uint64
  wraps.header(1, 0).tensor("w", {1ull << 62}, 0, 0).pad().zeros(64);
  expect_error(wraps, {"tensor_info[0].dims (byte 37)", "byte size of tensor 'w'", "overflows uint64"});
  Bytes unsupported;
  unsupported.header(1, 0).tensor("blk.0.attn_q.weight", {256}, 12, 0).pad().zeros(256);
  expect_error(unsupported, {"tensor_info[0].type", "unsupported tensor type 12 in tensor 'blk.0.attn_q.weight'"});
  Bytes block;
  block.header(1, 0).tensor("w", {33}, 8, 0).pad().zeros(64);
  expect_error(block, {"tensor_info[0].dims[0]", "not a multiple of the Q8_0 block of 32"});
  Bytes misaligned;
  misaligned.header(1, 0).tensor("w", {4}, 0, 8).pad().zeros(64);
  expect_error(misaligned, {"tensor_info[0].offset", "offset 8 of tensor 'w' is not a multiple of the alignment 32"});
  Bytes past;
  past.header(2, 0).tensor("a", {4}, 0, 0).tensor("b", {4}, 0, 4096).pad().zeros(64);
  expect_error(past, {"tensor_info[1].offset (byte ", "tensor 'b' needs bytes 4096..4096+16"});
  Bytes huge_off;
  huge_off.header(1, 0).tensor("a", {4}, 0, ~0ull - 31).pad().zeros(64);
  expect_error(huge_off, {"tensor_info[0].offset"});
  Bytes dup;
  dup.header(2, 0).tensor("a", {4}, 0, 0).tensor("a", {4}, 0, 32).pad().zeros(64);
  expect_error(dup, {"tensor_info[1].name", "duplicate tensor name 'a' (first at tensor_info[0])"});
  Bytes overlap;
  overlap.header(2, 0).tensor("a", {16}, 0, 0).tensor("b", {4}, 0, 32).pad().zeros(128);
  expect_error(overlap, {"tensor_info[1].offset", "overlaps tensor 'a'"});
  Bytes no_data;
  no_data.header(1, 0).tensor("a", {4}, 0, 0);  // infos end the file: no data section at all
  expect_error(no_data, {"tensor data (byte 57)", "past the end of the file (57 bytes)"});
}

TEST(GgufHostile, FilesOnDisk) {
  const std::string dir = testing::TempDir() + "/gguf-disk";
  std::filesystem::create_directories(dir);
  EXPECT_THROW(GgufFile::open(dir + "/missing.gguf"), InputError);
  EXPECT_THROW(GgufFile::open(dir), InputError);
  std::ofstream(dir + "/empty.gguf").close();
  try {
    GgufFile::open(dir + "/empty.gguf");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("empty.gguf: magic (byte 0): the file is 0 bytes"), std::string::npos);
  }
}

// The smallest real model file: every field kind, a little of each tensor type.
std::vector<std::uint8_t> small_model_file() {
  ModelConfig c;
  c.name = "fuzz";
  c.dim = 32, c.n_layers = 1, c.n_heads = 2, c.n_kv_heads = 1, c.hidden_dim = 32, c.vocab_size = 64, c.max_seq_len = 16;
  return llama_gguf_writer(c, 1, WeightType::q4_0, test_vocab()).to_bytes();
}

TEST(GgufHostile, EveryTruncationIsAnInputError) {
  const std::vector<std::uint8_t> full = small_model_file();
  const GgufFile f = GgufFile::from_memory(full);
  // Only the zero padding after the last tensor may go without harm.
  std::uint64_t data_end = 0;
  for (const auto& t : f.tensors()) data_end = std::max(data_end, f.data_offset() + t.offset + t.bytes);
  for (std::size_t n = 0; n < full.size(); ++n) {
    // A copy of exactly n bytes, so that ASan would see any read past its end.
    const std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    try {
      GgufFile::from_memory(cut);
      ASSERT_GE(n, data_end) << "a file truncated to " << n << " bytes parsed";
    } catch (const InputError&) {
      ASSERT_LT(n, data_end) << "a file truncated to " << n << " bytes (only padding lost) was refused";
    }
  }
}

TEST(GgufHostile, CorruptingAnyHeaderByteIsSafe) {
  const std::vector<std::uint8_t> full = small_model_file();
  const std::uint64_t header_end = GgufFile::from_memory(full).data_offset();
  std::size_t refused = 0;
  for (std::size_t i = 0; i < header_end; ++i)
    for (std::uint8_t v : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      std::vector<std::uint8_t> bad = full;
      if (bad[i] == v) continue;
      bad[i] = v;
      try {
        const GgufFile g = GgufFile::from_memory(bad);
        for (const auto& t : g.tensors()) ASSERT_LE(t.data + t.bytes, bad.data() + bad.size());
      } catch (const InputError&) {
        ++refused;
      }
    }
  EXPECT_GT(refused, header_end);  // most corruptions are caught (the rest change a value)
}

}  // namespace
}  // namespace sb::llm
