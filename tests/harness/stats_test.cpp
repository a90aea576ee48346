#include "stratbench/result/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace sb::stats {
namespace {

TEST(Stats, HandComputedValues) {
  std::vector<double> x{2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_DOUBLE_EQ(mean(x), 5.0);
  EXPECT_NEAR(stddev(x), std::sqrt(32.0 / 7.0), 1e-12);
  EXPECT_DOUBLE_EQ(quantile(x, 0.5), 4.5);
  EXPECT_DOUBLE_EQ(quantile(x, 0.0), 2.0);
  EXPECT_DOUBLE_EQ(quantile(x, 1.0), 9.0);
  EXPECT_NEAR(quantile(x, 0.9), 7.6, 1e-12);  // h = 6.3 -> 7 + 0.3 * (9 - 7)
  Summary s = summarize(x);
  EXPECT_EQ(s.n, 8u);
  EXPECT_DOUBLE_EQ(s.min, 2);
  EXPECT_DOUBLE_EQ(s.max, 9);
  EXPECT_NEAR(s.cv, std::sqrt(32.0 / 7.0) / 5.0, 1e-12);
}

TEST(Stats, SmallSamples) {
  std::vector<double> one{3.5};
  EXPECT_DOUBLE_EQ(stddev(one), 0);
  Summary s = summarize(one);
  EXPECT_DOUBLE_EQ(s.p50, 3.5);
  EXPECT_DOUBLE_EQ(s.p99, 3.5);
  EXPECT_EQ(summarize(std::vector<double>{}).n, 0u);
  EXPECT_TRUE(std::isinf(median_rse(std::vector<double>{1, 2})));
}

TEST(Stats, VarianceSurvivesLargeOffsets) {
  // The one-pass formula loses every digit here; two passes keep them.
  std::vector<double> x{1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
  EXPECT_NEAR(stddev(x), std::sqrt(30.0), 1e-6);
}

TEST(Stats, MedianRseShrinksWithMoreSamples) {
  std::vector<double> few, many;
  for (int i = 0; i < 10; ++i) few.push_back(1.0 + 0.01 * (i % 5));
  for (int i = 0; i < 1000; ++i) many.push_back(1.0 + 0.01 * (i % 5));
  EXPECT_GT(median_rse(few), median_rse(many));
  EXPECT_DOUBLE_EQ(median_rse(std::vector<double>(20, 2.0)), 0.0);
}

TEST(Stats, MedianOddEvenSingleAndInPlace) {
  EXPECT_DOUBLE_EQ(median(std::vector<double>{3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{5}), 5);
  std::vector<double> v{1e308, 1e308, -1, 7};
  EXPECT_DOUBLE_EQ(median_inplace(v), (7 + 1e308) / 2);  // no overflow on the mean of the middle two
  EXPECT_THROW(median(std::vector<double>{}), std::logic_error);
  const std::vector<double> sorted{1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(quantile_sorted(sorted, 0.5), 2.5);
}

}  // namespace
}  // namespace sb::stats
