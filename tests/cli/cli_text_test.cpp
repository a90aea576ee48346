// `stratbench tokenize` and the text workloads from the command line, black-box.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli_test_util.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::test {
namespace {

std::string put(const std::string& dir, const std::string& name, const std::string& content) {
  const std::string p = dir + "/" + name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

bool have_vocab() {
  return std::filesystem::exists(std::string(STRATBENCH_DATASETS) + "/vocab/gpt2.tiktoken") &&
         std::filesystem::exists(std::string(STRATBENCH_DATASETS) + "/vocab/cl100k_base.tiktoken");
}

#define REQUIRE_VOCAB()                                                                       \
  do {                                                                                        \
    if (!have_vocab()) {                                                                      \
      const char* r = std::getenv("STRATBENCH_REQUIRE_DATASETS");                             \
      if (r && std::string(r) == "1") FAIL() << "vocabularies missing: run scripts/setup.sh"; \
      GTEST_SKIP() << "vocabularies missing: run scripts/setup.sh";                           \
    }                                                                                         \
  } while (0)

TEST(CliTokenize, EncodesAFileToTiktokensIds) {
  REQUIRE_VOCAB();
  const std::string dir = fresh_dir("cli-tok-encode");
  const std::string f = put(dir, "in.txt", "Hello, world!");
  Proc p = run_cli({"tokenize", f});
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(p.out, "[15496, 11, 995, 0]\n");
  p = run_cli({"tokenize", "--encoding", "cl100k_base", f});
  EXPECT_EQ(p.out, "[9906, 11, 1917, 0]\n");
  p = run_cli({"tokenize", put(dir, "empty.txt", "")});
  EXPECT_EQ(p.exit_code, 0);
  EXPECT_EQ(p.out, "[]\n");
}

TEST(CliTokenize, SpecialTokensOnlyWhenAllowed) {
  REQUIRE_VOCAB();
  const std::string f = put(fresh_dir("cli-tok-special"), "in.txt", "<|endoftext|>");
  EXPECT_EQ(run_cli({"tokenize", f}).out, "[27, 91, 437, 1659, 5239, 91, 29]\n");
  EXPECT_EQ(run_cli({"tokenize", "--allow-special", f}).out, "[50256]\n");
}

TEST(CliTokenize, DecodeRoundTripsTheSample) {
  REQUIRE_VOCAB();
  const std::string dir = fresh_dir("cli-tok-roundtrip");
  const std::string sample = std::string(STRATBENCH_DATASETS) + "/sample/sample.txt";
  for (const std::string enc : {"gpt2", "cl100k_base"}) {
    Proc e = run_cli({"tokenize", "-e", enc, sample});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    Proc d = run_cli({"tokenize", "-e", enc, "--decode", put(dir, "ids.json", e.out)});
    ASSERT_EQ(d.exit_code, 0) << d.err;
    EXPECT_TRUE(d.out == slurp(sample)) << enc;
  }
}

TEST(CliTokenize, BadInputIsExitTwoNamingIt) {
  REQUIRE_VOCAB();
  const std::string dir = fresh_dir("cli-tok-errors");
  Proc p = run_cli({"tokenize", dir + "/missing.txt"});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find(dir + "/missing.txt: cannot open"), std::string::npos) << p.err;
  p = run_cli({"tokenize", "--decode", put(dir, "bad.json", "[1, 2,")});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find("bad.json: invalid JSON at byte"), std::string::npos) << p.err;
  p = run_cli({"tokenize", "--decode", put(dir, "neg.json", "[1, -3]")});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find("neg.json: element 1 (-3) is not a token id"), std::string::npos) << p.err;
  p = run_cli({"tokenize", "--decode", put(dir, "big.json", "[1, 50257]")});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find("token id 50257 (at index 1) is not in the gpt2 vocabulary"), std::string::npos) << p.err;
  p = run_cli({"tokenize", "--encoding", "o200k", put(dir, "x.txt", "x")});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find("unknown encoding 'o200k'"), std::string::npos) << p.err;
}

TEST(CliTextWorkloads, RunReportsMegabytesAndTokensPerSecond) {
  REQUIRE_VOCAB();
  const std::string dir = fresh_dir("cli-text-run");
  const std::string in = put(dir, "in.txt", std::string(2000, 'x') + "\n\nThe quick brown fox. Paris is nice.\n");
  Proc p = run_cli({"run", "-w", "tokenize", "-s", "baseline,heap+cache+threads=2", "-p", "input=" + in, "-p",
                    "chunk=4", "--min-samples", "3", "--budget", "0", "-o", dir + "/r.json"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const RunFile r = read_run_file(dir + "/r.json");
  ASSERT_EQ(r.cells.size(), 2u);
  for (const auto& c : r.cells) {
    ASSERT_EQ(c.status, CellStatus::ok) << c.reason;
    EXPECT_EQ(c.metrics.throughput->unit, "MB/s");
    EXPECT_GT(c.metrics.counters.at("tokens_per_s"), 0);
    EXPECT_EQ(c.metrics.counters.at("tokens_per_iter"), r.cells[0].metrics.counters.at("tokens_per_iter"));
  }
  // A missing input fails its cell with the path named; the matrix goes on.
  p = run_cli({"run", "-w", "tokenize", "-p", "input=" + dir + "/nope.txt", "--budget", "0", "-o", dir + "/f.json"});
  const RunFile f = read_run_file(dir + "/f.json");
  ASSERT_EQ(f.cells.size(), 1u);
  EXPECT_NE(f.cells[0].reason.find(dir + "/nope.txt: no such input file"), std::string::npos) << f.cells[0].reason;
}

}  // namespace
}  // namespace sb::test
