// The corpus pipeline: what it counts on a crafted document, identical counts from every
// strategy on the shipped sample, and clear errors for corrupt word lists.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/text/corpus_pipeline.hpp"
#include "stratbench/workloads/text/text_input.hpp"
#include "stratbench/workloads/workload.hpp"
#include "text_test_util.hpp"

namespace sb::text {
namespace {

// This process's scratch directory, removed at exit: CTest runs every test in a process of
// its own, and one of them writes a 24 MB file.
const std::filesystem::path& scratch_dir() {
  struct Dir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("sb-corpus-test-" + std::to_string(::getpid()));
    ~Dir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Dir d;
  return d.path;
}

std::string write_file(const std::string& name, const std::string& content) {
  const auto& dir = scratch_dir();
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

Lexicons small_lexicons() {
  return Lexicons::load(write_file("s.tsv", "love\t3\ngood\t3\nbad\t-3\nhate\t-3\n"),
                        write_file("g.tsv",
                                   "Paris\tCITY\nNew South Wales\tSUBDIVISION\nNew York\tCITY\nFrance\tCOUNTRY\n"
                                   "Guinea-Bissau\tCOUNTRY\n"));
}

TEST(CorpusPipeline, CountsWordsEntitiesAndSentimentOfADocument) {
  SB_REQUIRE_VOCAB("gpt2");
  const Lexicons lex = small_lexicons();
  DocumentProcessor p(Encoding::get("gpt2"), lex, false);
  CorpusCounts c;
  p.process_text(
      "I love Paris and New South Wales in 2023. It was not bad at all!\n\n\n"
      "Write to Ada Lovelace at ada@example.org or see https://example.org/x. We hate Guinea-Bissau's heat.\n\n"
      "Ünïcödé Straße is good, don't you think?",
      c);
  EXPECT_EQ(c.documents, 3u);
  EXPECT_EQ(c.terms.at("love").count, 1u);
  EXPECT_EQ(c.terms.at("straße").count, 1u);  // lowercased, not folded
  EXPECT_EQ(c.terms.at("ünïcödé").count, 1u);
  EXPECT_EQ(c.terms.at("don't").count, 1u);
  EXPECT_EQ(c.entity_counts.at("CITY\tparis"), 1u);
  EXPECT_EQ(c.entity_counts.at("SUBDIVISION\tnew south wales"), 1u);
  EXPECT_EQ(c.entity_counts.at("YEAR\t2023"), 1u);
  EXPECT_EQ(c.entity_counts.at("PROPER\tada lovelace"), 1u);
  EXPECT_EQ(c.entity_counts.at("EMAIL\tada@example.org"), 1u);
  EXPECT_EQ(c.entity_counts.at("URL\thttps://example.org/x"), 1u);
  // "Guinea-Bissau's" is the words "guinea" "bissau's": the possessive hides the name.
  EXPECT_EQ(c.entity_counts.count("COUNTRY\tguinea bissau"), 0u);
  // Document 1: love (+3), "not bad" (negated -3 -> +3): +6. Document 2: hate (-3).
  // Document 3: good (+3), no negation within three words before it.
  EXPECT_EQ(c.sentiment_sum, 6 - 3 + 3);
  EXPECT_EQ(c.positive, 2u);
  EXPECT_EQ(c.negative, 1u);
  EXPECT_GT(c.tokens, c.words);
  // The bigram "new south" was counted once, under the words' ids.
  const std::uint64_t key = std::uint64_t{c.terms.at("new").id} << 32 | c.terms.at("south").id;
  std::uint64_t n = 0;
  c.bigrams.for_each([&](std::uint64_t k, std::uint64_t v) { n += k == key ? v : 0; });
  EXPECT_EQ(n, 1u);
}

TEST(CorpusPipeline, MergedWorkersEqualOneWorker) {
  SB_REQUIRE_VOCAB("gpt2");
  const Lexicons lex = small_lexicons();
  const std::string text =
      "Alpha beta gamma. Paris is good.\n\nBeta gamma delta, not bad.\n\nNew York, New York!\n\n"
      "gamma delta epsilon Paris.\n\nLove and hate in France.";
  DocumentProcessor one(Encoding::get("gpt2"), lex, false), a(Encoding::get("gpt2"), lex, true),
      b(Encoding::get("gpt2"), lex, false);
  CorpusCounts whole, left, right;
  one.process_text(text, whole);
  const std::size_t cut = next_document_boundary(text, text.size() / 2);
  a.process_text(std::string_view(text).substr(0, cut), left);
  b.process_text(std::string_view(text).substr(cut), right);
  right.merge(left);  // merge order must not matter either
  EXPECT_TRUE(whole.same_as(right));
  EXPECT_EQ(whole.digest(), right.digest());
  right.words += 1;
  EXPECT_FALSE(whole.same_as(right));
}

TEST(Lexicons, CorruptFilesNameTheLine) {
  auto error = [](const std::string& s, const std::string& g) {
    try {
      Lexicons::load(write_file("s2.tsv", s), write_file("g2.tsv", g));
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error("good\t3\nbad\tworse\n", "Paris\tCITY\n").find("s2.tsv:2: score 'worse' is not an integer"),
            std::string::npos);
  EXPECT_NE(error("good\t9\n", "Paris\tCITY\n").find("s2.tsv:1: score '9' is not an integer in -5..5"),
            std::string::npos);
  EXPECT_NE(error("good\t3\n", "Paris\tCITY\nLyon\n").find("g2.tsv:2: expected two fields"), std::string::npos);
  EXPECT_NE(error("good\t3\n", "Par\xFFis\tCITY\n").find("g2.tsv:1: not valid UTF-8"), std::string::npos);
  EXPECT_NE(error("", "Paris\tCITY\n").find("s2.tsv: empty"), std::string::npos);
  EXPECT_NE(error("good\t3\n", "").find("g2.tsv: empty"), std::string::npos);
}

// Every strategy of the text workloads gives the same results on the shipped sample.
std::map<std::string, double> counts_of(const std::string& workload, const std::string& strategy,
                                        const Params& params) {
  const Workload* w = find_workload(workload);
  const Strategy s = parse_strategy(strategy);
  EXPECT_EQ(w->unsupported(s, params, "cpu"), "");
  auto inst = w->prepare(s, params, "cpu");
  const CheckResult r = inst->check();
  EXPECT_TRUE(r.ok) << workload << " " << strategy << ": " << r.detail;
  inst->run_once();
  return inst->counters();
}

TEST(CorpusWorkload, EveryStrategyGivesTheSameCountsOnTheSample) {
  SB_REQUIRE_VOCAB("gpt2");
  SB_REQUIRE_FILE(datasets_dir() + "/lexicon/afinn.tsv");
  SB_REQUIRE_FILE(datasets_dir() + "/gazetteer/places.tsv");
  const Params p = {{"input", std::string("sample")}};
  const auto want = counts_of("corpus", "baseline", p);
  EXPECT_GT(want.at("docs_per_iter"), 1000);
  EXPECT_GT(want.at("entities"), 100);
  for (const char* s : {"pool", "mmap", "threads=2", "mmap+threads=2", "threads=2+pool", "mmap+pool+threads=3"})
    EXPECT_EQ(counts_of("corpus", s, p), want) << s;
}

TEST(CorpusWorkload, HostileInputGivesTheSameCountsUnderEveryStrategy) {
  SB_REQUIRE_VOCAB("gpt2");
  SB_REQUIRE_FILE(datasets_dir() + "/lexicon/afinn.tsv");
  SB_REQUIRE_FILE(datasets_dir() + "/gazetteer/places.tsv");
  // Invalid UTF-8, NUL bytes, lone CRs, then one 24 MB line (a single document longer than
  // any read block), then short documents again.
  std::string text = "caf\xC3 \xFF\xFE bad\xED\xA0\x80 bytes\r\rand\0NUL\0s.\n\n\n";
  const std::string sentence = "Paris is not bad, New York is good; mail me at a.b@example.com in 1999. ";
  while (text.size() < 24'000'000) text += sentence;
  text += "\n\nThe end.\n\nReally.";
  const Params p = {{"input", write_file("hostile.txt", text)}};
  const auto want = counts_of("corpus", "baseline", p);
  EXPECT_EQ(want.at("docs_per_iter"), 3);
  for (const char* s : {"mmap", "threads=2", "pool+mmap+threads=2"}) EXPECT_EQ(counts_of("corpus", s, p), want) << s;
}

TEST(TokenizeWorkload, EveryStrategyGivesTheSameIdsOnTheSample) {
  for (const std::string enc : {"gpt2", "cl100k_base"}) {
    SB_REQUIRE_VOCAB(enc);
    const Params p = {{"input", std::string("sample")}, {"encoding", enc}, {"chunk", std::int64_t{16}}};
    const auto want = counts_of("tokenize", "baseline", p);
    for (const char* s : {"heap", "cache", "heap+cache", "mmap", "threads=2", "heap+cache+threads=2+mmap"})
      EXPECT_EQ(counts_of("tokenize", s, p).at("tokens_per_iter"), want.at("tokens_per_iter")) << enc << " " << s;
  }
}

TEST(TokenizeWorkload, EmptyAndMissingInputsAreClearErrors) {
  SB_REQUIRE_VOCAB("gpt2");
  const Workload* w = find_workload("tokenize");
  const Strategy s = parse_strategy("baseline");
  const std::string empty = write_file("empty.txt", "");
  try {
    w->prepare(s, {{"input", empty}, {"encoding", std::string("gpt2")}, {"chunk", std::int64_t{1024}}}, "cpu");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the input is empty"), std::string::npos);
  }
  try {
    w->prepare(
        s, {{"input", std::string("/no/such.txt")}, {"encoding", std::string("gpt2")}, {"chunk", std::int64_t{1024}}},
        "cpu");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/no/such.txt: no such input file"), std::string::npos);
  }
}

}  // namespace
}  // namespace sb::text
