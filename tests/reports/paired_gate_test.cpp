// The interleaved gate's decision on hand-made pair ratios: what is a suspect, what a
// confirmed regression, and that fixed limits still come from the first pair's runs.
#include "stratbench/reports/paired_gate.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "gate_fixture.hpp"

namespace sb {
namespace {

std::vector<double> logs(std::initializer_list<double> ratios) {
  std::vector<double> out;
  for (double r : ratios) out.push_back(std::log(r));
  return out;
}

const Cell& cell_of(const RunFile& r, int i) { return r.cells.at(static_cast<std::size_t>(i)); }

TEST(PairedGate, EveryPairSlowerIsASuspectAndNoiseIsNot) {
  PairLogRatios r;
  r["slow"] = logs({1.10, 1.08, 1.12, 1.09, 1.11, 1.105, 1.07, 1.13, 1.095, 1.085});  // no ties: the exact test
  r["noise"] = logs({1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 0.99, 1.02, 0.98, 1.00});
  r["one"] = logs({2.0});
  const auto v = judge_pairs(r);
  // Ten positive differences: the exact one-sided signed-rank p is 1/2^10.
  EXPECT_NEAR(v.at("slow").p, 1.0 / 1024, 1e-12);
  EXPECT_NEAR(v.at("slow").ratio, 1.10, 0.005);
  EXPECT_EQ(v.at("slow").n, 10);
  EXPECT_GT(v.at("noise").p, 0.2);
  EXPECT_EQ(v.at("one").p, 1);  // fewer than two pairs: never judged slower
  EXPECT_EQ(v.at("one").ratio, 1);
  // Holm over three cells: the smallest p is multiplied by 3.
  EXPECT_NEAR(v.at("slow").p_holm, 3.0 / 1024, 1e-12);
  GatePolicy policy;
  policy.alpha = 0.01;
  policy.min_ratio = 1.02;
  EXPECT_EQ(paired_suspects(v, policy), std::vector<std::string>{"slow"});
  policy.min_ratio = 1.2;  // slower, but by less than the policy cares about
  EXPECT_TRUE(paired_suspects(v, policy).empty());
}

TEST(PairedGate, OnlyAConfirmedSuspectIsARegression) {
  auto [base, cand] = test::crafted_pair(1.0, 1.0, 1.0, 1.0);
  const std::string a = cell_of(base, 0).id, b = cell_of(base, 1).id;
  PairLogRatios s1;
  s1[a] = logs({1.10, 1.08, 1.12, 1.09, 1.11, 1.10, 1.07, 1.13, 1.10, 1.09});
  s1[b] = s1[a];
  PairLogRatios s2;
  s2[a] = s1[a];                                                               // confirmed
  s2[b] = logs({1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 0.99, 1.02, 0.98, 1.00});  // not confirmed
  GatePolicy policy;
  const GateResult r = paired_gate(base, cand, policy, judge_pairs(s1), judge_pairs(s2), 10);
  EXPECT_EQ(r.regressions(), 1);
  for (const auto& c : r.cells) {
    int timing = 0;
    for (const auto& ch : c.checks) timing += ch.rule == "timing";
    EXPECT_LE(timing, 1) << c.id << ": one timing check, the paired one";
    if (c.id == a) {
      EXPECT_TRUE(c.regression());
      EXPECT_NE(c.checks.front().detail.find("confirmed"), std::string::npos);
    }
    if (c.id == b) {
      EXPECT_FALSE(c.regression());
      EXPECT_NE(c.checks.front().detail.find("not confirmed"), std::string::npos);
    }
  }
  EXPECT_NE(r.timing_rule.find("10 per stage"), std::string::npos);
}

TEST(PairedGate, FixedLimitsStillComeFromTheFirstPair) {
  auto [base, cand] = test::crafted_pair(1.0, 1.0, 1.0, 1.0);
  cand.cells[2].metrics.memory.peak_rss_bytes = *base.cells[2].metrics.memory.peak_rss_bytes * 2;
  GatePolicy policy;
  policy.limits.push_back({"memory.peak_rss_bytes", 1.1, std::nullopt, std::nullopt, std::nullopt});
  const GateResult r = paired_gate(base, cand, policy, {}, {}, 10);
  EXPECT_EQ(r.regressions(), 1);
}

}  // namespace
}  // namespace sb
