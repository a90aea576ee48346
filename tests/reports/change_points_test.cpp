#include "stratbench/reports/change_points.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace sb {
namespace {

// Noise of 2% around `level`, from a seeded generator: every run of the test sees the
// same series.
std::vector<double> noisy(std::vector<std::pair<std::size_t, double>> segments, std::uint64_t seed, double sd = 0.02) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> noise(0.0, sd);
  std::vector<double> x;
  for (const auto& [len, level] : segments)
    for (std::size_t i = 0; i < len; ++i) x.push_back(level + noise(g));
  return x;
}

TEST(ChangePoints, QMatchesHandComputedValues) {
  // X = {0,0}, Y = {1,1}: between 4 -> 2*4/4 = 2, within 0; q = (2*2/4) * 2 = 2.
  const std::vector<double> a = {0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(e_divisive_q(a, 2), 2.0);
  // X = {1,2}, Y = {4,7}: between 3+6+2+5 = 16 -> 8; within X 1 -> 1; within Y 3 -> 3;
  // E = 8 - 1 - 3 = 4; q = (2*2/4) * 4 = 4.
  const std::vector<double> b = {1, 2, 4, 7};
  EXPECT_DOUBLE_EQ(e_divisive_q(b, 2), 4.0);
  // X = {1,2,4}, Y = {7,7}: between |1-7|*2+|2-7|*2+|4-7|*2 = 28 -> 2*28/6;
  // within X 1+3+2 = 6 -> 2*6/6 = 2; within Y 0; q = 6/5 * (28/3 - 2).
  const std::vector<double> c = {1, 2, 4, 7, 7};
  EXPECT_NEAR(e_divisive_q(c, 3), 6.0 / 5.0 * (28.0 / 3.0 - 2.0), 1e-12);
}

TEST(ChangePoints, StepAt30Of50IsFound) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto x = noisy({{30, 1.0}, {20, 1.1}}, seed);
    const auto cps = e_divisive(x);
    ASSERT_EQ(cps.size(), 1u) << "seed " << seed;
    EXPECT_NEAR(static_cast<double>(cps[0].index), 30.0, 1.0) << "seed " << seed;
    EXPECT_LE(cps[0].p_value, 0.01);
  }
}

TEST(ChangePoints, FlatNoiseFindsNothingAlmostAlways) {
  int with_change = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed)
    if (!e_divisive(noisy({{50, 1.0}}, 1000 + seed)).empty()) ++with_change;
  // alpha = 0.01: about one false alarm in a hundred series is expected.
  EXPECT_LE(with_change, 5);
}

TEST(ChangePoints, TwoStepsAreBothFound) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const auto x = noisy({{25, 1.0}, {25, 1.2}, {25, 0.9}}, seed);
    const auto cps = e_divisive(x);
    ASSERT_EQ(cps.size(), 2u) << "seed " << seed;
    EXPECT_NEAR(static_cast<double>(cps[0].index), 25.0, 1.0) << "seed " << seed;
    EXPECT_NEAR(static_cast<double>(cps[1].index), 50.0, 1.0) << "seed " << seed;
  }
}

TEST(ChangePoints, SameSeriesSameAnswer) {
  const auto x = noisy({{20, 1.0}, {20, 1.05}, {20, 1.0}}, 7, 0.03);
  const auto a = e_divisive(x), b = e_divisive(x);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].index, b[i].index);
    EXPECT_EQ(a[i].p_value, b[i].p_value);
  }
}

TEST(ChangePoints, SegmentsKeepMinimumSize) {
  ChangePointOptions o;
  o.min_size = 8;
  // A jump after 3 points: the only admissible splits leave at least 8 on each side.
  for (const auto& cp : e_divisive(noisy({{3, 1.0}, {37, 2.0}}, 3), o)) {
    EXPECT_GE(cp.index, 8u);
    EXPECT_LE(cp.index, 32u);
  }
}

TEST(ChangePoints, ShortOrConstantSeriesHaveNone) {
  EXPECT_TRUE(e_divisive(std::vector<double>{}).empty());
  EXPECT_TRUE(e_divisive(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}).empty());  // < 2 * min_size
  EXPECT_TRUE(e_divisive(std::vector<double>(40, 3.0)).empty());
}

TEST(ChangePoints, MoreNoiseNeedsABiggerStep) {
  // A 1% step under 10% noise cannot be told from noise in 50 points.
  EXPECT_TRUE(e_divisive(noisy({{30, 1.0}, {20, 1.01}}, 5, 0.1)).empty());
}

TEST(ChangePoints, BadOptionsAreProgrammerErrors) {
  const std::vector<double> x(20, 1.0);
  ChangePointOptions o;
  o.min_size = 1;
  EXPECT_THROW(e_divisive(x, o), std::logic_error);
  o = {};
  o.alpha = 1.5;
  EXPECT_THROW(e_divisive(x, o), std::logic_error);
}

}  // namespace
}  // namespace sb
