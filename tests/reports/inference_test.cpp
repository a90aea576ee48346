#include "stratbench/reports/inference.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

namespace sb::inference {
namespace {

using V = std::vector<double>;
constexpr double kTol = 1e-12;
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Test data from a fully specified generator (mt19937_64 and our own Box-Muller), so the
// seeded trials below are the same with every standard library.
class Gaussian {
 public:
  explicit Gaussian(std::uint64_t seed) : rng_(seed) {}
  double operator()() {
    const double u1 = uniform_open(), u2 = uniform_open();
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  }
  // Log-normal around `scale`, the usual shape of latency samples.
  V lognormal(std::size_t n, double scale, double sigma) {
    V x(n);
    for (double& v : x) v = scale * std::exp(sigma * (*this)());
    return x;
  }

 private:
  double uniform_open() { return (static_cast<double>(rng_() >> 11) + 0.5) * 0x1.0p-53; }
  std::mt19937_64 rng_;
};

// ---- median, median_ratio ------------------------------------------------------------

// The median itself is stats::median (stats_test.cpp); here the checked ratio of medians.
TEST(InferenceMedian, RatioOfMedians) {
  EXPECT_DOUBLE_EQ(median_ratio(V{2, 4, 3}, V{6, 9, 7}), 7.0 / 3.0);
  EXPECT_DOUBLE_EQ(median_ratio(V{5}, V{4, 1, 3, 2}), 0.5);
}

TEST(InferenceMedian, RejectsBadInput) {
  EXPECT_THROW(median_ratio(V{1, kNan}, V{1}), std::invalid_argument);
  EXPECT_THROW(median_ratio(V{kInf}, V{1}), std::invalid_argument);
  EXPECT_THROW(median_ratio(V{0, 1}, V{1}), std::invalid_argument);  // not positive
  EXPECT_THROW(median_ratio(V{}, V{1}), std::invalid_argument);
}

// ---- Mann-Whitney U ------------------------------------------------------------------

TEST(MannWhitney, CompleteSeparationExact) {
  // U of next = 9 (every next beats every base). Of the C(6,3) = 20 equally likely rank
  // arrangements only one reaches U = 9, so the one-sided p is 1/20.
  const RankTest g = mann_whitney_u(V{1, 2, 3}, V{4, 5, 6}, Alternative::greater);
  EXPECT_DOUBLE_EQ(g.statistic, 9);
  EXPECT_NEAR(g.p, 0.05, kTol);
  EXPECT_NEAR(mann_whitney_u(V{1, 2, 3}, V{4, 5, 6}, Alternative::two_sided).p, 0.1, kTol);
  EXPECT_NEAR(mann_whitney_u(V{1, 2, 3}, V{4, 5, 6}, Alternative::less).p, 1.0, kTol);
  EXPECT_GT(g.z, 0);
}

TEST(MannWhitney, InterleavedExact) {
  // next = {2,4,6} vs base = {1,3,5}: U = 1 + 2 + 3 = 6. The null frequencies of U for
  // 3 vs 3 are the coefficients of the Gaussian binomial [6 choose 3]_q:
  //   U:     0 1 2 3 4 5 6 7 8 9
  //   count: 1 1 2 3 3 3 3 2 1 1   (sum 20)
  // P(U >= 6) = (3+2+1+1)/20 = 0.35; P(U <= 6) = 16/20 = 0.8; two-sided: U > 4.5, so
  // 2 * 0.35 = 0.7.
  const V base{1, 3, 5}, next{2, 4, 6};
  EXPECT_DOUBLE_EQ(mann_whitney_u(base, next, Alternative::greater).statistic, 6);
  EXPECT_NEAR(mann_whitney_u(base, next, Alternative::greater).p, 0.35, kTol);
  EXPECT_NEAR(mann_whitney_u(base, next, Alternative::less).p, 0.8, kTol);
  EXPECT_NEAR(mann_whitney_u(base, next, Alternative::two_sided).p, 0.7, kTol);
}

// Every arrangement of ranks 1..n+m into two groups, checked against a brute-force count
// of the arrangements at least as extreme: validates the generating-function table.
void check_exact_against_enumeration(int n, int m) {
  const int total = n + m;
  std::vector<std::pair<V, V>> splits;
  for (unsigned mask = 0; mask < (1u << total); ++mask) {
    if (std::popcount(mask) != m) continue;
    V base, next;
    for (int r = 0; r < total; ++r) ((mask >> r) & 1u ? next : base).push_back(r + 1);
    splits.emplace_back(base, next);
  }
  std::vector<double> u(splits.size());
  for (std::size_t i = 0; i < splits.size(); ++i)
    u[i] = mann_whitney_u(splits[i].first, splits[i].second, Alternative::greater).statistic;
  for (std::size_t i = 0; i < splits.size(); ++i) {
    const double at_least = static_cast<double>(std::count_if(u.begin(), u.end(), [&](double v) { return v >= u[i]; }));
    const double at_most = static_cast<double>(std::count_if(u.begin(), u.end(), [&](double v) { return v <= u[i]; }));
    const double all = static_cast<double>(u.size());
    EXPECT_NEAR(mann_whitney_u(splits[i].first, splits[i].second, Alternative::greater).p, at_least / all, kTol);
    EXPECT_NEAR(mann_whitney_u(splits[i].first, splits[i].second, Alternative::less).p, at_most / all, kTol);
  }
}

TEST(MannWhitney, ExactMatchesEnumeration) {
  check_exact_against_enumeration(4, 3);
  check_exact_against_enumeration(2, 5);
  check_exact_against_enumeration(1, 1);  // U in {0, 1}, each with probability 1/2
}

TEST(MannWhitney, TiesUseNormalApproximation) {
  // base = {1,2,2,3}, next = {2,3,4,5}. Pooled and sorted:
  //   1b 2b 2b 2n 3b 3n 4n 5n  -> midranks 1, 3, 3, 3, 5.5, 5.5, 7, 8
  // R(next) = 3 + 5.5 + 7 + 8 = 23.5, U = 23.5 - 3*4/2... = 23.5 - m(m+1)/2 = 23.5 - 10 = 13.5
  // (by pairs: 2 + 3.5 + 4 + 4 = 13.5). E[U] = 4*4/2 = 8.
  // Ties: a group of 3 and a group of 2, sum(t^3 - t) = 24 + 6 = 30; N = 8.
  // Var U = (16/12) * (9 - 30/56) = 1896/168 = 11.285714...
  // greater: z = (13.5 - 8 - 0.5) / sqrt(11.285714) = 1.4883514, p = 1 - Phi(z) = 0.0683291
  // two-sided: 2 * 0.0683291 = 0.1366582
  // less: z = (13.5 - 8 + 0.5) / sqrt(11.285714) = 1.7860217, p = Phi(z) = 0.9629521
  const V base{1, 2, 2, 3}, next{2, 3, 4, 5};
  const RankTest g = mann_whitney_u(base, next, Alternative::greater);
  EXPECT_DOUBLE_EQ(g.statistic, 13.5);
  EXPECT_NEAR(g.z, 5 / std::sqrt(1896.0 / 168.0), 1e-12);
  EXPECT_NEAR(g.z, 1.4883514, 1e-7);
  EXPECT_NEAR(g.p, 0.0683291, 1e-7);
  EXPECT_NEAR(mann_whitney_u(base, next, Alternative::two_sided).p, 0.1366582, 1e-7);
  EXPECT_NEAR(mann_whitney_u(base, next, Alternative::less).p, 0.9629521, 1e-7);
}

TEST(MannWhitney, AllTiedGivesNoEvidence) {
  const RankTest r = mann_whitney_u(V{2, 2, 2}, V{2, 2}, Alternative::greater);
  EXPECT_DOUBLE_EQ(r.statistic, 3);  // n*m/2: every pair counts one half
  EXPECT_DOUBLE_EQ(r.z, 0);
  EXPECT_DOUBLE_EQ(r.p, 1);
}

TEST(MannWhitney, SwappingGroupsAndFlippingAlternativeKeepsP) {
  Gaussian g(7);
  for (std::size_t n : {5u, 18u, 30u}) {  // exact, exact, normal
    const V a = g.lognormal(n, 1.0, 0.3), b = g.lognormal(n + 3, 1.1, 0.3);
    V rounded_a = a, rounded_b = b;  // coarse rounding creates ties: the normal path
    for (double& v : rounded_a) v = std::round(v * 4) / 4;
    for (double& v : rounded_b) v = std::round(v * 4) / 4;
    for (auto [x, y] : {std::pair{a, b}, std::pair{rounded_a, rounded_b}}) {
      const RankTest fwd = mann_whitney_u(x, y, Alternative::greater);
      const RankTest rev = mann_whitney_u(y, x, Alternative::less);
      EXPECT_NEAR(fwd.p, rev.p, 1e-12);
      EXPECT_NEAR(fwd.z, -rev.z, 1e-12);
      EXPECT_DOUBLE_EQ(fwd.statistic + rev.statistic, static_cast<double>(x.size() * y.size()));
      EXPECT_NEAR(mann_whitney_u(x, y, Alternative::two_sided).p, mann_whitney_u(y, x, Alternative::two_sided).p,
                  1e-12);
    }
  }
}

TEST(MannWhitney, ExactAndNormalAgreeAtTheSwitchOver) {
  // At n = m = 20 the normal approximation is already good (H&W give |error| < 0.01 in
  // the tails at this size); a large gap would mean a wrong table or variance.
  Gaussian g(11);
  const V a = g.lognormal(20, 1.0, 0.2), b = g.lognormal(20, 1.08, 0.2);
  const RankTest r = mann_whitney_u(a, b, Alternative::greater);  // exact p, normal z
  EXPECT_NEAR(r.p, normal_cdf(-r.z), 0.01);
}

TEST(MannWhitney, RejectsBadInput) {
  EXPECT_THROW(mann_whitney_u(V{}, V{1}, Alternative::greater), std::invalid_argument);
  EXPECT_THROW(mann_whitney_u(V{1}, V{}, Alternative::greater), std::invalid_argument);
  EXPECT_THROW(mann_whitney_u(V{1, kNan}, V{1}, Alternative::greater), std::invalid_argument);
  EXPECT_THROW(mann_whitney_u(V{1}, V{-kInf}, Alternative::greater), std::invalid_argument);
}

// ---- Wilcoxon signed rank -------------------------------------------------------------

TEST(WilcoxonSignedRank, AllPositiveExact) {
  // W+ = 1+2+3+4+5 = 15; only one of the 2^5 sign patterns reaches it: p = 1/32.
  const RankTest g = wilcoxon_signed_rank(V{1, 2, 3, 4, 5}, Alternative::greater);
  EXPECT_DOUBLE_EQ(g.statistic, 15);
  EXPECT_NEAR(g.p, 1.0 / 32, kTol);
  EXPECT_NEAR(wilcoxon_signed_rank(V{1, 2, 3, 4, 5}, Alternative::two_sided).p, 2.0 / 32, kTol);
  EXPECT_NEAR(wilcoxon_signed_rank(V{1, 2, 3, 4, 5}, Alternative::less).p, 1.0, kTol);
  EXPECT_NEAR(wilcoxon_signed_rank(V{-1, -2, -3, -4, -5}, Alternative::less).p, 1.0 / 32, kTol);
}

TEST(WilcoxonSignedRank, MixedSignsExact) {
  // {-1, 2, 3}: W+ = 2 + 3 = 5. Subset sums of {1,2,3}: 0,1,2,3,3,4,5,6 -> P(W+ >= 5) = 2/8.
  EXPECT_DOUBLE_EQ(wilcoxon_signed_rank(V{-1, 2, 3}, Alternative::greater).statistic, 5);
  EXPECT_NEAR(wilcoxon_signed_rank(V{-1, 2, 3}, Alternative::greater).p, 0.25, kTol);
  EXPECT_NEAR(wilcoxon_signed_rank(V{-1, 2, 3}, Alternative::less).p, 7.0 / 8, kTol);
}

TEST(WilcoxonSignedRank, ZerosAreDropped) {
  const RankTest with_zeros = wilcoxon_signed_rank(V{0, 1, 2, 0, 3, 4, 5, 0}, Alternative::greater);
  EXPECT_DOUBLE_EQ(with_zeros.statistic, 15);
  EXPECT_NEAR(with_zeros.p, 1.0 / 32, kTol);  // n reduced to 5
  const RankTest all_zero = wilcoxon_signed_rank(V{0, 0, 0}, Alternative::greater);
  EXPECT_DOUBLE_EQ(all_zero.statistic, 0);
  EXPECT_DOUBLE_EQ(all_zero.p, 1);
}

TEST(WilcoxonSignedRank, TiesUseNormalApproximation) {
  // {0.5, -0.5, 1, 1, 2, 3, 0}: the zero is dropped, n = 6.
  // |d| = .5 .5 1 1 2 3 -> midranks 1.5 1.5 3.5 3.5 5 6; W+ = 1.5 + 3.5 + 3.5 + 5 + 6 = 19.5
  // E[W+] = 6*7/4 = 10.5; ties: two groups of 2, sum(t^3 - t) = 12.
  // Var W+ = 6*7*13/24 - 12/48 = 22.75 - 0.25 = 22.5
  // greater: z = (19.5 - 10.5 - 0.5) / sqrt(22.5) = 1.7919573, p = 1 - Phi(z) = 0.0365699
  const V d{0.5, -0.5, 1, 1, 2, 3, 0};
  const RankTest g = wilcoxon_signed_rank(d, Alternative::greater);
  EXPECT_DOUBLE_EQ(g.statistic, 19.5);
  EXPECT_NEAR(g.z, 8.5 / std::sqrt(22.5), 1e-12);
  EXPECT_NEAR(g.p, 0.0365699, 1e-7);
  EXPECT_NEAR(wilcoxon_signed_rank(d, Alternative::two_sided).p, 0.0731398, 1e-7);
}

TEST(WilcoxonSignedRank, ExactMatchesEnumeration) {
  // All 2^6 sign patterns on ranks 1..6: the exact p is the fraction at least as extreme.
  constexpr int n = 6;
  std::vector<double> w(1 << n);
  for (unsigned mask = 0; mask < w.size(); ++mask) {
    for (int r = 0; r < n; ++r)
      if ((mask >> r) & 1u) w[mask] += r + 1;
  }
  for (unsigned mask = 0; mask < w.size(); ++mask) {
    V d(n);
    for (int r = 0; r < n; ++r) d[r] = ((mask >> r) & 1u) ? r + 1 : -(r + 1);
    const double at_least =
        static_cast<double>(std::count_if(w.begin(), w.end(), [&](double v) { return v >= w[mask]; }));
    const RankTest g = wilcoxon_signed_rank(d, Alternative::greater);
    EXPECT_DOUBLE_EQ(g.statistic, w[mask]);
    EXPECT_NEAR(g.p, at_least / static_cast<double>(w.size()), kTol);
  }
}

TEST(WilcoxonSignedRank, RejectsBadInput) {
  EXPECT_THROW(wilcoxon_signed_rank(V{}, Alternative::greater), std::invalid_argument);
  EXPECT_THROW(wilcoxon_signed_rank(V{1, kNan}, Alternative::greater), std::invalid_argument);
}

// ---- Hodges-Lehmann --------------------------------------------------------------------

TEST(HodgesLehmann, ShiftHandExamples) {
  // next - base over all pairs: 4-{1,2,3} = 3,2,1; 6-{1,2,3} = 5,4,3 -> {1,2,3,3,4,5}: 3
  EXPECT_DOUBLE_EQ(hodges_lehmann_shift(V{1, 2, 3}, V{4, 6}), 3);
  // {2-0, 2-1, 10-0, 10-1} = {2, 1, 10, 9} -> (2 + 9) / 2 = 5.5
  EXPECT_DOUBLE_EQ(hodges_lehmann_shift(V{0, 1}, V{2, 10}), 5.5);
  EXPECT_DOUBLE_EQ(hodges_lehmann_shift(V{5}, V{3}), -2);
  // A pure shift is recovered exactly.
  EXPECT_DOUBLE_EQ(hodges_lehmann_shift(V{1, 4, 2, 8}, V{11, 14, 12, 18}), 10);
}

TEST(HodgesLehmann, PseudomedianHandExamples) {
  // Walsh averages of {1,2,9}: 1, 2, 9, 1.5, 5, 5.5 -> sorted 1 1.5 2 5 5.5 9: (2+5)/2
  EXPECT_DOUBLE_EQ(hodges_lehmann_pseudomedian(V{9, 1, 2}), 3.5);
  // {-1,0,4}: -1, 0, 4, -0.5, 1.5, 2 -> sorted -1 -0.5 0 1.5 2 4: (0 + 1.5)/2
  EXPECT_DOUBLE_EQ(hodges_lehmann_pseudomedian(V{-1, 0, 4}), 0.75);
  EXPECT_DOUBLE_EQ(hodges_lehmann_pseudomedian(V{7}), 7);
  // {1,3}: 1, 3, 2 -> 2
  EXPECT_DOUBLE_EQ(hodges_lehmann_pseudomedian(V{1, 3}), 2);
}

double brute_median(V v) {
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size() / 2;
  return v.size() % 2 ? v[k] : v[k - 1] + (v[k] - v[k - 1]) / 2;
}

TEST(HodgesLehmann, SelectionMatchesBruteForce) {
  // The selection algorithm must return exactly the median of the materialized set,
  // including with many ties (rounded data) and odd/even counts.
  Gaussian g(3);
  for (std::size_t n = 1; n <= 24; n += 1) {
    for (bool rounded : {false, true}) {
      V x = g.lognormal(n, 1.0, 0.5), y = g.lognormal(n / 2 + 1 + n % 3, 1.2, 0.5);
      if (rounded) {
        for (double& v : x) v = std::round(v * 2);
        for (double& v : y) v = std::round(v * 2);
      }
      V diffs, walsh;
      for (double b : x)
        for (double a : y) diffs.push_back(a - b);
      V xs = x;
      std::sort(xs.begin(), xs.end());
      for (std::size_t i = 0; i < xs.size(); ++i)
        for (std::size_t j = i; j < xs.size(); ++j) walsh.push_back((xs[i] + xs[j]) / 2);
      EXPECT_EQ(hodges_lehmann_shift(x, y), brute_median(diffs)) << "n=" << n;
      EXPECT_EQ(hodges_lehmann_pseudomedian(x), brute_median(walsh)) << "n=" << n;
    }
  }
}

TEST(HodgesLehmann, RejectsBadInput) {
  EXPECT_THROW(hodges_lehmann_shift(V{}, V{1}), std::invalid_argument);
  EXPECT_THROW(hodges_lehmann_shift(V{1}, V{kNan}), std::invalid_argument);
  EXPECT_THROW(hodges_lehmann_pseudomedian(V{}), std::invalid_argument);
}

// ---- Multiple comparisons ------------------------------------------------------------

TEST(Adjust, HolmHandComputed) {
  // Sorted: 0.005 (#3), 0.01 (#0), 0.03 (#2), 0.04 (#1); multipliers 4, 3, 2, 1:
  //   0.02, 0.03, 0.06, 0.04 -> running max 0.02, 0.03, 0.06, 0.06
  const std::vector<double> adj = holm_adjust(V{0.01, 0.04, 0.03, 0.005});
  const V expected{0.03, 0.06, 0.06, 0.02};
  ASSERT_EQ(adj.size(), expected.size());
  for (std::size_t i = 0; i < adj.size(); ++i) EXPECT_NEAR(adj[i], expected[i], kTol) << i;
}

TEST(Adjust, BenjaminiHochbergHandComputed) {
  // Sorted as above, m/j * p: 4*0.005 = 0.02, 2*0.01 = 0.02, 4/3*0.03 = 0.04, 1*0.04 = 0.04
  //   -> running min from the top: 0.04, 0.04, 0.02, 0.02
  const std::vector<double> adj = benjamini_hochberg_adjust(V{0.01, 0.04, 0.03, 0.005});
  const V expected{0.02, 0.04, 0.04, 0.02};
  ASSERT_EQ(adj.size(), expected.size());
  for (std::size_t i = 0; i < adj.size(); ++i) EXPECT_NEAR(adj[i], expected[i], kTol) << i;
}

TEST(Adjust, ClampedEmptyAndSingle) {
  for (double v : holm_adjust(V{0.5, 0.6, 0.9})) EXPECT_DOUBLE_EQ(v, 1);  // 1.5, 1.2 clamp
  const std::vector<double> bh = benjamini_hochberg_adjust(V{0.9, 0.95});
  EXPECT_DOUBLE_EQ(bh[0], 0.95);  // 2 * 0.9 = 1.8 is not kept: step-up takes the later 0.95
  EXPECT_DOUBLE_EQ(bh[1], 0.95);
  EXPECT_TRUE(holm_adjust(V{}).empty());
  EXPECT_TRUE(benjamini_hochberg_adjust(V{}).empty());
  EXPECT_DOUBLE_EQ(holm_adjust(V{0.2})[0], 0.2);
  EXPECT_DOUBLE_EQ(benjamini_hochberg_adjust(V{0.2})[0], 0.2);
  // Ties in p get equal adjusted values.
  const std::vector<double> tied = holm_adjust(V{0.01, 0.01});
  EXPECT_DOUBLE_EQ(tied[0], tied[1]);
}

TEST(Adjust, MonotoneAndNeverBelowRaw) {
  Gaussian g(5);
  V p(40);
  for (double& v : p) v = normal_cdf(g() - 1);
  const std::vector<double> holm = holm_adjust(p), bh = benjamini_hochberg_adjust(p);
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_GE(holm[i], p[i]);
    EXPECT_GE(bh[i], p[i]);
    EXPECT_LE(holm[i], 1);
    EXPECT_LE(bh[i], 1);
    EXPECT_GE(holm[i], bh[i] - kTol);  // Holm is the stricter correction
    for (std::size_t j = 0; j < p.size(); ++j) {
      if (p[i] <= p[j]) {  // the order of the raw p-values is kept
        EXPECT_LE(holm[i], holm[j]);
        EXPECT_LE(bh[i], bh[j]);
      }
    }
  }
}

TEST(Adjust, RejectsNonProbabilities) {
  EXPECT_THROW(holm_adjust(V{0.1, 1.5}), std::invalid_argument);
  EXPECT_THROW(holm_adjust(V{kNan}), std::invalid_argument);
  EXPECT_THROW(benjamini_hochberg_adjust(V{-0.1}), std::invalid_argument);
}

// ---- Bootstrap CI ----------------------------------------------------------------------

TEST(Bootstrap, ContainsTrueRatio) {
  // next = 1.10 x base with 1% multiplicative noise: the sample ratio of medians sits
  // within a fraction of a percent of 1.10, while the interval (independent resampling
  // of two groups with 5% spread) is several percent wide.
  Gaussian g(1);
  const V base = g.lognormal(60, 100.0, 0.05);
  V next = base;
  for (double& v : next) v *= 1.10 * std::exp(0.01 * g());
  const Interval ci = bootstrap_median_ratio_ci(base, next);
  EXPECT_LT(ci.lo, 1.10);
  EXPECT_GT(ci.hi, 1.10);
  EXPECT_LE(ci.lo, median_ratio(base, next));
  EXPECT_GE(ci.hi, median_ratio(base, next));
  EXPECT_GT(ci.lo, 1.0);  // 60 samples, 5% spread: a 10% slowdown is unmistakable
  EXPECT_LT(ci.hi, 1.2);
}

TEST(Bootstrap, CoverageNearNominal) {
  // 200 independent data sets (20 vs 20, true ratio 1.10): a 95% interval should miss
  // about 10 times. The percentile bootstrap of a median is approximate at small n (and
  // slightly conservative here, by the discreteness of the median), so only gross
  // under-coverage fails: 88% is ~3.5 binomial SE below 95%.
  Gaussian g(8);
  int covered = 0;
  constexpr int kSets = 200;
  for (int t = 0; t < kSets; ++t) {
    const V base = g.lognormal(20, 100.0, 0.05), next = g.lognormal(20, 110.0, 0.05);
    const Interval ci = bootstrap_median_ratio_ci(base, next, 0.95, 1000, static_cast<std::uint64_t>(t));
    if (ci.lo <= 1.10 && 1.10 <= ci.hi) ++covered;
  }
  EXPECT_GE(covered / static_cast<double>(kSets), 0.88);
}

TEST(Bootstrap, ConstantSamplesGiveAPoint) {
  const Interval ci = bootstrap_median_ratio_ci(V(10, 2.0), V(7, 3.0));
  EXPECT_EQ(ci.lo, 1.5);
  EXPECT_EQ(ci.hi, 1.5);
}

TEST(Bootstrap, DeterministicForASeed) {
  Gaussian g(2);
  const V base = g.lognormal(25, 1.0, 0.2), next = g.lognormal(25, 1.0, 0.2);
  const Interval a = bootstrap_median_ratio_ci(base, next, 0.95, 2000, 123);
  const Interval b = bootstrap_median_ratio_ci(base, next, 0.95, 2000, 123);
  const Interval c = bootstrap_median_ratio_ci(base, next, 0.95, 2000, 124);
  EXPECT_EQ(a.lo, b.lo);
  EXPECT_EQ(a.hi, b.hi);
  EXPECT_TRUE(a.lo != c.lo || a.hi != c.hi);
}

TEST(Bootstrap, WiderAtHigherConfidence) {
  Gaussian g(4);
  const V base = g.lognormal(30, 1.0, 0.2), next = g.lognormal(30, 1.05, 0.2);
  const Interval c90 = bootstrap_median_ratio_ci(base, next, 0.90);
  const Interval c99 = bootstrap_median_ratio_ci(base, next, 0.99);
  EXPECT_LE(c99.lo, c90.lo);
  EXPECT_GE(c99.hi, c90.hi);
  EXPECT_GT(c99.hi - c99.lo, c90.hi - c90.lo);
}

TEST(Bootstrap, RejectsBadInput) {
  const V ok{1, 2, 3};
  EXPECT_THROW(bootstrap_median_ratio_ci(V{1}, ok), std::invalid_argument);  // n < 2
  EXPECT_THROW(bootstrap_median_ratio_ci(ok, V{1}), std::invalid_argument);
  EXPECT_THROW(bootstrap_median_ratio_ci(ok, ok, 0.0), std::invalid_argument);
  EXPECT_THROW(bootstrap_median_ratio_ci(ok, ok, 1.0), std::invalid_argument);
  EXPECT_THROW(bootstrap_median_ratio_ci(ok, ok, kNan), std::invalid_argument);
  EXPECT_THROW(bootstrap_median_ratio_ci(ok, ok, 0.95, 99), std::invalid_argument);
  EXPECT_THROW(bootstrap_median_ratio_ci(V{1, kInf}, ok), std::invalid_argument);
  EXPECT_THROW(bootstrap_median_ratio_ci(V{1, -2}, ok), std::invalid_argument);
}

// ---- Calibration -----------------------------------------------------------------------

// Fraction of `trials` seeded experiments (n vs n, lognormal, next scaled by `shift`) in
// which the one-sided test rejects at alpha = 0.05. `step` > 0 rounds the data to that
// grid, which creates ties and so exercises the normal approximation.
double mann_whitney_rejection_rate(std::size_t n, double shift, double sigma, double step, int trials) {
  Gaussian g(2024);
  int rejections = 0;
  for (int t = 0; t < trials; ++t) {
    V base = g.lognormal(n, 1.0, sigma), next = g.lognormal(n, shift, sigma);
    if (step > 0) {
      for (double& v : base) v = std::round(v / step) * step;
      for (double& v : next) v = std::round(v / step) * step;
    }
    if (mann_whitney_u(base, next, Alternative::greater).p <= 0.05) ++rejections;
  }
  return rejections / static_cast<double>(trials);
}

TEST(Calibration, MannWhitneyHoldsItsLevelUnderTheNull) {
  // 2000 trials: the binomial standard error at 5% is 0.49%, so 3.5%-6.5% is about +-3 SE.
  // (The exact test is slightly conservative: its attainable levels step below 5%.)
  EXPECT_NEAR(mann_whitney_rejection_rate(15, 1.0, 0.2, 0, 2000), 0.05, 0.015);     // exact
  EXPECT_NEAR(mann_whitney_rejection_rate(30, 1.0, 0.2, 0.05, 2000), 0.05, 0.015);  // ties
}

TEST(Calibration, MannWhitneyDetectsATenPercentShift) {
  EXPECT_GT(mann_whitney_rejection_rate(15, 1.10, 0.05, 0, 1000), 0.90);
  EXPECT_GT(mann_whitney_rejection_rate(30, 1.10, 0.05, 0.02, 1000), 0.90);
}

TEST(Calibration, SignedRankHoldsItsLevelUnderTheNull) {
  Gaussian g(99);
  int rejections = 0;
  constexpr int trials = 2000;
  for (int t = 0; t < trials; ++t) {
    V d(20);
    for (double& v : d) v = g();
    if (wilcoxon_signed_rank(d, Alternative::greater).p <= 0.05) ++rejections;
  }
  EXPECT_NEAR(rejections / static_cast<double>(trials), 0.05, 0.015);
}

TEST(NormalCdf, KnownValues) {
  EXPECT_DOUBLE_EQ(normal_cdf(0), 0.5);
  EXPECT_NEAR(normal_cdf(1.959963984540054), 0.975, 1e-12);
  EXPECT_NEAR(normal_cdf(-1.6448536269514722), 0.05, 1e-12);
  EXPECT_NEAR(normal_cdf(-10) / 7.619853024160527e-24, 1, 1e-9);  // no cancellation in the tail
}

}  // namespace
}  // namespace sb::inference
