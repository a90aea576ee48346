// The BPE trainer: hand-computed merges, tie-breaking, piece boundaries, the incremental
// counts against a from-scratch reference, and the merge property that makes this
// project's encoder, tiktoken and llama.cpp agree on a trained vocabulary's ids.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/text/bpe_encoder.hpp"
#include "stratbench/workloads/text/bpe_trainer.hpp"
#include "stratbench/workloads/text/text_input.hpp"
#include "text_test_util.hpp"

namespace sb::text {
namespace {

std::string read_prefix(const std::string& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string s(n, '\0');
  in.read(s.data(), static_cast<std::streamsize>(n));
  s.resize(static_cast<std::size_t>(in.gcount()));
  return s;
}

std::string sample_text() {
  return read_prefix(std::string(STRATBENCH_SOURCE_DIR) + "/datasets/sample/sample.txt", 1 << 20);
}

std::string error_of(std::string_view text, std::size_t vocab_size) {
  try {
    train_bpe(text, vocab_size);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// "aaabdaaabac" is one piece (all letters). Pair counts, overlapping ones included:
//   aa 4, ab 2, bd 1, da 1, ba 1, ac 1          -> 256 = a+a (4)
//   [aa a b d aa a b a c]: (aa,a) 2, (a,b) 2, ... -> tie at 2: (97,98) < (256,97): 257 = a+b
//   [aa ab d aa ab a c]: (aa,ab) 2               -> 258 = aa+ab = "aaab" (2)
//   [aaab d aaab a c]: all 1; smallest pair (97,99) -> 259 = a+c (1)
TEST(BpeTrainer, HandComputedMerges) {
  const TrainedBpe v = train_bpe("aaabdaaabac", 261);
  ASSERT_EQ(v.merges.size(), 4u);
  EXPECT_EQ(v.merges[0], (BpeMerge{'a', 'a'}));
  EXPECT_EQ(v.merges[1], (BpeMerge{'a', 'b'}));
  EXPECT_EQ(v.merges[2], (BpeMerge{256, 257}));
  EXPECT_EQ(v.merges[3], (BpeMerge{'a', 'c'}));
  EXPECT_EQ(v.counts, (std::vector<std::uint64_t>{4, 2, 2, 1}));
  EXPECT_EQ(v.tokens[256], "aa");
  EXPECT_EQ(v.tokens[258], "aaab");
  EXPECT_EQ(v.tokens[259], "ac");
  EXPECT_EQ(v.vocab_size(), 261u);
  EXPECT_EQ(v.end_of_text(), 260u);
  for (int b = 0; b < 256; ++b) EXPECT_EQ(v.tokens[b], std::string(1, static_cast<char>(b)));
  EXPECT_EQ(v.pieces, 1u);
  EXPECT_EQ(v.bytes, 11u);
}

// Three pairs of count 1: the smallest (left, right) wins each time.
//   "ba" and " dc": (98,97), (32,100), (100,99) -> 256 = " d"; then (98,97) < (256,99).
TEST(BpeTrainer, TiesGoToTheSmallestPair) {
  const TrainedBpe v = train_bpe("ba dc", 260);
  ASSERT_EQ(v.merges.size(), 3u);
  EXPECT_EQ(v.merges[0], (BpeMerge{' ', 'd'}));
  EXPECT_EQ(v.merges[1], (BpeMerge{'b', 'a'}));
  EXPECT_EQ(v.merges[2], (BpeMerge{256, 'c'}));
  EXPECT_EQ(v.tokens[258], " dc");
}

TEST(BpeTrainer, PiecesNeverMergeAcrossTheirBoundaries) {
  // "xy", ".", "xy", ".", "xy": y and "." are never adjacent inside a piece, so after x+y
  // nothing is left to merge, however often "y." occurs in the text.
  EXPECT_EQ(train_bpe("xy.xy.xy", 258).tokens.back(), "xy");
  EXPECT_NE(error_of("xy.xy.xy", 259).find("yields only 1 merges, a vocabulary of at most 258 tokens; 259 were asked"),
            std::string::npos)
      << error_of("xy.xy.xy", 259);
  // The special token's text is not training text: "<|", "endoftext", "|>" never count.
  const std::string eot = Encoding::kEndOfText;
  const TrainedBpe v = train_bpe("ab" + eot + "ab" + eot + eot + "ab", 258);
  EXPECT_EQ(v.tokens.back(), "ab");
  EXPECT_EQ(v.bytes, 6u);
  EXPECT_NE(error_of("ab" + eot + "ab", 259).find("yields only 1 merges"), std::string::npos);
}

TEST(BpeTrainer, RefusesImpossibleSizes) {
  EXPECT_NE(error_of("abc", 256).find("vocabulary size 256 is outside 257..16777216"), std::string::npos);
  EXPECT_NE(error_of("", 300).find("yields only 0 merges"), std::string::npos);
  EXPECT_EQ(train_bpe("", 257).tokens.size(), 256u);  // bytes and <|endoftext|> need no text
}

// From scratch every step: recount all pairs, take the best that keeps the merge property,
// join it everywhere. Slow and plain, so the incremental trainer has something to match.
std::vector<BpeMerge> reference_train(std::string_view text, std::size_t merges) {
  std::map<std::string, std::uint64_t> pieces;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  for (const auto* end = p + text.size(); p < end;) {
    const unsigned char* q = next_piece(Pattern::gpt2, p, end);
    ++pieces[std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(q - p))];
    p = q;
  }
  std::vector<std::pair<std::vector<std::uint32_t>, std::uint64_t>> words;
  words.reserve(pieces.size());
  for (const auto& [s, n] : pieces) words.emplace_back(std::vector<std::uint32_t>(s.begin(), s.end()), n);
  for (auto& w : words)
    for (auto& c : w.first) c &= 0xFF;  // char may be signed
  std::vector<std::string> tokens;
  tokens.reserve(256 + merges);
  for (int b = 0; b < 256; ++b) tokens.emplace_back(1, static_cast<char>(b));
  std::vector<BpeMerge> out;
  std::set<std::pair<std::uint32_t, std::uint32_t>> rejected;
  while (out.size() < merges) {
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint64_t> counts;
    for (const auto& [w, n] : words)
      for (std::size_t i = 0; i + 1 < w.size(); ++i) counts[{w[i], w[i + 1]}] += n;
    // Best first: the highest count, then the smallest pair. A pair that would break the
    // merge property when its turn comes is skipped for good, as the trainer does.
    std::vector<std::pair<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>>> order;
    for (const auto& [pr, n] : counts)
      if (!rejected.contains(pr)) order.emplace_back(n, pr);
    std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    const RankTable ranks = RankTable::from_tokens(tokens, "reference");
    std::pair<std::uint32_t, std::uint32_t> best{0, 0};
    std::uint64_t best_n = 0;
    for (const auto& [n, pr] : order) {
      const std::string joined = tokens[pr.first] + tokens[pr.second];
      if (ranks.find(reinterpret_cast<const unsigned char*>(joined.data()), joined.size()) != RankTable::kNone ||
          bpe_parts(ranks, joined) != std::vector<std::uint32_t>{pr.first, pr.second}) {
        rejected.insert(pr);
        continue;
      }
      best = pr, best_n = n;
      break;
    }
    if (best_n == 0) break;
    const auto fresh = static_cast<std::uint32_t>(tokens.size());
    tokens.push_back(tokens[best.first] + tokens[best.second]);
    out.push_back({best.first, best.second});
    for (auto& [w, n] : words) {
      std::vector<std::uint32_t> m;
      for (std::size_t i = 0; i < w.size(); ++i) {
        if (i + 1 < w.size() && w[i] == best.first && w[i + 1] == best.second) {
          m.push_back(fresh);
          ++i;
        } else {
          m.push_back(w[i]);
        }
      }
      w = std::move(m);
    }
  }
  return out;
}

TEST(BpeTrainer, IncrementalCountsMatchAFromScratchTrainer) {
  const std::string text = sample_text().substr(0, 120 * 1024);
  const TrainedBpe v = train_bpe(text, 256 + 300 + 1);
  EXPECT_EQ(v.merges, reference_train(text, 300));
}

TEST(BpeTrainer, SameTextSameVocabulary) {
  const std::string text = sample_text();
  const TrainedBpe a = train_bpe(text, 800), b = train_bpe(text, 800);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.merges, b.merges);
  EXPECT_EQ(a.counts, b.counts);
  // A larger vocabulary extends a smaller one: the first merges do not depend on how many follow.
  const TrainedBpe c = train_bpe(text, 600);
  EXPECT_TRUE(std::equal(c.merges.begin(), c.merges.end(), a.merges.begin()));
  EXPECT_TRUE(std::is_sorted(a.counts.rbegin(), a.counts.rend()));  // counts never rise
}

// The property the three encoders' agreement rests on (bpe_trainer.hpp), checked with the
// project's encoder itself: each merged token's bytes, as one piece, encode to that token;
// with only the ranks below it they encode to exactly its merge pair, by both strategies.
TEST(BpeTrainer, EveryMergeIsWhatTheEncoderDoes) {
  SB_REQUIRE_FILE(datasets_dir() + "/corpus/corpus.txt");
  const std::string corpus_path = datasets_dir() + "/corpus/corpus.txt";
  const TrainedBpe v = train_bpe(read_prefix(corpus_path, 300 * 1024), 1000);
  ASSERT_EQ(v.merges.size(), 1000u - 257);
  const RankTable ranks = v.ranks();
  EXPECT_EQ(derive_merges(ranks, "trained"), v.merges);
  const Encoding full = Encoding::trained("trained", ranks);
  Encoder whole(full, {MergeAlgo::heap, false});
  for (std::uint32_t t = 256; t < ranks.size(); ++t) {
    const std::string& bytes = v.tokens[t];
    std::vector<std::uint32_t> ids;
    whole.encode_single_piece(bytes, ids);
    ASSERT_EQ(ids, std::vector<std::uint32_t>{t}) << t;
    const std::vector<std::string> below(v.tokens.begin(), v.tokens.begin() + t);
    const Encoding cut = Encoding::trained("below", RankTable::from_tokens(below, "below"));
    const std::vector<std::uint32_t> pair{v.merges[t - 256].left, v.merges[t - 256].right};
    for (MergeAlgo algo : {MergeAlgo::pairs, MergeAlgo::heap}) {
      Encoder e(cut, {algo, false});
      ids.clear();
      e.encode_single_piece(bytes, ids);
      ASSERT_EQ(ids, pair) << "rank " << t << " '" << bytes << "'";
    }
  }
  // And the text it was trained on round-trips through its ids.
  const std::string text = read_prefix(corpus_path, 300 * 1024);
  Encoder e(full, {MergeAlgo::heap, true});
  std::vector<std::uint32_t> ids;
  e.encode_ordinary(text, ids);
  EXPECT_EQ(full.decode(ids), text);
  EXPECT_LT(ids.size(), text.size() / 3);  // it compresses: about 4 bytes a token in English
}

TEST(BpeTrainer, DeriveMergesRefusesARankThatIsNoMerge) {
  std::vector<std::string> tokens;
  tokens.reserve(259);
  for (int b = 0; b < 256; ++b) tokens.emplace_back(1, static_cast<char>(b));
  tokens.emplace_back("abc");  // BPE of "abc" with the bytes alone stays three parts
  try {
    derive_merges(RankTable::from_tokens(tokens, "t"), "v.tiktoken");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("v.tiktoken: rank 256 is not one merge of two lower ranks"), std::string::npos)
        << e.what();
  }
  tokens.back() = "ab";
  tokens.emplace_back("bc");
  tokens.emplace_back("abc");  // "ab" ranks first, so "abc" is ab + c
  EXPECT_EQ(derive_merges(RankTable::from_tokens(tokens, "t"), "t"),
            (std::vector<BpeMerge>{{'a', 'b'}, {'b', 'c'}, {256, 'c'}}));
}

// A vocabulary from a file is untrusted: a long token made of many merges ("a" x 2^16 from
// halves) must not cost a rescan of every pair per merge (seconds per token, not minutes).
TEST(BpeTrainer, DeriveMergesTakesLongTokensInStride) {
  std::vector<std::string> tokens;
  tokens.reserve(256 + 16);
  for (int b = 0; b < 256; ++b) tokens.emplace_back(1, static_cast<char>(b));
  for (std::size_t len = 2; len <= (1u << 16); len *= 2) tokens.emplace_back(len, 'a');
  const auto merges = derive_merges(RankTable::from_tokens(tokens, "t"), "t");
  ASSERT_EQ(merges.size(), 16u);
  EXPECT_EQ(merges[0], (BpeMerge{'a', 'a'}));
  EXPECT_EQ(merges[15], (BpeMerge{270, 270}));
  EXPECT_EQ(bpe_parts(RankTable::from_tokens(tokens, "t"), std::string(3 * 4096, 'a')),
            (std::vector<std::uint32_t>{268, 267}));  // 8192 + 4096: the leftmost pair first
}

TEST(BpeTrainer, TiktokenFileRoundTripsAndLoadsByPath) {
  const TrainedBpe v = train_bpe(sample_text(), 700);
  const std::string text = to_tiktoken(v.tokens);
  EXPECT_EQ(text.substr(0, 9), "AA== 0\nAQ");              // byte 0, then byte 1
  EXPECT_NE(text.find("\nYQ== 97\n"), std::string::npos);  // 'a'
  const std::string dir = ::testing::TempDir() + "/bpe-trainer";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/t700.tiktoken";
  write_tiktoken(path, v.tokens);
  const Encoding enc = Encoding::from_file(path);
  EXPECT_EQ(enc.name(), path);
  EXPECT_EQ(enc.pattern(), Pattern::gpt2);
  EXPECT_EQ(enc.ranks().size(), 699u);
  EXPECT_EQ(enc.n_vocab(), 700u);
  ASSERT_EQ(enc.specials().size(), 1u);
  EXPECT_EQ(enc.specials()[0], (std::pair<std::string, std::uint32_t>{"<|endoftext|>", 699}));
  for (std::uint32_t r = 0; r < 699; ++r) ASSERT_EQ(enc.ranks().bytes(r), v.tokens[r]);
  const Encoding& cached = Encoding::get(path);  // a path is an encoding name too
  EXPECT_EQ(&cached, &Encoding::get(path));
  Encoder e(cached, {});
  std::vector<std::uint32_t> ids;
  e.encode_with_special("Hello<|endoftext|>", ids);
  EXPECT_EQ(ids.back(), 699u);
  EXPECT_EQ(cached.decode(ids), "Hello<|endoftext|>");
  try {
    Encoding::get(dir + "/missing.tiktoken");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.tiktoken: cannot open the vocabulary file"), std::string::npos);
  }
  EXPECT_THROW(write_tiktoken(dir + "/no/such/dir/x.tiktoken", v.tokens), InputError);
}

}  // namespace
}  // namespace sb::text
