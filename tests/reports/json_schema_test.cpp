#include "stratbench/reports/json_schema.hpp"

#include <gtest/gtest.h>

#include "report_fixture.hpp"
#include "stratbench/harness/cell_main.hpp"
#include "stratbench/harness/matrix.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb {
namespace {

using nlohmann::json;

std::string first_violation(const json& doc) {
  auto v = validate_against_schema(doc, run_schema_v1());
  return v.empty() ? "" : v[0].path + ": " + v[0].message;
}

TEST(JsonSchema, FixtureValidates) { EXPECT_EQ(first_violation(to_json(test::fixture_run())), ""); }

TEST(JsonSchema, RealCellOutputValidates) {
  MatrixSpec s;
  MatrixGroup g;
  g.workloads = {"gemm"};
  g.strategies = {"naive", "simd"};
  g.params = {{"m", {"31"}}, {"n", {"7"}}, {"k", {"5"}}};
  s.groups = {g};
  RunFile r = test::fixture_run();
  r.cells.clear();
  for (const auto& p : expand(s)) {
    if (!p.runnable) {
      r.cells.push_back(p.cell);
      continue;
    }
    CellJob job;
    job.cell = p.cell;
    job.measure.budget_s = 0.1;
    job.measure.sample_time_s = 0.002;
    job.measure.warmup_s = 0;
    r.cells.push_back(run_cell_in_process(job));
  }
  ASSERT_EQ(r.cells.size(), 2u);
  EXPECT_EQ(first_violation(to_json(r)), "");
}

TEST(JsonSchema, ViolationsNameThePath) {
  json j = to_json(test::fixture_run());
  j["cells"][0]["metrics"]["latency_ms"]["p50"] = "x";
  EXPECT_EQ(first_violation(j), "cells[0].metrics.latency_ms.p50: expected number, found string");
  j = to_json(test::fixture_run());
  j["cells"][0]["status"] = "maybe";
  EXPECT_NE(first_violation(j).find("cells[0].status: value \"maybe\" is not one of"), std::string::npos);
  j = to_json(test::fixture_run());
  j["cells"][0]["metrics"]["speed"] = 1;
  EXPECT_EQ(first_violation(j), "cells[0].metrics.speed: unknown field");
  j = to_json(test::fixture_run());
  j["run"].erase("host");
  EXPECT_EQ(first_violation(j), "run.host: missing required field");
  j = to_json(test::fixture_run());
  j["cells"][1]["id"] = "XYZ";
  EXPECT_NE(first_violation(j).find("cells[1].id: does not match"), std::string::npos);
  j = to_json(test::fixture_run());
  j["cells"][0]["metrics"]["memory"]["alloc_count"] = 1.5;
  EXPECT_NE(first_violation(j).find("alloc_count: expected integer"), std::string::npos);
}

TEST(JsonSchema, UnsupportedKeywordsAreRefused) {
  EXPECT_THROW(validate_against_schema(json(1), json{{"oneOf", json::array()}}), std::invalid_argument);
}

}  // namespace
}  // namespace sb
