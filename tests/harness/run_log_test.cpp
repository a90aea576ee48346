#include "stratbench/harness/run_log.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/stats.hpp"

namespace sb {
namespace {

Cell cell(const std::string& id) {
  Cell c;
  c.id = id;
  c.workload = "gemm";
  c.strategy = "naive";
  c.status = CellStatus::ok;
  c.samples["time_s"] = {0.002, 0.001, 0.003};
  c.metrics.latency_ms = stats::summarize(std::vector<double>{2, 1, 3});
  return c;
}

MatrixSpec spec() {
  MatrixSpec s;
  MatrixGroup g;
  g.workloads = {"gemm"};
  s.groups = {g};
  return s;
}

TEST(RunLog, AppendsAndReadsBack) {
  const std::string path = testing::TempDir() + "/a.jsonl";
  RunHeader h;
  h.id = "x";
  h.started = "2026-11-22T00:00:00Z";
  {
    RunLogWriter w(path, h, spec(), "out.json");
    w.append(cell("a"));
    w.append(cell("b"));
  }
  RunLogContents c = read_run_log(path);
  EXPECT_EQ(c.header.id, "x");
  EXPECT_EQ(c.results_path, "out.json");
  ASSERT_EQ(c.cells.size(), 2u);
  EXPECT_EQ(c.cells[1].id, "b");
}

TEST(RunLog, TornLastLineIsDroppedAndCutOnAppend) {
  const std::string path = testing::TempDir() + "/b.jsonl";
  RunHeader h;
  h.id = "y";
  h.started = "2026-11-22T00:00:00Z";
  {
    RunLogWriter w(path, h, spec(), "out.json");
    w.append(cell("a"));
  }
  std::ofstream(path, std::ios::app) << R"({"type":"cell","cell":{"id":"half)";
  EXPECT_EQ(read_run_log(path).cells.size(), 1u);
  {
    RunLogWriter w(path);
    w.append(cell("c"));
  }
  auto c = read_run_log(path);
  ASSERT_EQ(c.cells.size(), 2u);
  EXPECT_EQ(c.cells[1].id, "c");
}

TEST(RunLog, CorruptMiddleLineIsAnError) {
  const std::string path = testing::TempDir() + "/c.jsonl";
  RunHeader h;
  h.id = "z";
  h.started = "2026-11-22T00:00:00Z";
  { RunLogWriter w(path, h, spec(), "out.json"); }
  std::ofstream(path, std::ios::app) << "garbage\n"
                                     << R"({"type":"cell","cell":{}})"
                                     << "\n";
  try {
    read_run_log(path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos);
  }
  std::ofstream(testing::TempDir() + "/d.jsonl") << "";
  EXPECT_THROW(read_run_log(testing::TempDir() + "/d.jsonl"), InputError);
}

}  // namespace
}  // namespace sb
