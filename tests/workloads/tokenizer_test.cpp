// The tokenizer's parts and its behaviour on hostile input: Unicode classes, rank files,
// safe split points, threads, invalid UTF-8, NUL bytes, empty input, huge lines and pieces.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/text/bpe_encoder.hpp"
#include "stratbench/workloads/text/unicode_class.hpp"
#include "text_test_util.hpp"

namespace sb::text {
namespace {

TEST(UnicodeClass, MatchesTheCategoriesThePatternsTest) {
  EXPECT_EQ(char_class(U'A'), CharClass::letter);
  EXPECT_EQ(char_class(U'\u01C5'), CharClass::letter);  // ǅ, titlecase (Lt)
  EXPECT_EQ(char_class(U'\u02B0'), CharClass::letter);  // ʰ, modifier letter (Lm)
  EXPECT_EQ(char_class(U'\u4E2D'), CharClass::letter);  // 中 (Lo, inside a First/Last range)
  EXPECT_EQ(char_class(U'\uAC00'), CharClass::letter);  // 가, Hangul range start
  EXPECT_EQ(char_class(U'\u0663'), CharClass::number);  // ٣, Arabic-Indic digit (Nd)
  EXPECT_EQ(char_class(U'\u2160'), CharClass::number);  // Ⅰ (Nl)
  EXPECT_EQ(char_class(U'\u00BD'), CharClass::number);  // ½ (No)
  EXPECT_EQ(char_class(U'\u0085'), CharClass::space);
  EXPECT_EQ(char_class(U'\u00A0'), CharClass::space);
  EXPECT_EQ(char_class(U'\u3000'), CharClass::space);
  EXPECT_EQ(char_class(U'\u2028'), CharClass::space);
  EXPECT_EQ(char_class(U'\u200B'), CharClass::other);  // zero width space is not White_Space
  EXPECT_EQ(char_class(U'\u0301'), CharClass::other);  // combining mark (Mn)
  EXPECT_EQ(char_class(U'\U0001F600'), CharClass::other);
  EXPECT_EQ(char_class(U'\U0001D518'), CharClass::letter);  // 𝔘, astral letter
  EXPECT_EQ(char_class(0x110000), CharClass::other);
}

TEST(Utf8, InvalidSequencesDecodeAsSingleInvalidBytes) {
  auto len = [](std::string s, char32_t& cp) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    return decode_utf8(p, p + s.size(), cp);
  };
  char32_t cp;
  EXPECT_EQ(len("\xC3\xA9", cp), 2);
  EXPECT_EQ(cp, U'é');
  EXPECT_EQ(len("\xC0\xAF", cp), 1);  // overlong
  EXPECT_EQ(cp, kInvalid);
  EXPECT_EQ(len("\xED\xA0\x80", cp), 1);  // surrogate
  EXPECT_EQ(cp, kInvalid);
  EXPECT_EQ(len("\xF4\x90\x80\x80", cp), 1);  // past U+10FFFF
  EXPECT_EQ(len("\xE2\x82", cp), 1);          // truncated
  EXPECT_EQ(len("\x80", cp), 1);              // lone continuation
  EXPECT_TRUE(is_valid_utf8("h\xC3\xA9llo", 6));
  EXPECT_FALSE(is_valid_utf8("h\xC3", 2));
}

// --- rank files -----------------------------------------------------------------------

std::string all_bytes_ranks() {
  // The 256 single bytes as ranks 0..255, in the .tiktoken format.
  static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s;
  for (int b = 0; b < 256; ++b) {
    s += b64[b >> 2];
    s += b64[(b & 3) << 4];
    s += "== " + std::to_string(b) + "\n";
  }
  return s;
}

std::string parse_error(const std::string& content, std::size_t expected = 0) {
  try {
    RankTable::parse(content, "r.tiktoken", expected);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(RankTable, ParsesAValidFileAndFindsTokens) {
  RankTable t = RankTable::parse(all_bytes_ranks() + "aGk= 256\n", "r.tiktoken");  // "hi"
  EXPECT_EQ(t.size(), 257u);
  EXPECT_EQ(t.find(reinterpret_cast<const unsigned char*>("hi"), 2), 256u);
  EXPECT_EQ(t.find(reinterpret_cast<const unsigned char*>("ih"), 2), RankTable::kNone);
  EXPECT_EQ(t.byte_rank('h'), static_cast<std::uint32_t>('h'));
  EXPECT_EQ(t.bytes(256), "hi");
}

TEST(RankTable, CorruptFilesNameTheLine) {
  const std::string good = all_bytes_ranks();
  EXPECT_NE(parse_error(good + "aGk= 256").find("r.tiktoken:257: the last line has no newline"), std::string::npos);
  EXPECT_NE(parse_error(good + "aG!= 256\n").find("r.tiktoken:257: the token 'aG!=' is not valid base64"),
            std::string::npos);
  EXPECT_NE(parse_error(good + "aGk=256\n").find(":257: expected '<base64 token> <rank>'"), std::string::npos);
  EXPECT_NE(parse_error(good + "aGk= x1\n").find(":257: the rank 'x1' is not a non-negative integer"),
            std::string::npos);
  EXPECT_NE(parse_error(good + "aGk= 7\n").find(":257: rank 7 was already given on line 8"), std::string::npos);
  EXPECT_NE(parse_error(good + "aGk= 257\n").find("rank 256 is missing"), std::string::npos);
  EXPECT_NE(
      parse_error(good + "aGk= 256\naGk= 257\n").find(":258: the token of rank 257 repeats the bytes of rank 256"),
      std::string::npos);
  EXPECT_NE(parse_error(good + "\n").find(":257: empty line"), std::string::npos);
  EXPECT_NE(parse_error(good + "aGk= 99999999999\n").find("implausibly large"), std::string::npos);
  EXPECT_NE(parse_error(good, 50256).find("has 256 ranks, expected 50256"), std::string::npos);
  EXPECT_NE(parse_error("").find("no ranks"), std::string::npos);
  // Byte 0x41 ('A') given twice under different ranks, so one byte has no token.
  std::string missing = good;
  missing.replace(missing.find("AA== 0\n"), 7, "aGk= 0\n");
  EXPECT_NE(parse_error(missing).find("no token for the single byte 0"), std::string::npos);
  EXPECT_NE(parse_error("\x01\xff\n").find("r.tiktoken:1:"), std::string::npos);
}

TEST(RankTable, LoadNamesAMissingFile) {
  try {
    RankTable::load("/nonexistent/gpt2.tiktoken");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/gpt2.tiktoken: cannot open"), std::string::npos);
  }
}

// --- encoding: hostile input, splits, threads -----------------------------------------

class EncodingTest : public ::testing::TestWithParam<std::string> {};

std::vector<std::uint32_t> encode(const Encoding& enc, std::string_view s, EncoderOptions o = {}) {
  Encoder e(enc, o);
  std::vector<std::uint32_t> ids;
  e.encode_ordinary(s, ids);
  return ids;
}

TEST_P(EncodingTest, ArbitraryBytesRoundTripIdenticallyUnderEveryStrategy) {
  SB_REQUIRE_VOCAB(GetParam());
  const Encoding& enc = Encoding::get(GetParam());
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    std::string s(rng() % 64, '\0');
    for (auto& c : s)
      c = static_cast<char>(rng() % 4 ? "a \n'\xC3\xA9\xE4\xB8\xAD"
                                        "0"[rng() % 10]
                                      : rng() % 256);
    const auto want = encode(enc, s);
    EXPECT_EQ(encode(enc, s, {MergeAlgo::heap, true}), want);
    EXPECT_EQ(enc.decode(want), s) << "case " << i;
  }
}

TEST_P(EncodingTest, NulBytesInvalidUtf8AndEmptyInputHaveDefinedResults) {
  SB_REQUIRE_VOCAB(GetParam());
  const Encoding& enc = Encoding::get(GetParam());
  EXPECT_TRUE(encode(enc, "").empty());
  const std::string nul("a\0b\0\0", 5);
  EXPECT_EQ(enc.decode(encode(enc, nul)), nul);
  const std::string bad = "caf\xC3 \xFF\xFE oops \xED\xA0\x80";
  const auto ids = encode(enc, bad);
  EXPECT_EQ(enc.decode(ids), bad);
  // An invalid byte is a character of its own: valid text around it encodes as without it.
  const auto hello = encode(enc, "hello");
  const auto with = encode(enc, std::string("hello\xFF"));
  ASSERT_GE(with.size(), hello.size());
  EXPECT_TRUE(std::equal(hello.begin(), hello.end(), with.begin()));
}

TEST_P(EncodingTest, SafeSplitsGiveTheWholeTextsIds) {
  SB_REQUIRE_VOCAB(GetParam());
  const Encoding& enc = Encoding::get(GetParam());
  const std::string text =
      "We've got 12345 apples, Dr. O'Neil's   tabs\t\there!\r\n\r\n  Straße 日本語 and ٣٤ more '  x'S   \n"
      "    indented  code { return a+b; }  \u3000 wide\u00a0space ... 😀 end.";
  const auto whole = encode(enc, text);
  for (std::size_t from = 0; from < text.size(); ++from) {
    const std::size_t cut = find_safe_split(text.data(), text.size(), from, text.size());
    if (cut == text.size()) break;
    auto left = encode(enc, std::string_view(text).substr(0, cut));
    const auto right = encode(enc, std::string_view(text).substr(cut));
    left.insert(left.end(), right.begin(), right.end());
    ASSERT_EQ(left, whole) << "split at " << cut;
  }
}

TEST_P(EncodingTest, ThreadsGiveTheOneThreadIdsOnALongSingleLine) {
  SB_REQUIRE_VOCAB(GetParam());
  const Encoding& enc = Encoding::get(GetParam());
  // 100 MB on one line, no newline anywhere: chunks are cut at spaces between words.
  const std::string sentence = "The quick brown fox's 42 jumps over the lazy dog, twice; Ünïcödé 日本 too. ";
  std::string line;
  line.reserve(100'000'000 + sentence.size());
  while (line.size() < 100'000'000) line += sentence;
  std::vector<Encoder> encs1, encs2;
  std::vector<std::vector<std::uint32_t>> chunks;
  std::vector<std::uint32_t> one, two;
  const EncoderOptions o{MergeAlgo::heap, true};
  encode_parallel(enc, o, line, 1, 1 << 20, encs1, chunks, one);
  encode_parallel(enc, o, line, 2, 1 << 20, encs2, chunks, two);
  EXPECT_EQ(one.size(), two.size());
  EXPECT_TRUE(one == two);
  EXPECT_EQ(ids_fnv1a64(one), ids_fnv1a64(two));
  EXPECT_GT(encs1[0].cache_hits(), 0u);
}

TEST_P(EncodingTest, AHugeSinglePieceFinishesUnderEveryStrategy) {
  SB_REQUIRE_VOCAB(GetParam());
  const Encoding& enc = Encoding::get(GetParam());
  // 2 MB of letters is one piece: the quadratic pairs loop hands it to the heap.
  std::string word;
  for (int i = 0; word.size() < 2'000'000; ++i) word += "abcdefghij"[i * 7 % 10];
  const auto heap = encode(enc, word, {MergeAlgo::heap, false});
  const auto pairs = encode(enc, word, {MergeAlgo::pairs, false});
  EXPECT_EQ(heap, pairs);
  EXPECT_EQ(enc.decode(heap), word);
}

TEST_P(EncodingTest, SpecialTokensAreTextByDefaultAndIdsWhenAllowed) {
  SB_REQUIRE_VOCAB(GetParam());
  const Encoding& enc = Encoding::get(GetParam());
  const std::string s = "a<|endoftext|>b";
  Encoder e(enc, {});
  std::vector<std::uint32_t> plain, special;
  e.encode_ordinary(s, plain);
  e.encode_with_special(s, special);
  const std::uint32_t eot = enc.specials().front().second;
  EXPECT_EQ(std::count(plain.begin(), plain.end(), eot), 0);
  EXPECT_EQ(special.size(), 3u);
  EXPECT_EQ(special[1], eot);
  EXPECT_EQ(enc.decode(special), s);
  EXPECT_EQ(enc.decode(plain), s);
}

TEST_P(EncodingTest, DecodeRejectsUnknownIdsByIndex) {
  SB_REQUIRE_VOCAB(GetParam());
  const Encoding& enc = Encoding::get(GetParam());
  const std::vector<std::uint32_t> ids = {0, 1, enc.n_vocab() + 5};
  try {
    enc.decode(ids);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("(at index 2) is not in the " + GetParam()), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Encodings, EncodingTest, ::testing::Values("gpt2", "cl100k_base"));

TEST(Encoding, UnknownNamesAreListed) {
  try {
    Encoding::get("p50k");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown encoding 'p50k' (encodings: gpt2, cl100k_base)"), std::string::npos);
  }
}

}  // namespace
}  // namespace sb::text
