// `stratbench history` through the real binary (SQLite): add, list, show, detect, and bad
// input that must leave the store untouched.
#include <gtest/gtest.h>

#include <fstream>

#include "../reports/gate_fixture.hpp"
#include "cli_test_util.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::test {
namespace {

TEST(CliHistory, AddListShowDetectAndRefuseBadInput) {
  const std::string dir = fresh_dir("cli-history");
  const std::string db = dir + "/h.db";
  // 12 runs of one cell, a 20% step from run 8 on, each on its own commit.
  for (int i = 0; i < 12; ++i) {
    RunFile r = crafted_pair(1.0, 1.0, 1.0, 1.0).first;
    r.run.id = "run-" + std::to_string(i);
    r.run.started = "2026-11-22T10:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ":00Z";
    r.run.git.commit = std::string(39, 'a' + static_cast<char>(i % 6)) + std::to_string(i % 10);
    for (auto& c : r.cells) c = timed_cell(c.id, c.strategy, i >= 8 ? 1.2 : 1.0, 300 + static_cast<unsigned>(i));
    const std::string f = dir + "/r" + std::to_string(i) + ".json";
    write_run_file_atomic(f, r);
    Proc p = run_cli({"history", "add", f, "--db", db});
    ASSERT_EQ(p.exit_code, 0) << p.err;
  }
  Proc dup = run_cli({"history", "add", dir + "/r0.json", "--db", db});
  EXPECT_EQ(dup.exit_code, 2);
  EXPECT_NE(dup.err.find("run-0"), std::string::npos) << dup.err;

  std::ofstream(dir + "/trunc.json") << slurp(dir + "/r1.json").substr(0, 300);
  Proc bad = run_cli({"history", "add", dir + "/trunc.json", "--db", db});
  EXPECT_EQ(bad.exit_code, 2);
  Proc fresh_bad = run_cli({"history", "add", dir + "/trunc.json", "--db", dir + "/new.db"});
  EXPECT_EQ(fresh_bad.exit_code, 2);
  EXPECT_FALSE(exists(dir + "/new.db"));  // a bad file does not even create a store

  Proc list = run_cli({"history", "list", "--db", db});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("run-11"), std::string::npos);
  Proc show = run_cli({"history", "show", "run-3", "--db", db});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("blocked+simd"), std::string::npos);

  // Twelve runs cannot reach the default alpha of 0.01 with 199 permutations; 0.05 can.
  Proc detect = run_cli({"history", "detect", "--db", db, "--min-size", "3", "--alpha", "0.05"});
  EXPECT_EQ(detect.exit_code, 0) << detect.err;
  // The HTML report with the store's series: one chart per cell, escaped, self-contained.
  Proc html = run_cli({"report", dir + "/r11.json", "--format", "html", "--history", db, "-o", dir + "/h.html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const std::string page = slurp(dir + "/h.html");
  EXPECT_NE(page.find("History: latency_ms.p50"), std::string::npos);
  EXPECT_NE(page.find("<polyline class=\"line\""), std::string::npos);
  EXPECT_NE(page.find("over 12 runs"), std::string::npos);
  EXPECT_EQ(run_cli({"report", dir + "/r11.json", "--history", db}).exit_code, 2);  // html only
  // The first commit of the change: run 8's.
  EXPECT_NE(detect.out.find(std::string(39, 'a' + 8 % 6) + "8"), std::string::npos) << detect.out;
}

}  // namespace
}  // namespace sb::test
