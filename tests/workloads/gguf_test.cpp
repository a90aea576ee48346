// GGUF: write -> read round trips for every storage type, metadata of every value type,
// and hostile files (each must fail with an InputError naming the field, never crash or
// allocate what the file does not hold).
#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/gguf.hpp"
#include "stratbench/workloads/llm/llama_gguf.hpp"
#include "stratbench/workloads/llm/quant.hpp"

namespace sb::llm {

// Readable parameters in test names and failure messages (found by ADL, so in sb::llm).
void PrintTo(WeightType t, std::ostream* os) { *os << to_string(t); }

namespace {

std::string data_path(const std::string& name) { return std::string(STRATBENCH_TEST_DATA_DIR) + "/" + name; }

ModelConfig small_config() {
  ModelConfig c;
  c.name = "test";
  c.dim = 64, c.n_layers = 2, c.n_heads = 4, c.n_kv_heads = 2, c.hidden_dim = 96, c.vocab_size = 64, c.max_seq_len = 32;
  return c;
}

const Vocab& test_vocab() {
  static const Vocab v = load_vocab_jsonl(data_path("vocab-64.jsonl"));
  return v;
}

std::string parse_error(std::span<const std::uint8_t> bytes, const std::string& name = "x.gguf") {
  try {
    GgufFile::from_memory(bytes, name);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(parsed without error)";
}

// ---- round trips -------------------------------------------------------------------------

class GgufRoundTrip : public testing::TestWithParam<WeightType> {};

TEST_P(GgufRoundTrip, WriteThenReadIsBitIdentical) {
  const WeightType wt = GetParam();
  const ModelConfig c = small_config();
  const GgufWriter w = llama_gguf_writer(c, 42, wt, test_vocab());
  const std::vector<std::uint8_t> bytes = w.to_bytes();
  EXPECT_EQ(bytes.size(), w.file_size());

  // The file on disk is the same bytes, and reads the same through the mapping.
  const std::string path = testing::TempDir() + "/roundtrip-" + to_string(wt) + ".gguf";
  w.write(path);
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> on_disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(on_disk, bytes);

  for (const bool mapped : {false, true}) {
    const GgufFile f = mapped ? GgufFile::open(path) : GgufFile::from_memory(bytes, "mem.gguf");
    EXPECT_EQ(f.version(), 3u);
    EXPECT_EQ(f.alignment(), 32u);
    EXPECT_EQ(f.data_offset() % 32, 0u);
    EXPECT_EQ(f.get_string("general.architecture"), "llama");
    EXPECT_EQ(f.get_u32("general.file_type"), llama_file_type(wt));
    EXPECT_EQ(f.get_u32("llama.block_count"), 2u);
    EXPECT_EQ(f.get_u32("llama.rope.dimension_count"), 16u);
    EXPECT_EQ(f.get_u32("tokenizer.ggml.bos_token_id"), 1u);
    EXPECT_EQ(f.get_u64("stratbench.seed"), 42u);
    EXPECT_EQ(f.get_string_array("tokenizer.ggml.tokens"), test_vocab().pieces);
    EXPECT_EQ(f.get_f32_array("tokenizer.ggml.scores"), test_vocab().scores);
    EXPECT_EQ(f.get_i32_array("tokenizer.ggml.token_type"), test_vocab().types);
    EXPECT_TRUE(f.get_bool("tokenizer.ggml.add_bos_token"));

    const ModelConfig back = llama_config_from_gguf(f);
    EXPECT_EQ(back.name, "test");
    EXPECT_EQ(back.dim, c.dim);
    EXPECT_EQ(back.n_layers, c.n_layers);
    EXPECT_EQ(back.n_heads, c.n_heads);
    EXPECT_EQ(back.n_kv_heads, c.n_kv_heads);
    EXPECT_EQ(back.hidden_dim, c.hidden_dim);
    EXPECT_EQ(back.vocab_size, c.vocab_size);
    EXPECT_EQ(back.max_seq_len, c.max_seq_len);
    EXPECT_EQ(back.norm_eps, c.norm_eps);
    EXPECT_EQ(back.rope_theta, c.rope_theta);
    EXPECT_FALSE(back.tied_embeddings);
    EXPECT_NO_THROW(check_llama_tensors(f, back));

    const auto specs = llama_tensor_specs(c);
    ASSERT_EQ(f.tensors().size(), specs.size());
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const GgufTensor& t = f.tensors()[i];
      const GgmlType type = storage_type(wt, specs[i], false);
      EXPECT_EQ(t.name, specs[i].name);
      EXPECT_EQ(t.type, type) << t.name;
      EXPECT_EQ(t.dims, specs[i].dims) << t.name;
      EXPECT_EQ(t.offset % 32, 0u);
      const std::vector<float> values = synthetic_tensor(specs[i], 42);
      const std::vector<std::uint8_t> want = encode_tensor(type, values);
      ASSERT_EQ(t.bytes, want.size()) << t.name;
      EXPECT_EQ(std::memcmp(t.data, want.data(), want.size()), 0) << t.name << " differs";
      // And decoding gives the values back, up to the format's rounding.
      const std::vector<float> got = decode_tensor(t);
      double err = 0, norm = 0;
      for (std::size_t k = 0; k < values.size(); ++k) {
        err += (static_cast<double>(got[k]) - values[k]) * (static_cast<double>(got[k]) - values[k]);
        norm += static_cast<double>(values[k]) * values[k];
      }
      const double limit = type == GgmlType::f32    ? 0
                           : type == GgmlType::q4_0 ? 0.25
                           : type == GgmlType::q8_0 ? 0.02
                                                    : 0.01;
      EXPECT_LE(std::sqrt(err / norm), limit) << t.name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllTypes, GgufRoundTrip,
                         testing::Values(WeightType::f32, WeightType::f16, WeightType::bf16, WeightType::q8_0,
                                         WeightType::q4_0),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(GgufModel, StorageTypesPerRole) {
  const ModelConfig c = small_config();
  const auto specs = llama_tensor_specs(c);
  const TensorSpec& embd = specs[0];
  const TensorSpec& norm = specs[1];
  const TensorSpec& q = specs[2];
  const TensorSpec& head = specs.back();
  EXPECT_EQ(storage_type(WeightType::q4_0, q, false), GgmlType::q4_0);
  EXPECT_EQ(storage_type(WeightType::q4_0, embd, false), GgmlType::q4_0);
  EXPECT_EQ(storage_type(WeightType::q4_0, head, false), GgmlType::q8_0);
  EXPECT_EQ(storage_type(WeightType::q4_0, embd, true), GgmlType::q8_0);  // tied: the embedding is the head
  EXPECT_EQ(storage_type(WeightType::q4_0, norm, false), GgmlType::f32);
  EXPECT_EQ(storage_type(WeightType::bf16, norm, false), GgmlType::f32);
  EXPECT_EQ(storage_type(WeightType::bf16, head, false), GgmlType::bf16);
  EXPECT_EQ(storage_type(WeightType::f16, embd, false), GgmlType::f16);
  EXPECT_EQ(storage_type(WeightType::q8_0, head, false), GgmlType::q8_0);
  EXPECT_EQ(llama_file_type(WeightType::f32), 0u);
  EXPECT_EQ(llama_file_type(WeightType::f16), 1u);
  EXPECT_EQ(llama_file_type(WeightType::q4_0), 2u);
  EXPECT_EQ(llama_file_type(WeightType::q8_0), 7u);
  EXPECT_EQ(llama_file_type(WeightType::bf16), 32u);
  EXPECT_THROW(parse_weight_type("q4_k"), InputError);
}

TEST(GgufModel, TiedEmbeddingsOmitTheHeadAndSeedsAreDeterministic) {
  ModelConfig c = small_config();
  c.tied_embeddings = true;
  const auto a = llama_gguf_writer(c, 9, WeightType::q4_0, test_vocab()).to_bytes();
  EXPECT_EQ(a, llama_gguf_writer(c, 9, WeightType::q4_0, test_vocab()).to_bytes());
  EXPECT_NE(a, llama_gguf_writer(c, 10, WeightType::q4_0, test_vocab()).to_bytes());
  const GgufFile f = GgufFile::from_memory(a);
  EXPECT_EQ(f.find_tensor("output.weight"), nullptr);
  EXPECT_EQ(f.tensor("token_embd.weight").type, GgmlType::q8_0);
  EXPECT_TRUE(llama_config_from_gguf(f).tied_embeddings);
}

TEST(GgufModel, VocabularyMustMatchTheConfig) {
  ModelConfig c = small_config();
  c.vocab_size = 65;
  EXPECT_THROW(llama_gguf_writer(c, 1, WeightType::f32, test_vocab()), InputError);
}

TEST(GgufModel, ConfigFromAFileNamesMissingKeysAndBadShapes) {
  GgufWriter w;
  w.set("general.architecture", GgufValue::string("gpt2"));
  auto bytes = w.to_bytes();
  EXPECT_NE(std::string(parse_error(bytes)).find("(parsed"), std::string::npos);
  try {
    llama_config_from_gguf(GgufFile::from_memory(bytes, "g.gguf"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "g.gguf: general.architecture is 'gpt2', expected 'llama'");
  }
  GgufWriter l;
  l.set("general.architecture", GgufValue::string("llama"));
  l.set("llama.embedding_length", GgufValue::string("wide"));
  bytes = l.to_bytes();
  try {
    llama_config_from_gguf(GgufFile::from_memory(bytes, "l.gguf"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("l.gguf: kv[1] 'llama.embedding_length' (byte "), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("is string, expected an integer"), std::string::npos) << e.what();
  }
  // A shape mismatch names the tensor.
  const auto good = llama_gguf_writer(small_config(), 1, WeightType::f32, test_vocab()).to_bytes();
  const GgufFile f = GgufFile::from_memory(good, "m.gguf");
  ModelConfig other = small_config();
  other.hidden_dim = 128;
  try {
    check_llama_tensors(f, other);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "m.gguf: tensor 'blk.0.ffn_gate.weight' has dims [64, 96], expected [64, 128]");
  }
  other = small_config();
  other.n_layers = 1000000000;  // must fail on the count, not build a billion tensor specs
  EXPECT_THROW(check_llama_tensors(f, other), InputError);
}

// ---- metadata of every type ----------------------------------------------------------------

TEST(GgufMetadata, EveryValueTypeRoundTrips) {
  GgufWriter w(64);
  w.set("t.u8", GgufValue::scalar(GgufType::u8, 0xfe));
  w.set("t.i8", GgufValue::scalar(GgufType::i8, 0x80));  // -128
  w.set("t.u16", GgufValue::scalar(GgufType::u16, 0xfffe));
  w.set("t.i16", GgufValue::scalar(GgufType::i16, 0xffff));  // -1
  w.set("t.u32", GgufValue::u32(4000000000u));
  w.set("t.i32", GgufValue::i32(-5));
  w.set("t.f32", GgufValue::f32(1.5f));
  w.set("t.bool", GgufValue::boolean(true));
  w.set("t.str", GgufValue::string(std::string("a\0b", 3)));
  w.set("t.empty_str", GgufValue::string(""));
  w.set("t.u64", GgufValue::u64(0xffffffffffffffffull));
  w.set("t.i64", GgufValue::scalar(GgufType::i64, static_cast<std::uint64_t>(-7ll)));
  w.set("t.f64", GgufValue::scalar(GgufType::f64, std::bit_cast<std::uint64_t>(-0.25)));
  w.set("t.strs", GgufValue::string_array({"x", "", "yz"}));
  w.set("t.empty_arr", GgufValue::string_array({}));
  const float fs[] = {1.f, -2.f};
  w.set("t.f32s", GgufValue::f32_array(fs));
  GgufValue bools;
  bools.type = GgufType::array, bools.elem = GgufType::boolean, bools.count = 3, bools.raw = {1, 0, 1};
  w.set("t.bools", bools);
  GgufValue u16s;
  u16s.type = GgufType::array, u16s.elem = GgufType::u16, u16s.count = 2, u16s.raw = {1, 0, 0xff, 0xff};
  w.set("t.u16s", u16s);
  w.set("t.u8", GgufValue::scalar(GgufType::u8, 0xfd));  // replaces, keeps its place
  const auto bytes = w.to_bytes();
  const GgufFile f = GgufFile::from_memory(bytes);
  EXPECT_EQ(f.alignment(), 64u);
  ASSERT_EQ(f.metadata().size(), 19u);  // 18 set + general.alignment
  EXPECT_EQ(f.metadata()[0].first, "t.u8");
  EXPECT_EQ(f.metadata().back().first, "general.alignment");
  EXPECT_EQ(f.get_u32("t.u8"), 0xfdu);
  EXPECT_EQ(f.find("t.i8")->as_i64(), -128);
  EXPECT_EQ(f.get_u32("t.u16"), 0xfffeu);
  EXPECT_EQ(f.find("t.i16")->as_i64(), -1);
  EXPECT_EQ(f.get_u32("t.u32"), 4000000000u);
  EXPECT_EQ(f.find("t.i32")->as_i64(), -5);
  EXPECT_EQ(f.get_f32("t.f32"), 1.5f);
  EXPECT_TRUE(f.get_bool("t.bool"));
  EXPECT_EQ(f.get_string("t.str"), std::string("a\0b", 3));
  EXPECT_EQ(f.get_string("t.empty_str"), "");
  EXPECT_EQ(f.get_u64("t.u64"), 0xffffffffffffffffull);
  EXPECT_EQ(f.find("t.i64")->as_i64(), -7);
  EXPECT_EQ(f.get_f32("t.f64"), -0.25f);
  EXPECT_EQ(f.get_string_array("t.strs"), (std::vector<std::string>{"x", "", "yz"}));
  EXPECT_TRUE(f.get_string_array("t.empty_arr").empty());
  EXPECT_EQ(f.get_f32_array("t.f32s"), (std::vector<float>{1.f, -2.f}));
  EXPECT_EQ(f.get_array("t.bools", GgufType::boolean).raw, (std::vector<std::uint8_t>{1, 0, 1}));
  EXPECT_EQ(f.get_array("t.u16s", GgufType::u16).raw, (std::vector<std::uint8_t>{1, 0, 0xff, 0xff}));
  // Typed getters refuse what does not fit, naming the key.
  EXPECT_THROW(f.get_u32("t.u64"), InputError);
  EXPECT_THROW(f.get_u64("t.i32"), InputError);
  EXPECT_THROW(f.get_string("t.u32"), InputError);
  EXPECT_THROW(f.get_f32("t.u32"), InputError);
  EXPECT_THROW(f.get_i32_array("t.f32s"), InputError);
  EXPECT_THROW(f.get_string("no.such.key"), InputError);
  EXPECT_THROW(f.tensor("nope"), InputError);
  EXPECT_EQ(f.find("t.strs")->describe(), "[3 strings]");
  EXPECT_EQ(f.find("t.str")->describe(), std::string("\"a\0b\"", 5));
}

TEST(GgufWriterTest, RefusesWhatNoReaderWouldTake) {
  GgufWriter w;
  EXPECT_THROW(w.set("", GgufValue::u32(1)), std::invalid_argument);
  EXPECT_THROW(w.set("general.alignment", GgufValue::u32(64)), std::invalid_argument);
  GgufValue nested;
  nested.type = GgufType::array, nested.elem = GgufType::array;
  EXPECT_THROW(w.set("n", nested), std::invalid_argument);
  EXPECT_THROW(w.add_tensor("a", GgmlType::q8_0, {33}, std::vector<std::uint8_t>(34)), std::invalid_argument);
  EXPECT_THROW(w.add_tensor("a", GgmlType::f32, {}, std::vector<std::uint8_t>()), std::invalid_argument);
  EXPECT_THROW(w.add_tensor("a", GgmlType::f32, {1, 1, 1, 1, 1}, std::vector<std::uint8_t>(4)), std::invalid_argument);
  EXPECT_THROW(w.add_tensor(std::string(65, 'n'), GgmlType::f32, {1}, std::vector<std::uint8_t>(4)),
               std::invalid_argument);
  w.add_tensor("a", GgmlType::f32, {2}, std::vector<std::uint8_t>(8));
  EXPECT_THROW(w.add_tensor("a", GgmlType::f32, {2}, std::vector<std::uint8_t>(8)), std::invalid_argument);
  EXPECT_THROW(GgufWriter(24), std::invalid_argument);
}

TEST(GgufWriterTest, WritesAtomically) {
  const std::string dir = testing::TempDir() + "/gguf-atomic";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/m.gguf";
  GgufWriter good;
  good.add_tensor("a", GgmlType::f32, {2}, std::vector<std::uint8_t>(8, 1));
  good.write(path);
  const auto size = std::filesystem::file_size(path);
  // A producer that lies about its size: nothing replaces the good file, nothing is left.
  GgufWriter bad;
  bad.add_tensor("a", GgmlType::f32, {2}, [] { return std::vector<std::uint8_t>(7); });
  EXPECT_THROW(bad.write(path), std::logic_error);
  EXPECT_EQ(std::filesystem::file_size(path), size);
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1);
  EXPECT_THROW(good.write(dir + "/no/such/dir/m.gguf"), InputError);
}

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
