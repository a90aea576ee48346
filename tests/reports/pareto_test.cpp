#include "stratbench/reports/pareto.hpp"

#include <gtest/gtest.h>

#include "stratbench/reports/html_report.hpp"

namespace sb {
namespace {

Cell cell(const std::string& strategy, double speed, std::optional<double> kl, std::optional<double> top1 = {}) {
  Cell c;
  c.strategy = strategy;
  c.status = CellStatus::ok;
  c.metrics.throughput = Throughput{speed, "tokens/s"};
  c.metrics.quality.kl = kl;
  c.metrics.quality.top1_agreement = top1;
  return c;
}

std::vector<std::string> front_of(const std::vector<ParetoPoint>& pts) {
  std::vector<std::string> out;
  for (const auto& p : pts)
    if (p.on_front) out.push_back(p.cell->strategy);
  return out;
}

TEST(Pareto, FrontOfSpeedAgainstALowerIsBetterQuality) {
  const std::vector<Cell> cells = {
      cell("fp32", 10, 0),      // best quality: on the front
      cell("slow", 8, 0.1),     // slower and worse than fp32: dominated
      cell("int8", 30, 0.001),  // faster, a little worse: on the front
      cell("bf16", 20, 0.01),   // slower and worse than int8: dominated
      cell("int4", 50, 0.2),    // fastest: on the front
      cell("twin", 50, 0.2),    // equal to int4: both on the front
      cell("none", 99, {}),     // no quality: not a point
  };
  std::vector<const Cell*> ptrs;
  for (const auto& c : cells) ptrs.push_back(&c);
  const auto pts = pareto_front(ptrs, metric_field("throughput.value"), metric_field("quality.kl"));
  EXPECT_EQ(pts.size(), 6u);
  EXPECT_EQ(front_of(pts), (std::vector<std::string>{"fp32", "int8", "int4", "twin"}));
}

TEST(Pareto, AHigherIsBetterQualityTurnsTheFront) {
  const std::vector<Cell> cells = {cell("a", 10, {}, 1.0), cell("b", 20, {}, 0.9), cell("c", 15, {}, 0.8),
                                   cell("d", 20, {}, 0.95)};
  std::vector<const Cell*> ptrs;
  for (const auto& c : cells) ptrs.push_back(&c);
  const auto pts = pareto_front(ptrs, metric_field("throughput.value"), metric_field("quality.top1_agreement"));
  // b is as fast as d but agrees less: dominated; c is slower and worse than d.
  EXPECT_EQ(front_of(pts), (std::vector<std::string>{"a", "d"}));
}

TEST(Pareto, NoCellsNoPoints) {
  EXPECT_TRUE(pareto_front({}, metric_field("throughput.value"), metric_field("quality.kl")).empty());
}

// The HTML report draws the chart for a group whose strategies trade quality for speed
// (decades of KL), with the front named, and not for one whose quality is all alike.
TEST(Pareto, TheHtmlReportDrawsTheFront) {
  RunFile run;
  run.run.id = "r";
  for (auto c : {cell("baseline", 10, 0), cell("int8", 30, 0.001), cell("bf16", 20, 0.01), cell("int4", 50, 0.2)}) {
    c.workload = "decode";
    c.samples["time_s"] = {0.1, 0.1};
    c.metrics.latency_ms = Summary{100, 100, 100, 0, 0, 100, 100, 100, 2};
    run.cells.push_back(c);
  }
  std::string html = render_html_report(run);
  const auto chart = html.find("speed against quality: throughput vs KL");
  ASSERT_NE(chart, std::string::npos);
  EXPECT_NE(html.find(">int8</text>", chart), std::string::npos);
  EXPECT_EQ(html.find(">bf16</text>", chart), std::string::npos);  // dominated: a point, not a name
  for (auto& c : run.cells) c.metrics.quality.kl = 1e-7;
  EXPECT_EQ(render_html_report(run).find("speed against quality"), std::string::npos);
}

}  // namespace
}  // namespace sb
