// A real GEMM run through the CLI: the table, the results file (validated against the
// schema), the log, the reports and compare.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli_test_util.hpp"
#include "stratbench/reports/json_schema.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::test {
namespace {

TEST(CliRun, GemmMatrixWritesAValidResultsFileAndTable) {
  const std::string dir = fresh_dir("cli-run");
  Proc p = run_cli({"run", "-w", "gemm", "-s", "naive,blocked+simd,simd,blas+threads=1", "-p", "m=17,64", "-p", "n=33",
                    "-p", "k=9", "--budget", "0.2", "--sample-time", "0.005", "--warmup", "0"},
                   dir);
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("GFLOP/s"), std::string::npos) << p.out;
  EXPECT_NE(p.err.find("[1/6]"), std::string::npos) << p.err;  // plain progress lines off a terminal
  // Default output location: results/run-<time>.json plus its log.
  std::string results;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/results"))
    if (e.path().extension() == ".json") results = e.path().string();
  ASSERT_FALSE(results.empty());
  EXPECT_TRUE(exists(results.substr(0, results.size() - 5) + ".jsonl"));
  const auto doc = nlohmann::json::parse(slurp(results));
  auto violations = validate_against_schema(doc, run_schema_v1());
  for (const auto& v : violations) ADD_FAILURE() << v.path << ": " << v.message;
  RunFile r = read_run_file(results);
  ASSERT_EQ(r.cells.size(), 8u);
  int ok = 0, skipped = 0;
  for (const auto& c : r.cells) {
    ok += c.status == CellStatus::ok;
    skipped += c.status == CellStatus::skipped;
    if (c.status == CellStatus::ok) {
      EXPECT_GE(c.samples.at("time_s").size(), 5u);
      EXPECT_TRUE(c.metrics.throughput.has_value());
    }
  }
  EXPECT_EQ(ok, 6);
  EXPECT_EQ(skipped, 2);  // simd without blocked, with the reason
  EXPECT_FALSE(r.run.host.cpu.empty());
  EXPECT_GE(r.run.host.cores, 1);

  for (const char* fmt : {"md", "csv", "json", "table"}) {
    Proc rep = run_cli({"report", results, "--format", fmt});
    EXPECT_EQ(rep.exit_code, 0) << fmt << rep.err;
    EXPECT_NE(rep.out.find("blocked+simd"), std::string::npos) << fmt;
  }
  Proc cmp = run_cli({"compare", results, results});
  EXPECT_EQ(cmp.exit_code, 0) << cmp.err;
  EXPECT_NE(cmp.out.find("1×"), std::string::npos) << cmp.out;
}

TEST(CliRun, MatrixFileWithGroups) {
  const std::string dir = fresh_dir("cli-run-matrix");
  std::ofstream(dir + "/m.json") << R"({"matrices":[
      {"workloads":["gemm"],"strategies":["naive"],"params":{"m":[5],"n":[6],"k":[7]}},
      {"workloads":["gemm"],"strategies":["blocked"],"params":{"m":"8-16*2","n":3,"k":3}}],
    "measure":{"budget_s":0.1,"sample_time_s":0.002,"warmup_s":0}})";
  Proc p = run_cli({"run", "-m", dir + "/m.json", "-o", dir + "/out.json"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(read_run_file(dir + "/out.json").cells.size(), 3u);
}

}  // namespace
}  // namespace sb::test

namespace sb::test {
namespace {

// The calibration flag really lengthens iterations (busy work sized from the warm-up) and
// says so in the results. A 100% injection on a 20 ms sleep gives ~40 ms: the bounds are
// wide because this is a correctness check, not a speed claim. The upper one is wider
// still: on an oversubscribed machine the busy work is descheduled (wall time stretches
// while the sleep does not), and ratios near 7 have been seen under `ctest -j2` beside
// other builds.
TEST(CliRun, InjectSlowdownLengthensIterationsAndIsRecorded) {
  const std::string dir = fresh_dir("cli-inject");
  auto p50 = [&](const std::string& name, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"run",           "-w",       "fault",    "-p", "ms=20",
                                     "--min-samples", "3",        "--budget", "0",  "--sample-time",
                                     "0.04",          "--warmup", "0.1",      "-o", dir + "/" + name};
    args.insert(args.end(), extra.begin(), extra.end());
    Proc p = run_cli(args);
    EXPECT_EQ(p.exit_code, 0) << p.err;
    return read_run_file(dir + "/" + name);
  };
  RunFile plain = p50("plain.json", {});
  RunFile slow = p50("slow.json", {"--inject-slowdown", "1.0"});
  ASSERT_TRUE(plain.cells[0].metrics.latency_ms && slow.cells[0].metrics.latency_ms);
  const double ratio = slow.cells[0].metrics.latency_ms->p50 / plain.cells[0].metrics.latency_ms->p50;
  EXPECT_GT(ratio, 1.4);
  EXPECT_LT(ratio, 12.0);
  EXPECT_EQ(slow.cells[0].metrics.counters.at("injected_slowdown"), 1.0);
  EXPECT_EQ(plain.cells[0].metrics.counters.count("injected_slowdown"), 0u);
  EXPECT_EQ(plain.run.config_hash, slow.run.config_hash);  // the arms of a validation match
  EXPECT_EQ(plain.cells[0].id, slow.cells[0].id);
}

}  // namespace
}  // namespace sb::test
