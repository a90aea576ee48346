// GGUF: write -> read round trips for every storage type and metadata of every value type
// (hostile files: gguf_hostile_test.cpp).
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

// Readable parameters in test names and failure messages (found by ADL, so in sb::llm).
void PrintTo(WeightType t, std::ostream* os) { *os << to_string(t); }

namespace {

using test::parse_error;
using test::small_config;
using test::test_vocab;

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

}  // namespace
}  // namespace sb::llm
