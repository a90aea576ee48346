// `stratbench run -w serve`: each cell starts the server under its strategy and sends its
// load, in the cell's own process; the results are ordinary cells. A server that cannot
// start is a failed cell naming why; a strategy the server cannot run is a skipped cell.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"

namespace {

using nlohmann::json;

const std::string kTeacher = std::string(STRATBENCH_DATASETS) + "/model/teacher.gguf";

TEST(CliServeMatrix, EachCellStartsItsServerAndMeasuresItsLoad) {
  const std::string dir = sb::test::fresh_dir("serve-matrix");
  const sb::test::Proc p =
      sb::test::run_cli({"run", "-w", "serve", "-s", "sched=fcfs,sched=continuous+kv=paged", "-p", "model=" + kTeacher,
                         "-p", "rate=20", "-p", "requests=10", "-p", "slots=2", "-o", dir + "/serve.json"});
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  const json r = json::parse(sb::test::slurp(dir + "/serve.json"));
  ASSERT_EQ(r["cells"].size(), 2u);
  for (const json& c : r["cells"]) {
    EXPECT_EQ(c["workload"], "serve");
    EXPECT_EQ(c["status"], "ok") << c.dump();
    EXPECT_EQ(c["params"]["rate"], 20);
    // 10 sent; those planned in the first and last 10% of the span are not measured.
    EXPECT_EQ(c["samples"]["time_s"].size(), c["metrics"]["counters"]["requests_measured"].get<std::size_t>());
    EXPECT_GE(c["samples"]["time_s"].size(), 5u);
    EXPECT_EQ(c["metrics"]["counters"]["errors"], 0);
    EXPECT_GT(c["metrics"]["counters"]["ttft_p99_ms"].get<double>(), 0);
    EXPECT_GT(c["metrics"]["memory"]["peak_rss_bytes"].get<double>(), 0);
  }
  // The server's own view: fcfs never runs two requests at once.
  EXPECT_EQ(r["cells"][0]["strategy"], "sched=fcfs");
  EXPECT_EQ(r["cells"][0]["metrics"]["counters"]["server_running_peak"], 1);
  EXPECT_GT(r["cells"][0]["metrics"]["counters"]["server_forwards"].get<double>(), 0);
}

TEST(CliServeMatrix, AServerThatCannotStartIsAFailedCellAndABadStrategyASkippedOne) {
  const std::string dir = sb::test::fresh_dir("serve-matrix-bad");
  const sb::test::Proc p =
      sb::test::run_cli({"run", "-w", "serve", "-s", "sched=continuous,prefix_cache=on", "-p",
                         "model=" + dir + "/none.gguf", "-p", "requests=2", "-o", dir + "/serve.json"});
  const json r = json::parse(sb::test::slurp(dir + "/serve.json"));
  ASSERT_EQ(r["cells"].size(), 2u) << p.out << p.err;
  EXPECT_EQ(r["cells"][0]["status"], "failed");
  EXPECT_NE(r["cells"][0]["reason"].get<std::string>().find("none.gguf"), std::string::npos) << r["cells"][0].dump();
  EXPECT_EQ(r["cells"][1]["status"], "skipped");
  EXPECT_NE(r["cells"][1]["reason"].get<std::string>().find("kv=paged"), std::string::npos) << r["cells"][1].dump();
}

}  // namespace
