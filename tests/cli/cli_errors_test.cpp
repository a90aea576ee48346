// Bad input of every kind: exit code 2, a message naming the problem, no results file.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"

namespace sb::test {
namespace {

struct BadCase {
  std::vector<std::string> args;
  std::string message;
};

void expect_input_error(const BadCase& c, const std::string& dir) {
  std::vector<std::string> args = c.args;
  Proc p = run_cli(args, dir);
  std::string all;
  for (const auto& a : args) all += a + " ";
  EXPECT_EQ(p.exit_code, 2) << all << "\n" << p.err;
  EXPECT_NE(p.err.find(c.message), std::string::npos) << all << "\nstderr: " << p.err;
  EXPECT_EQ(file_count(dir), 0) << all << ": something was left behind";
}

TEST(CliErrors, BadFlagsExitTwoAndLeaveNothing) {
  const std::string dir = fresh_dir("cli-errors");
  const std::vector<BadCase> cases = {
      {{"run", "-w", "gemn"}, "unknown workload 'gemn'"},
      {{"run", "-w", "gemm", "-s", "warp9"}, "unknown strategy 'warp9'"},
      {{"run", "-w", "gemm", "-p", "q=1"}, "unknown parameter 'q'"},
      {{"run", "-w", "gemm", "-p", "m=0"}, "m=0 is out of range"},
      {{"run", "-w", "gemm", "-p", "m=-1"}, "m=-1 is out of range"},
      {{"run", "-w", "gemm", "-p", "m=abc"}, "'abc' is not an integer"},
      {{"run", "-w", "gemm", "-p", "m=99999999999"}, "out of range"},
      {{"run", "-w", "gemm", "-p", "m"}, "expected NAME=VALUES"},
      {{"run", "-w", "gemm", "--timeout", "soon"}, "--timeout: 'soon' is not a number"},
      {{"run", "-w", "gemm", "--memory-limit", "lots"}, "--memory-limit"},
      {{"run", "-w", "gemm", "--target-rse", "2"}, "measure.target_rse (--target-rse) must be in (0, 1)"},
      {{"run", "--frobnicate"}, "unknown option '--frobnicate'"},
      {{"run", "-w"}, "needs a value"},
      {{"run", "-w", "gemm", "-o", "no/such/dir/r.json"}, "no/such/dir: No such file or directory"},
      {{"run", "-m", "missing.json"}, "missing.json: cannot open"},
      {{"run", "--resume", "missing.jsonl"}, "missing.jsonl: cannot open"},
      {{"report", "missing.json"}, "missing.json: cannot open"},
      {{"report"}, "one results file"},
      {{"compare", "a.json"}, "two results files"},
      {{"list", "things"}, "unknown topic 'things'"},
      {{"dance"}, "unknown command 'dance'"},
  };
  for (const auto& c : cases) expect_input_error(c, dir);
}

TEST(CliErrors, MalformedAndTruncatedFiles) {
  const std::string files = fresh_dir("cli-error-files");
  const std::string dir = fresh_dir("cli-error-cwd");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(files + "/" + name) << text;
    return files + "/" + name;
  };
  const std::string truncated_matrix = write("trunc.json", R"({"workloads": ["gemm"], "params": {"m": [25)");
  const std::string bad_field = write("badfield.json", R"({"workloads": ["gemm"], "params": {"m": [true]}})");
  const std::string bad_value = write("badvalue.json", R"({"workloads": ["gemm"], "params": {"m": [0]}})");
  const std::string empty = write("empty.json", "");
  const std::string truncated_result = write("result.json", R"({"schema":"stratbench/run/v1","run":{"id":)");
  const std::string wrong_result = write(
      "wrong.json",
      R"({"schema":"stratbench/run/v1","run":{"id":"x","started":"s","host":{"cpu":"c","cores":"two"}},"cells":[]})");
  expect_input_error({{"run", "-m", truncated_matrix}, "trunc.json: invalid JSON at byte"}, dir);
  expect_input_error({{"run", "-m", bad_field}, "params.m[0]: expected an integer or a string"}, dir);
  expect_input_error({{"run", "-m", bad_value}, "m=0 is out of range"}, dir);
  expect_input_error({{"run", "-m", empty}, "the file is empty"}, dir);
  expect_input_error({{"report", truncated_result}, "result.json: invalid JSON"}, dir);
  expect_input_error({{"report", wrong_result}, "run.host.cores: expected an integer"}, dir);
  expect_input_error({{"compare", wrong_result, truncated_result}, "run.host.cores"}, dir);
  expect_input_error({{"report", "--format", "pdf", wrong_result}, "unknown report format 'pdf'"}, dir);
}

TEST(CliErrors, HelpAndVersionSucceed) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"},
                                                                {"--version"},
                                                                {"run", "--help"},
                                                                {"report", "--help"},
                                                                {"compare", "--help"},
                                                                {"list", "--help"}}) {
    Proc p = run_cli(args);
    EXPECT_EQ(p.exit_code, 0) << args[0];
    EXPECT_FALSE(p.out.empty());
  }
  Proc run_help = run_cli({"run", "--help"});
  EXPECT_NE(run_help.out.find("--target-rse"), std::string::npos);
  EXPECT_NE(run_cli({"list", "strategies"}).out.find("blocked"), std::string::npos);
  EXPECT_NE(run_cli({"list", "workloads"}).out.find("gemm"), std::string::npos);
}

// `list --json`: the catalog a launcher builds a matrix from, the same WorkloadInfo, presets
// and knobs as the tables.
TEST(CliErrors, ListJsonIsTheCatalog) {
  const Proc p = run_cli({"list", "--json"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const auto doc = nlohmann::json::parse(p.out);
  EXPECT_EQ(doc["schema"], "stratbench/catalog/v1");
  const std::string text = run_cli({"list", "workloads"}).out;
  ASSERT_GE(doc["workloads"].size(), 4u);
  for (const auto& w : doc["workloads"]) {
    EXPECT_NE(text.find(w["name"].get<std::string>() + " — "), std::string::npos) << w["name"];
    for (const auto& param : w["params"]) {
      const std::string kind = param["kind"];
      EXPECT_TRUE(kind == "integer" || kind == "choice" || kind == "text") << param.dump();
      if (kind == "integer") {
        EXPECT_LE(param["min"].get<long>(), param["max"].get<long>());
      }
    }
  }
  EXPECT_EQ(doc["workloads"][0]["name"], "gemm");
  EXPECT_EQ(doc["workloads"][0]["throughput_unit"], "GFLOP/s");
  bool blocked = false;
  for (const auto& pr : doc["presets"]) blocked |= pr["name"] == "blocked" && pr["sets"]["layout"] == "blocked";
  EXPECT_TRUE(blocked);
  EXPECT_FALSE(doc["knobs"].empty());
  EXPECT_EQ(run_cli({"list", "--json", "extra"}).exit_code, 2);
}

}  // namespace
}  // namespace sb::test
