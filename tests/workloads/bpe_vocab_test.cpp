// GPT-2-style BPE vocabularies in GGUF: the byte table, the keys llama.cpp reads, the round
// trip through a file, llama.cpp's merges-based BPE against this project's encoder, and
// hostile files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <unordered_map>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/bpe_vocab.hpp"
#include "stratbench/workloads/text/bpe_encoder.hpp"
#include "stratbench/workloads/text/bpe_trainer.hpp"
#include "text_test_util.hpp"

namespace sb::llm {
namespace {

using text::Encoding;

std::string sample_text() {
  std::ifstream in(std::string(STRATBENCH_SOURCE_DIR) + "/datasets/sample/sample.txt", std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const Encoding& trained(std::size_t vocab_size) {
  static std::map<std::size_t, Encoding> cache;
  auto it = cache.find(vocab_size);
  if (it == cache.end())
    it = cache.emplace(vocab_size, text::train_bpe(sample_text(), vocab_size).encoding("trained")).first;
  return it->second;
}

std::vector<std::uint32_t> ids_of(const Encoding& enc, std::string_view s) {
  text::Encoder e(enc, {text::MergeAlgo::heap, true});
  std::vector<std::uint32_t> ids;
  e.encode_ordinary(s, ids);
  return ids;
}

std::vector<std::uint8_t> gguf_bytes(const Encoding& enc) {
  GgufWriter w;
  set_gpt2_tokenizer(w, enc);
  return w.to_bytes();
}

TEST(BpeVocab, ByteTableIsGpt2s) {
  EXPECT_EQ(gpt2_bytes_to_unicode(" "), "\u0120");   // Ġ
  EXPECT_EQ(gpt2_bytes_to_unicode("\n"), "\u010A");  // Ċ
  EXPECT_EQ(gpt2_bytes_to_unicode(std::string(1, '\0')), "\u0100");
  EXPECT_EQ(gpt2_bytes_to_unicode("\x7F"), "\u0121");  // the 34th byte without a printable self
  EXPECT_EQ(gpt2_bytes_to_unicode("\xAD"), "\u0143");  // soft hyphen, the last: Ń
  EXPECT_EQ(gpt2_bytes_to_unicode("a~\xA1\xFF"), "a~\u00A1\u00FF");
  std::string all, back;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  ASSERT_TRUE(gpt2_unicode_to_bytes(gpt2_bytes_to_unicode(all), back));
  EXPECT_EQ(back, all);
  EXPECT_FALSE(gpt2_unicode_to_bytes(" ", back));       // a space is not a byte's character
  EXPECT_FALSE(gpt2_unicode_to_bytes("\u0144", back));  // one past the table
  EXPECT_FALSE(gpt2_unicode_to_bytes("\xC3", back));    // not UTF-8
  EXPECT_FALSE(gpt2_unicode_to_bytes("\u00AD", back));  // the soft hyphen itself is mapped away
}

TEST(BpeVocab, WritesTheKeysLlamaCppReadsWithTheirTypes) {
  const Encoding& enc = trained(600);
  const auto bytes = gguf_bytes(enc);
  const GgufFile f = GgufFile::from_memory(bytes, "v.gguf");
  auto type_of = [&](const char* k) { return f.find(k) ? f.find(k)->type : GgufType::f64; };
  EXPECT_EQ(f.get_string("tokenizer.ggml.model"), "gpt2");
  EXPECT_EQ(f.get_string("tokenizer.ggml.pre"), "gpt-2");
  const auto& tokens = f.get_string_array("tokenizer.ggml.tokens");
  const auto types = f.get_i32_array("tokenizer.ggml.token_type");
  const auto& merges = f.get_string_array("tokenizer.ggml.merges");
  ASSERT_EQ(tokens.size(), 600u);
  ASSERT_EQ(types.size(), 600u);
  ASSERT_EQ(merges.size(), 600u - 257);
  EXPECT_EQ(tokens[' '], "\u0120");
  EXPECT_EQ(tokens[599], "<|endoftext|>");
  EXPECT_EQ(types[599], 3);
  for (std::size_t i = 0; i < 599; ++i) ASSERT_EQ(types[i], 1) << i;
  const auto expected = text::derive_merges(enc.ranks(), "t");
  for (std::size_t i = 0; i < merges.size(); ++i) {
    ASSERT_EQ(merges[i], tokens[expected[i].left] + " " + tokens[expected[i].right]) << i;
    ASSERT_EQ(merges[i].find(' '), merges[i].rfind(' ')) << "one separator: " << merges[i];
  }
  // llama.cpp checks each key's type exactly (GGUFMeta::GKV): ids uint32, flags bool.
  EXPECT_EQ(type_of("tokenizer.ggml.bos_token_id"), GgufType::u32);
  EXPECT_EQ(type_of("tokenizer.ggml.eos_token_id"), GgufType::u32);
  EXPECT_EQ(f.get_u32("tokenizer.ggml.bos_token_id"), 599u);
  EXPECT_EQ(f.get_u32("tokenizer.ggml.eos_token_id"), 599u);
  EXPECT_EQ(type_of("tokenizer.ggml.add_bos_token"), GgufType::boolean);
  EXPECT_FALSE(f.get_bool("tokenizer.ggml.add_bos_token"));
  EXPECT_FALSE(f.get_bool("tokenizer.ggml.add_eos_token"));
}

TEST(BpeVocab, RoundTripsThroughAFileWithTheSameIds) {
  const Encoding& enc = trained(1000);
  const std::string path = ::testing::TempDir() + "/bpe-vocab-roundtrip.gguf";
  GgufWriter w;
  set_gpt2_tokenizer(w, enc);
  w.write(path);
  const GgufFile f = GgufFile::open(path);
  const Encoding back = encoding_from_gguf(f);
  EXPECT_EQ(back.name(), path);
  EXPECT_EQ(back.pattern(), text::Pattern::gpt2);
  EXPECT_EQ(back.n_vocab(), 1000u);
  EXPECT_EQ(back.specials(), enc.specials());
  ASSERT_EQ(back.ranks().size(), enc.ranks().size());
  for (std::uint32_t r = 0; r < enc.ranks().size(); ++r) ASSERT_EQ(back.ranks().bytes(r), enc.ranks().bytes(r));
  const std::string sample = sample_text();
  const auto ids = ids_of(enc, sample);
  EXPECT_EQ(ids_of(back, sample), ids);
  EXPECT_EQ(back.decode(ids), sample);
  text::Encoder e(back, {});
  std::vector<std::uint32_t> special;
  e.encode_with_special("a<|endoftext|>", special);
  EXPECT_EQ(special.back(), 999u);
}

// llama.cpp's BPE (llm_tokenizer_bpe_session) as it runs on the GGUF strings: the text's
// pieces in the byte-to-unicode form, one symbol per character, and repeatedly the
// adjacent pair whose merge has the lowest index (leftmost on ties); then each symbol's
// string is looked up among the tokens.
std::vector<std::uint32_t> llama_cpp_style_ids(const GgufFile& f, std::string_view text) {
  const auto& tokens = f.get_string_array("tokenizer.ggml.tokens");
  const auto& merges = f.get_string_array("tokenizer.ggml.merges");
  std::map<std::pair<std::string, std::string>, int> rank;
  for (std::size_t i = 0; i < merges.size(); ++i) {
    const std::size_t sp = merges[i].find(' ', 1);
    rank.emplace(std::make_pair(merges[i].substr(0, sp), merges[i].substr(sp + 1)), static_cast<int>(i));
  }
  std::unordered_map<std::string, std::uint32_t> id;
  for (std::size_t i = 0; i < tokens.size(); ++i) id.emplace(tokens[i], static_cast<std::uint32_t>(i));
  std::vector<std::uint32_t> out;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  for (const auto* end = p + text.size(); p < end;) {
    const unsigned char* q = text::next_piece(text::Pattern::gpt2, p, end);
    std::vector<std::string> sym;
    for (const unsigned char* c = p; c < q; ++c)
      sym.push_back(gpt2_bytes_to_unicode(std::string(1, static_cast<char>(*c))));
    p = q;
    for (;;) {
      int best = -1;
      std::size_t at = 0;
      for (std::size_t i = 0; i + 1 < sym.size(); ++i) {
        auto it = rank.find({sym[i], sym[i + 1]});
        if (it != rank.end() && (best < 0 || it->second < best)) best = it->second, at = i;
      }
      if (best < 0) break;
      sym[at] += sym[at + 1];
      sym.erase(sym.begin() + static_cast<std::ptrdiff_t>(at) + 1);
    }
    for (const auto& s : sym) out.push_back(id.at(s));
  }
  return out;
}

TEST(BpeVocab, LlamaCppStyleMergesGiveTiktokensIds) {
  const Encoding& enc = trained(1000);
  const auto bytes = gguf_bytes(enc);
  const GgufFile f = GgufFile::from_memory(bytes, "v.gguf");
  // A slice of the sample keeps the quadratic reference quick; it has every kind of piece.
  const std::string text = sample_text().substr(0, 60000) + " \xC3\xA9t\xC3\xA9  \t\n\n 12345 'll--";
  EXPECT_EQ(llama_cpp_style_ids(f, text), ids_of(enc, text));
}

TEST(BpeVocab, Gpt2sOwnVocabularyGivesGpt2sMerges) {
  SB_REQUIRE_VOCAB("gpt2");
  const Encoding& enc = Encoding::get("gpt2");
  const auto bytes = gguf_bytes(enc);
  const GgufFile f = GgufFile::from_memory(bytes, "gpt2.gguf");
  const auto& merges = f.get_string_array("tokenizer.ggml.merges");
  ASSERT_EQ(merges.size(), 50000u);
  // The first lines of GPT-2's merges.txt.
  const std::vector<std::string> first = {"\u0120 t", "\u0120 a", "h e", "i n", "r e", "o n", "\u0120t he"};
  EXPECT_EQ(std::vector<std::string>(merges.begin(), merges.begin() + 7), first);
  EXPECT_EQ(f.get_string_array("tokenizer.ggml.tokens").size(), 50257u);
  EXPECT_EQ(f.get_u32("tokenizer.ggml.eos_token_id"), 50256u);
  const Encoding back = encoding_from_gguf(f);
  const std::string text = sample_text().substr(0, 40000);
  EXPECT_EQ(ids_of(back, text), ids_of(enc, text));
  EXPECT_EQ(llama_cpp_style_ids(f, text.substr(0, 8000)), ids_of(enc, text.substr(0, 8000)));
}

std::string write_error(const Encoding& enc) {
  try {
    gguf_bytes(enc);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(BpeVocab, RefusesEncodingsItCannotWrite) {
  const text::RankTable& ranks = trained(300).ranks();
  const auto n = static_cast<std::uint32_t>(ranks.size());
  EXPECT_NE(write_error(Encoding::custom("c", text::Pattern::cl100k, ranks, {{"<|endoftext|>", n}}))
                .find("c: llama.cpp's 'gpt-2' pre-tokenizer splits text as Pattern::gpt2 only"),
            std::string::npos);
  EXPECT_NE(write_error(Encoding::custom("hole", text::Pattern::gpt2, ranks, {{"<|endoftext|>", n + 1}}))
                .find("hole: special token <|endoftext|> has id 300, but GGUF ids are array indices"),
            std::string::npos);
  EXPECT_NE(
      write_error(Encoding::custom("none", text::Pattern::gpt2, ranks, {{"<|end|>", n}})).find("has no <|endoftext|>"),
      std::string::npos);
  std::vector<std::string> tokens;
  tokens.reserve(257);
  for (int b = 0; b < 256; ++b) tokens.emplace_back(1, static_cast<char>(b));
  tokens.emplace_back("xyz");
  EXPECT_NE(write_error(Encoding::trained("nomerge", text::RankTable::from_tokens(tokens, "t")))
                .find("nomerge: rank 256 is not one merge of two lower ranks"),
            std::string::npos);
}

// ---- hostile files: each names the file and the key --------------------------------------

using Kvs = std::vector<std::pair<std::string, GgufValue>>;

const Kvs& good_kvs() {
  static const Kvs kvs = [] {
    const auto bytes = gguf_bytes(trained(300));
    return GgufFile::from_memory(bytes, "good.gguf").metadata();
  }();
  return kvs;
}

std::string read_error(const Kvs& kvs) {
  GgufWriter w;
  for (const auto& [k, v] : kvs) w.set(k, v);
  const auto bytes = w.to_bytes();
  try {
    encoding_from_gguf(GgufFile::from_memory(bytes, "bad.gguf"));
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

Kvs without(const std::string& key) {
  Kvs kvs;
  for (const auto& kv : good_kvs())
    if (kv.first != key) kvs.push_back(kv);
  return kvs;
}

Kvs with(const std::string& key, const GgufValue& v) {
  Kvs kvs = good_kvs();
  for (auto& kv : kvs)
    if (kv.first == key) kv.second = v;
  return kvs;
}

GgufValue strings_edited(const std::string& key, const std::function<void(std::vector<std::string>&)>& edit) {
  for (const auto& [k, v] : good_kvs())
    if (k == key) {
      std::vector<std::string> s = v.strings;
      edit(s);
      return GgufValue::string_array(std::move(s));
    }
  return {};
}

#define EXPECT_ERROR(kvs, text)                                           \
  do {                                                                    \
    const std::string e_ = read_error(kvs);                               \
    EXPECT_NE(e_.find(text), std::string::npos) << "got: " << e_;         \
    EXPECT_EQ(e_.rfind("bad.gguf: ", 0), 0u) << "names the file: " << e_; \
  } while (0)

TEST(BpeVocab, HostileFilesNameTheKey) {
  EXPECT_EQ(read_error(good_kvs()), "(no error)");
  EXPECT_ERROR(without("tokenizer.ggml.model"), "metadata key 'tokenizer.ggml.model' is missing");
  EXPECT_ERROR(with("tokenizer.ggml.model", GgufValue::string("llama")),
               "tokenizer.ggml.model is 'llama', expected 'gpt2'");
  EXPECT_ERROR(with("tokenizer.ggml.model", GgufValue::u32(2)), "'tokenizer.ggml.model' (byte ");
  EXPECT_ERROR(with("tokenizer.ggml.model", GgufValue::u32(2)), "is uint32, expected string");
  EXPECT_ERROR(without("tokenizer.ggml.pre"), "metadata key 'tokenizer.ggml.pre' is missing");
  EXPECT_ERROR(with("tokenizer.ggml.pre", GgufValue::string("llama3")),
               "tokenizer.ggml.pre is 'llama3', expected 'gpt-2'");
  EXPECT_ERROR(without("tokenizer.ggml.merges"), "metadata key 'tokenizer.ggml.merges' is missing");
  EXPECT_ERROR(with("tokenizer.ggml.tokens", GgufValue::i32_array(std::vector<std::int32_t>(300, 1))),
               "'tokenizer.ggml.tokens' (byte ");
  EXPECT_ERROR(with("tokenizer.ggml.token_type", GgufValue::i32_array(std::vector<std::int32_t>(299, 1))),
               "tokenizer.ggml.token_type has 299 entries for 300 tokens");
  std::vector<std::int32_t> types(300, 1);
  types[299] = 3;
  types[7] = 6;
  EXPECT_ERROR(with("tokenizer.ggml.token_type", GgufValue::i32_array(types)),
               "tokenizer.ggml.token_type[7] is 6; a GPT-2 vocabulary has normal (1) and control (3) tokens only");
  types[7] = 3;
  EXPECT_ERROR(with("tokenizer.ggml.token_type", GgufValue::i32_array(types)),
               "tokenizer.ggml.tokens[8] '\\xC4\\x88' is a normal token after the control token 7");
  EXPECT_ERROR(with("tokenizer.ggml.tokens", strings_edited("tokenizer.ggml.tokens", [](auto& t) { t[65] = "A "; })),
               "tokenizer.ggml.tokens[65] 'A ' is empty or has a character outside GPT-2's byte-to-unicode table");
  EXPECT_ERROR(with("tokenizer.ggml.tokens", strings_edited("tokenizer.ggml.tokens", [](auto& t) { t[66] = t[65]; })),
               "the token of rank 66 repeats the bytes of rank 65");
  EXPECT_ERROR(
      with("tokenizer.ggml.merges", strings_edited("tokenizer.ggml.merges", [](auto& m) { std::swap(m[0], m[1]); })),
      "tokenizer.ggml.merges[0] '");
  EXPECT_ERROR(
      with("tokenizer.ggml.merges", strings_edited("tokenizer.ggml.merges", [](auto& m) { std::swap(m[0], m[1]); })),
      "does not make token 256");
  EXPECT_ERROR(
      with("tokenizer.ggml.merges", strings_edited("tokenizer.ggml.merges", [](auto& m) { m[3] = "nospace"; })),
      "tokenizer.ggml.merges[3] 'nospace' is not two tokens in GPT-2's byte-to-unicode form");
  EXPECT_ERROR(with("tokenizer.ggml.merges", strings_edited("tokenizer.ggml.merges", [](auto& m) { m.pop_back(); })),
               "tokenizer.ggml.merges has 42 merges; the 299 normal tokens need 43");
  EXPECT_ERROR(with("tokenizer.ggml.bos_token_id", GgufValue::u32(300)),
               "tokenizer.ggml.bos_token_id = 300 is not a token id (300 tokens)");
  EXPECT_ERROR(with("tokenizer.ggml.eos_token_id", GgufValue::string("x")), "is string, expected an integer");
}

TEST(BpeVocab, AMergeWithTheRightBytesButAnotherSplitIsRefused) {
  // Tokens ab, bc, abc: tiktoken makes abc from ab + c (ab ranks first). A file that says
  // "a bc" would make llama.cpp join a + bc, a split tiktoken never takes.
  std::vector<std::string> tokens;
  tokens.reserve(259);
  for (int b = 0; b < 256; ++b) tokens.emplace_back(1, static_cast<char>(b));
  for (const char* t : {"ab", "bc", "abc"}) tokens.emplace_back(t);
  const auto bytes = gguf_bytes(Encoding::trained("abc", text::RankTable::from_tokens(tokens, "t")));
  Kvs kvs = GgufFile::from_memory(bytes, "x").metadata();
  EXPECT_EQ(read_error(kvs), "(no error)");
  for (auto& [k, v] : kvs)
    if (k == "tokenizer.ggml.merges") v.strings[2] = "a bc";
  EXPECT_ERROR(kvs, "tokenizer.ggml.merges[2] 'a bc' does not make token 258 ('abc') from tokens 256 and 99");
}

}  // namespace
}  // namespace sb::llm
