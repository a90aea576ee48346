// The interleaved gate's decision on hand-made pair ratios: what is a suspect, what a
// confirmed regression, and that fixed limits still come from the first pair's runs.
#include "stratbench/reports/paired_gate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "stratbench/result/errors.hpp"

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

TEST(PairedGate, DetectableRatioFromTheNoiseAndThePairs) {
  // z(0.99) + z(0.8) = 2.3263 + 0.8416; 20 pairs with the signed-rank test's efficiency 3/pi.
  const double want = std::exp((2.326348 + 0.841621) * 0.05 / std::sqrt(3.0 / std::numbers::pi * 20));
  EXPECT_NEAR(detectable_ratio(0.05, 20, 0.01, 0.8), want, 1e-5);
  EXPECT_NEAR(detectable_ratio(0.05, 20, 0.01, 0.8), 1.0369, 1e-3);
  EXPECT_EQ(detectable_ratio(0, 20, 0.01, 0.8), 1);                                          // no noise: anything shows
  EXPECT_TRUE(std::isinf(detectable_ratio(0.01, 1, 0.01, 0.8)));                             // one pair: nothing can
  EXPECT_LT(detectable_ratio(0.05, 80, 0.01, 0.8), detectable_ratio(0.05, 20, 0.01, 0.8));   // more pairs
  EXPECT_GT(detectable_ratio(0.05, 20, 0.001, 0.8), detectable_ratio(0.05, 20, 0.01, 0.8));  // stricter alpha
  EXPECT_GT(detectable_ratio(0.05, 20, 0.01, 0.95), detectable_ratio(0.05, 20, 0.01, 0.8));  // more power
}

// A pass from noisy pairs says nothing about a 2% slowdown: inconclusive, and the policy
// decides what that means; quiet pairs pass as before.
TEST(PairedGate, NoisyPairsThatPassAreInconclusive) {
  auto [base, cand] = test::crafted_pair(1.0, 1.0, 1.0, 1.0);
  const std::string noisy = cell_of(base, 0).id, quiet = cell_of(base, 1).id;
  PairLogRatios s1;
  s1[noisy] = logs({1.20, 0.85, 1.15, 0.90, 1.05, 0.80, 1.25, 0.95, 1.10, 0.88});
  s1[quiet] = logs({1.001, 0.999, 1.002, 0.998, 1.000, 1.001, 0.999, 1.002, 0.998, 1.0005});
  const auto j = judge_pairs(s1);
  GatePolicy policy;
  for (auto mode : {GatePolicy::Inconclusive::warn, GatePolicy::Inconclusive::fail, GatePolicy::Inconclusive::pass}) {
    policy.inconclusive = mode;
    const GateResult r = paired_gate(base, cand, policy, j, {}, 10);
    for (const auto& c : r.cells) {
      if (c.id != noisy && c.id != quiet) continue;
      const GateCheck& t = c.checks.front();
      ASSERT_EQ(t.rule, "timing");
      EXPECT_NE(t.detail.find("could have seen"), std::string::npos) << t.detail;
      if (c.id == quiet) {
        EXPECT_FALSE(t.inconclusive) << t.detail;
        EXPECT_FALSE(t.failed);
        continue;
      }
      EXPECT_NE(t.detail.find("policy asks 2%: inconclusive"), std::string::npos) << t.detail;
      EXPECT_EQ(t.inconclusive, mode != GatePolicy::Inconclusive::pass);
      EXPECT_EQ(t.failed, mode == GatePolicy::Inconclusive::fail);
    }
    EXPECT_EQ(r.regression(), mode == GatePolicy::Inconclusive::fail);
    EXPECT_EQ(r.inconclusive(), mode == GatePolicy::Inconclusive::pass ? 0 : 1);
    const std::string md = gate_markdown(r), junit = gate_junit(r);
    if (mode == GatePolicy::Inconclusive::warn) {
      EXPECT_NE(md.find("✅ pass (1 inconclusive"), std::string::npos) << md;
      EXPECT_NE(junit.find("<skipped message=\"inconclusive: "), std::string::npos) << junit;
      EXPECT_NE(junit.find("skipped=\"1\""), std::string::npos) << junit;
    }
    if (mode == GatePolicy::Inconclusive::fail) {
      EXPECT_NE(md.find("fail (inconclusive)"), std::string::npos) << md;
      EXPECT_NE(junit.find("<failure type=\"timing\""), std::string::npos) << junit;
    }
  }
}

TEST(PairedGate, PolicyInconclusiveAndPower) {
  const auto read = [](const std::string& text) { return policy_from_json(nlohmann::json::parse(text), "p.json"); };
  EXPECT_EQ(read(R"({"schema": "stratbench/policy/v1"})").inconclusive, GatePolicy::Inconclusive::warn);
  EXPECT_EQ(read(R"({"schema": "stratbench/policy/v1", "inconclusive": "fail"})").inconclusive,
            GatePolicy::Inconclusive::fail);
  EXPECT_EQ(read(R"({"schema": "stratbench/policy/v1", "timing": {"power": 0.9}})").power, 0.9);
  EXPECT_EQ(read(R"({"schema": "stratbench/policy/v1", "timing": {"max_pairs": 40}})").max_pairs, 40);
  // A time budget alone turns sequential mode on, capped at 10000 pairs.
  const GatePolicy timed = read(R"({"schema": "stratbench/policy/v1", "timing": {"max_seconds": 90}})");
  EXPECT_EQ(timed.max_seconds, 90);
  EXPECT_EQ(timed.max_pairs, 10000);
  EXPECT_EQ(read(R"({"schema": "stratbench/policy/v1", "timing": {"max_seconds": 9, "max_pairs": 20}})").max_pairs, 20);
  for (const char* bad : {R"({"schema": "stratbench/policy/v1", "inconclusive": "maybe"})",
                          R"({"schema": "stratbench/policy/v1", "inconclusive": 1})",
                          R"({"schema": "stratbench/policy/v1", "timing": {"power": 1}})",
                          R"({"schema": "stratbench/policy/v1", "timing": {"max_pairs": 2}})",
                          R"({"schema": "stratbench/policy/v1", "timing": {"max_seconds": 0}})",
                          R"({"schema": "stratbench/policy/v1", "timing": {"max_seconds": "1m"}})"}) {
    try {
      read(bad);
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("p.json", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace sb
