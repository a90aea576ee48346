#include "stratbench/reports/gate.hpp"

#include <gtest/gtest.h>

#include "gate_fixture.hpp"
#include "stratbench/result/errors.hpp"

namespace sb {
namespace {

GatePolicy policy() {
  return policy_from_json(nlohmann::json::parse(R"({"schema":"stratbench/policy/v1",
      "timing":{"alpha":0.01,"min_ratio":1.02},
      "limits":{"memory.peak_rss_bytes":{"max_ratio":1.10},"memory.alloc_count":{"max_increase":0},
                "quality.rel_error":{"max":1e-4}}})"),
                          "policy.json");
}

TEST(Gate, ClearRegressionFails) {
  auto [base, next] = test::crafted_pair(1.10, 1.0, 1.0, 1.0);
  GateResult r = gate_runs(base, next, policy());
  EXPECT_TRUE(r.regression());
  EXPECT_EQ(r.regressions(), 1);
  EXPECT_TRUE(r.cells[0].regression());
  EXPECT_EQ(r.cells[0].checks[0].rule, "timing");
  const std::string md = gate_markdown(r);
  EXPECT_NE(md.find("1 regression"), std::string::npos);
  EXPECT_NE(md.find("gemm naive m=256 cpu"), std::string::npos);
  const std::string xml = gate_junit(r);
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"timing\""), std::string::npos);
}

TEST(Gate, ClearImprovementAndNoisePass) {
  auto [base, next] = test::crafted_pair(0.8, 1.0, 1.0, 1.0);
  EXPECT_FALSE(gate_runs(base, next, policy()).regression());
  // Pure noise: 20 trials of same-distribution pairs, none may fail at alpha 0.01 with Holm.
  for (unsigned t = 0; t < 20; ++t) {
    auto [b, n] = test::crafted_pair(1.0, 1.0, 1.0, 1.0);
    for (int i = 0; i < 4; ++i)
      n.cells[i] = test::timed_cell(n.cells[i].id, n.cells[i].strategy, 1.0, 1000 + t * 4 + i);
    EXPECT_FALSE(gate_runs(b, n, policy()).regression()) << "trial " << t;
  }
}

TEST(Gate, SmallButSignificantSlowdownBelowMinRatioPasses) {
  auto [base, next] = test::crafted_pair(1.01, 1.0, 1.0, 1.0);
  for (auto& c : base.cells) c = test::timed_cell(c.id, c.strategy, 1.0, 5, 200, 0.001);
  for (auto& c : next.cells) c = test::timed_cell(c.id, c.strategy, c.strategy == "naive" ? 1.01 : 1.0, 6, 200, 0.001);
  GateResult r = gate_runs(base, next, policy());
  EXPECT_FALSE(r.regression()) << gate_markdown(r);
}

TEST(Gate, FixedLimitsAndMissingCells) {
  auto [base, next] = test::crafted_pair(1.0, 1.0, 1.0, 1.0);
  next.cells[1].metrics.memory.peak_rss_bytes = 120u << 20;  // +20% > 10%
  next.cells[2].metrics.memory.alloc_count = 11;             // +1 > 0
  next.cells[3].metrics.quality.rel_error = 1e-3;            // > 1e-4
  next.cells.erase(next.cells.begin());                      // naive lost
  GateResult r = gate_runs(base, next, policy());
  EXPECT_EQ(r.regressions(), 4);
  EXPECT_EQ(r.cells[0].checks[0].rule, "missing");
  EXPECT_NE(gate_junit(r).find("memory.peak_rss_bytes max_ratio 1.1"), std::string::npos);
  GatePolicy lenient = policy();
  lenient.fail_on_missing = false;
  EXPECT_EQ(gate_runs(base, next, lenient).regressions(), 3);
}

TEST(Gate, LabelsAreEscapedInMarkdownAndXml) {
  auto [base, next] = test::crafted_pair(1.10, 1.0, 1.0, 1.0);
  base.cells[0].strategy = next.cells[0].strategy = "<script>alert(1)</script>|\"x\"";
  GateResult r = gate_runs(base, next, policy());
  EXPECT_EQ(gate_markdown(r).find("<script>"), std::string::npos);
  const std::string xml = gate_junit(r);
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
  EXPECT_NE(xml.find("&lt;script&gt;"), std::string::npos);
}

TEST(GatePolicy, KnowsEveryMetricOfTheTable) {
  // The gate once knew 4 latency statistics where the history knew 8: both follow the table.
  for (const auto& f : metric_fields()) {
    const std::string metric = f.family ? "counters.allocs_per_iteration" : f.path;
    nlohmann::json j = {{"schema", "stratbench/policy/v1"}, {"limits", {{metric, {{"max", 1}}}}}};
    EXPECT_NO_THROW(policy_from_json(j, "p.json")) << metric;
  }
  try {
    policy_from_json(
        nlohmann::json::parse(R"({"schema":"stratbench/policy/v1","limits":{"latency_ms.p51":{"max":1}}})"), "p.json");
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("latency_ms.p51: unknown metric"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("latency_ms.stddev"), std::string::npos) << e.what();  // names the known
  }
}

TEST(Gate, LimitsOnAnyLatencyStatistic) {
  auto [base, next] = test::crafted_pair(1.0, 1.0, 1.0, 1.0);
  for (auto* run : {&base, &next})
    for (auto& c : run->cells) c.metrics.latency_ms->max = 2.0;
  next.cells[1].metrics.latency_ms->max = 3.0;  // a tail that grew by half
  GatePolicy p = policy();
  p.limits = {{"latency_ms.max", 1.2, std::nullopt, std::nullopt, std::nullopt}};
  const GateResult r = gate_runs(base, next, p);
  EXPECT_EQ(r.regressions(), 1) << gate_markdown(r);
  EXPECT_TRUE(r.cells[1].regression());
}

TEST(GatePolicy, ErrorsNameTheField) {
  auto err = [](const char* text) {
    try {
      policy_from_json(nlohmann::json::parse(text), "p.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(err(R"({"timing":{}})").find("p.json: schema: missing required field"), std::string::npos);
  EXPECT_NE(err(R"({"schema":"stratbench/policy/v9"})").find("unsupported policy schema"), std::string::npos);
  EXPECT_NE(
      err(R"({"schema":"stratbench/policy/v1","timing":{"alpha":"low"}})").find("timing.alpha: expected a number"),
      std::string::npos);
  EXPECT_NE(err(R"({"schema":"stratbench/policy/v1","timing":{"alpha":0.9}})").find("timing.alpha: must be in"),
            std::string::npos);
  EXPECT_NE(
      err(R"({"schema":"stratbench/policy/v1","limits":{"speed":{"max":1}}})").find("limits.speed: unknown metric"),
      std::string::npos);
  EXPECT_NE(
      err(R"({"schema":"stratbench/policy/v1","limits":{"quality.kl":{"most":1}}})").find("limits.quality.kl.most"),
      std::string::npos);
  EXPECT_NE(err(R"({"schema":"stratbench/policy/v1","extra":1})").find("extra: unknown field"), std::string::npos);
}

}  // namespace
}  // namespace sb
