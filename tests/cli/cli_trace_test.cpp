// `stratbench trace summarize|diff` as a user runs them: real processes, real files, exit
// codes 0 (ok) and 2 (bad input, with a message naming the file and the field).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "../reports/trace_fixture.hpp"
#include "cli_test_util.hpp"

namespace sb::test {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string write(const std::string& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir + "/" + name, std::ios::binary) << text;
  return dir + "/" + name;
}

void expect_exit2(const std::vector<std::string>& args, const std::vector<std::string>& needles) {
  const Proc p = run_cli(args);
  std::string all;
  for (const auto& a : args) all += a + " ";
  EXPECT_EQ(p.exit_code, 2) << all << "\nstderr: " << p.err << "\nstdout: " << p.out;
  EXPECT_FALSE(has(p.err, "internal error")) << all << "\n" << p.err;
  for (const auto& n : needles) EXPECT_TRUE(has(p.err, n)) << all << "\nwant: " << n << "\nstderr: " << p.err;
}

TEST(CliTrace, SummarizeInEveryFormat) {
  const std::string dir = fresh_dir("cli-trace-summarize");
  const std::string trace = write(dir, "cell.trace.json", kSampleTrace);
  Proc p = run_cli({"trace", "summarize", trace});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(has(p.out, "pass: 500 µs per iteration, 1 ms in all")) << p.out;
  EXPECT_TRUE(has(p.out, "llm           attention             4  480 µs  475 µs    240 µs")) << p.out;
  EXPECT_TRUE(has(p.out, "kernel    gemm_kernel      2  110 µs")) << p.out;

  p = run_cli({"trace", "summarize", "--format", "csv", trace});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(has(p.out, "ranges,llm,attention,4,480000,475000,")) << p.out;
  p = run_cli({"trace", "summarize", "-f", "json", trace});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(nlohmann::json::parse(p.out)["rows"][0]["name"], "traced pass");
  p = run_cli({"trace", "summarize", "--format=md", "-o", dir + "/summary.md", trace});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(p.out.empty());
  EXPECT_TRUE(has(slurp(dir + "/summary.md"), "| llm | attention | 4 |"));
}

TEST(CliTrace, DiffSaysWhereTheTimeWent) {
  const std::string dir = fresh_dir("cli-trace-diff");
  const std::string a = write(dir, "a.json", kDiffA), b = write(dir, "b.json", kDiffB);
  const Proc p = run_cli({"trace", "diff", a, b});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(has(p.out, "pass: 200 µs → 230 µs per iteration, +30 µs (+15.0%)")) << p.out;
  EXPECT_TRUE(has(p.out, "attention    100 µs  130 µs  +30 µs   +30.0%        +100.0%")) << p.out;
  EXPECT_TRUE(has(p.out, "only in B")) << p.out;
  EXPECT_TRUE(has(p.out, "only in A")) << p.out;
  const Proc csv = run_cli({"trace", "diff", "--format", "csv", a, b});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_TRUE(has(csv.out, "ranges,llm,attention,100000.0,130000.0,30000.0,0.3,1.0")) << csv.out;
}

TEST(CliTrace, HelpAndUsage) {
  Proc p = run_cli({"trace", "--help"});
  EXPECT_EQ(p.exit_code, 0);
  EXPECT_TRUE(has(p.out, "summarize FILE"));
  p = run_cli({"trace", "diff", "--help"});
  EXPECT_EQ(p.exit_code, 0);
  EXPECT_TRUE(has(p.out, "table, md, csv, json")) << p.out;
  EXPECT_EQ(run_cli({"trace"}).exit_code, 2);
  p = run_cli({"--help"});
  EXPECT_TRUE(has(p.out, "  trace ")) << p.out;
}

TEST(CliTrace, BadInputIsExit2NamingFileAndField) {
  const std::string dir = fresh_dir("cli-trace-bad");
  const std::string good = write(dir, "good.json", kDiffA);
  const std::string results = write(dir, "results.json", R"({"schema":"stratbench/run/v1","cells":[]})");
  expect_exit2({"trace", "diff", good, results}, {"results.json", "not a trace file"});
  expect_exit2({"trace", "summarize", dir + "/missing.json"}, {"missing.json"});
  expect_exit2({"trace", "summarize", write(dir, "text.json", "hello")}, {"text.json", "invalid JSON"});
  expect_exit2({"trace", "summarize", write(dir, "neg.json", R"({"traceEvents":[
    {"ph":"X","name":"a","ts":0,"dur":-1,"pid":1,"tid":1}]})")},
               {"neg.json", "traceEvents[0].dur", "negative duration"});
  expect_exit2({"trace", "summarize", write(dir, "nots.json", R"([{"ph":"X","name":"a","dur":1,"pid":1,"tid":1}])")},
               {"nots.json", "[0].ts", "missing"});
  expect_exit2({"trace", "summarize", write(dir, "huge.json", R"([{"ph":"i","name":"a","ts":1e999}])")},
               {"huge.json", "[0].ts", "out of range"});
  expect_exit2({"trace", "summarize", write(dir, "bytes.json", "[{\"ph\":\"i\",\"name\":\"\xc3\x28\",\"ts\":0}]")},
               {"bytes.json", "invalid JSON"});
  expect_exit2({"trace", "summarize", "--format", "xml", good}, {"unknown trace format 'xml'", "table, md, csv, json"});
  expect_exit2({"trace", "summarize", good, good}, {"one trace file"});
  expect_exit2({"trace", "diff", good}, {"two trace files"});
  expect_exit2({"trace", "sumarize", good}, {"unknown subcommand 'sumarize'"});
  expect_exit2({"trace", "summarize", "--bogus", good}, {"unknown option '--bogus'"});
}

}  // namespace
}  // namespace sb::test
