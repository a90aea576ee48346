// `stratbench tokenizer train`, black-box: the file it writes, its use by `tokenize`, and
// its input errors (exit 2, naming the flag or file, nothing left behind).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "cli_test_util.hpp"

namespace sb::test {
namespace {

std::string put(const std::string& dir, const std::string& name, const std::string& content) {
  std::string p = dir + "/" + name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

const std::string kSample = std::string(STRATBENCH_DATASETS) + "/sample/sample.txt";

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(CliTokenizer, TrainsAVocabularyThatTokenizeUses) {
  const std::string dir = fresh_dir("cli-tokenizer-train");
  const std::string out = dir + "/t500.tiktoken";
  Proc p = run_cli({"tokenizer", "train", "--corpus", kSample, "--vocab-size", "500", "--bytes", "100K", "-o", out});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(
      p.out.rfind("wrote " + out + ": 500 tokens (256 bytes, 243 merges, <|endoftext|> = 499), 102400 bytes read, ", 0),
      0u)
      << p.out;
  EXPECT_NE(p.out.find(" s\n"), std::string::npos) << p.out;
  const std::string file = slurp(out);
  EXPECT_EQ(lines(file), 499);
  EXPECT_EQ(file.substr(0, 7), "AA== 0\n");
  // The same corpus gives the same file; --bytes changes it.
  const std::string again = dir + "/again.tiktoken";
  ASSERT_EQ(
      run_cli({"tokenizer", "train", "--corpus", kSample, "--vocab-size", "500", "--bytes", "102400", "-o", again})
          .exit_code,
      0);
  EXPECT_TRUE(slurp(again) == file);
  ASSERT_EQ(run_cli({"tokenizer", "train", "--corpus", kSample, "--vocab-size", "500", "-o", again}).exit_code, 0);
  EXPECT_FALSE(slurp(again) == file);

  // tokenize --encoding FILE: ids round-trip, <|endoftext|> is id 499 when allowed.
  const std::string in = put(dir, "in.txt", "The quick brown fox. Paris is nice.\n");
  Proc e = run_cli({"tokenize", "--encoding", out, in});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(lines(e.out), 1);
  Proc d = run_cli({"tokenize", "--encoding", out, "--decode", put(dir, "ids.json", e.out)});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(d.out, slurp(in));
  EXPECT_EQ(run_cli({"tokenize", "-e", out, "--allow-special", put(dir, "eot.txt", "<|endoftext|>")}).out, "[499]\n");
  EXPECT_NE(run_cli({"tokenize", "--help"}).out.find("tokenizer train"), std::string::npos);
}

TEST(CliTokenizer, InputErrorsAreExitTwoNamingTheFlagOrFile) {
  const std::string dir = fresh_dir("cli-tokenizer-errors");
  const std::string out = dir + "/v.tiktoken";
  auto train = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"tokenizer", "train"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  };
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--corpus", kSample, "--vocab-size", "256", "-o", out}, "option --vocab-size: 256 is out of range 257..65536"},
      {{"--corpus", kSample, "--vocab-size", "65537", "-o", out}, "option --vocab-size: 65537 is out of range"},
      {{"--corpus", kSample, "--vocab-size", "4k", "-o", out}, "option --vocab-size: '4k' is not an integer"},
      {{"--corpus", dir + "/missing.txt", "--vocab-size", "300", "-o", out},
       "option --corpus: " + dir + "/missing.txt: no such input file"},
      {{"--corpus", put(dir, "empty.txt", ""), "--vocab-size", "300", "-o", out},
       dir + "/empty.txt: the corpus is empty"},
      {{"--corpus", put(dir, "tiny.txt", "xy.xy"), "--vocab-size", "300", "-o", out},
       dir + "/tiny.txt: the text (5 bytes) yields only 1 merges"},
      {{"--corpus", kSample, "--vocab-size", "300", "-o", dir + "/no/such/dir/v.tiktoken"},
       dir + "/no/such/dir/v.tiktoken: directory " + dir + "/no/such/dir"},
      {{"--corpus", kSample, "--vocab-size", "300", "-o", dir}, dir + ": is a directory"},
      {{"--corpus", kSample, "--vocab-size", "300", "--bytes", "0", "-o", out},
       "option --bytes: size '0' must be positive"},
      {{"--vocab-size", "300", "-o", out}, "tokenizer train: --corpus FILE is required"},
      {{"--corpus", kSample, "-o", out}, "tokenizer train: --vocab-size N is required (257..65536)"},
      {{"--corpus", kSample, "--vocab-size", "300"}, "tokenizer train: -o/--output FILE is required"},
      {{"--corpus", kSample, "--vocab-size", "300", "-o", out, "extra"}, "takes no positional arguments ('extra')"},
      {{"--corpus", kSample, "--vocab", "300"}, "unknown option '--vocab'"},
  };
  for (const auto& c : cases) {
    const Proc p = train(c.args);
    EXPECT_EQ(p.exit_code, 2) << c.message << "\n" << p.err;
    EXPECT_NE(p.err.find(c.message), std::string::npos) << "want: " << c.message << "\ngot: " << p.err;
    EXPECT_FALSE(exists(out)) << c.message;
  }
  EXPECT_EQ(file_count(dir), 2) << "only the inputs written above (empty.txt, tiny.txt)";
  Proc p = run_cli({"tokenizer", "fit"});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find("tokenizer: unknown subcommand 'fit' (train)"), std::string::npos) << p.err;
  p = run_cli({"tokenizer"});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.out.find("train --corpus FILE --vocab-size N"), std::string::npos) << p.out;
  p = run_cli({"tokenizer", "train", "--help"});
  EXPECT_EQ(p.exit_code, 0);
  EXPECT_NE(p.out.find("--vocab-size N"), std::string::npos) << p.out;
  EXPECT_NE(run_cli({"--help"}).out.find("tokenizer"), std::string::npos);
  p = run_cli({"tokenize", "--encoding", dir + "/nope.tiktoken", put(dir, "x.txt", "x")});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find(dir + "/nope.tiktoken: cannot open the vocabulary file"), std::string::npos) << p.err;
}

}  // namespace
}  // namespace sb::test
