// Inferential statistics for `stratbench compare` and `gate`: is NEW different from BASE,
// by how much, and how sure are we? Pure functions over spans of doubles (DESIGN.md,
// style 5): no I/O, no globals, deterministic (the bootstrap takes an explicit seed).
//
// Conventions shared by every function below:
// - `base` is the reference run, `next` the candidate. A ratio is next / base, so for
//   latencies a ratio > 1 means slower.
// - Data must be finite; an empty span where n >= 1 is required, a NaN or an infinity
//   throws std::invalid_argument naming the function and the argument. Benchmark samples
//   never legitimately contain them, so silently dropping them would hide a harness bug.
// - Rank tests are distribution-free: they assume only independent draws (or independent
//   pairs), not normality, because latency samples are skewed and heavy-tailed.
// - Ties are detected by exact floating-point equality (what "tie" means for ranks).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace sb::inference {

// "greater": `next` (or the differences) tend to be larger than `base` (or zero) — for
// latencies, a slowdown. "less" is the mirror image; two_sided asks "different at all?".
enum class Alternative { two_sided, greater, less };

struct Interval {
  double lo = 0, hi = 0;
};

// median(next) / median(base). Requires n >= 1 in each group and strictly positive values:
// a ratio of medians only has a meaning for positive quantities (times, rates), and a
// zero denominator would make it infinite.
double median_ratio(std::span<const double> base, std::span<const double> next);

// Percentile bootstrap confidence interval of median(next) / median(base) (Efron &
// Tibshirani 1993, ch. 13): each group is resampled independently with replacement,
// `resamples` times, and the interval is the (1-c)/2 and (1+c)/2 quantiles (linear
// interpolation, R type 7) of the resampled ratios.
// Deterministic for a given seed on every platform: it uses its own splitmix64 generator
// and unbiased bounded draws, not std::uniform_int_distribution (whose output differs
// between standard libraries). 2000 resamples keep the Monte Carlo error of a 95%
// endpoint well below the sampling error of typical benchmark sample sizes.
// Requires n >= 2 in each group, positive finite values, 0 < confidence < 1, and
// resamples >= 100.
Interval bootstrap_median_ratio_ci(std::span<const double> base, std::span<const double> next, double confidence = 0.95,
                                   int resamples = 2000, std::uint64_t seed = 42);

struct RankTest {
  double statistic = 0;  // U of `next` (Mann-Whitney) or W+ (signed rank)
  // Standardized statistic of the normal approximation (tie- and continuity-corrected, as
  // R's wilcox.test). Reported even when the p-value is exact, as a signed effect
  // direction; 0 when the statistic has no spread (e.g. all values tied).
  double z = 0;
  double p = 1;
};

// Mann-Whitney U / Wilcoxon rank-sum test for two independent samples (Hollander & Wolfe,
// Nonparametric Statistical Methods, 2nd ed., sec. 4.1). U of `next` counts the pairs
// (base_i, next_j) with next_j > base_i, ties counting one half; E[U] = n*m/2 under H0.
// Midranks for ties. The p-value is exact (the null distribution enumerated by the
// Gaussian-binomial generating function) when both groups have n <= 20 and there are no
// ties; otherwise the normal approximation with the tie-corrected variance
//   Var U = n*m/12 * [(N + 1) - sum(t^3 - t) / (N (N - 1))]
// and a continuity correction of 1/2. Requires n >= 1 in each group.
RankTest mann_whitney_u(std::span<const double> base, std::span<const double> next, Alternative alt);

// Wilcoxon signed-rank test on paired differences d_i (e.g. log(new_i / base_i) of
// interleaved pairs), H&W sec. 3.1. Zeros are dropped and n reduced (Wilcoxon's
// convention; R falls back to the normal approximation when zeros occur). W+ is the sum of the
// midranks of |d_i| over positive d_i. Exact p when the reduced n <= 25 and the |d_i|
// have no ties, else the normal approximation with
//   Var W+ = n(n+1)(2n+1)/24 - sum(t^3 - t)/48
// and a continuity correction of 1/2. alt = greater: the differences tend to be > 0.
// Requires diffs.size() >= 1; if every difference is zero the result is W+ = 0, p = 1.
RankTest wilcoxon_signed_rank(std::span<const double> diffs, Alternative alt);

// Hodges-Lehmann two-sample shift estimate (H&W sec. 4.2): the median of all n*m
// differences next_j - base_i. Computed by randomized selection over the implicit sorted
// matrix of differences (Monahan 1984), so memory is O(n + m), not O(n m), and time is
// O(n log m log(n m))
// expected (after the O(n log n + m log m) sorts). Requires n >= 1 in each group.
double hodges_lehmann_shift(std::span<const double> base, std::span<const double> next);

// One-sample Hodges-Lehmann estimate (pseudo-median, H&W sec. 3.2): the median of the
// n(n+1)/2 Walsh averages (d_i + d_j)/2, i <= j. Same selection method. Requires n >= 1.
double hodges_lehmann_pseudomedian(std::span<const double> diffs);

// Multiple-comparison adjustments (a compare of a matrix tests many cells at once).
// Adjusted p-values in input order, clamped to [0, 1]; an empty input gives an empty
// output. Inputs must lie in [0, 1].
// Holm (1979) step-down: controls the family-wise error rate under any dependence.
//   adj_(i) = max_{j <= i} min(1, (m - j + 1) p_(j))  over the ascending order.
std::vector<double> holm_adjust(std::span<const double> p);
// Benjamini & Hochberg (1995) step-up: controls the false discovery rate for independent
// or positively dependent tests (PRDS), the usual case for cells sharing a machine.
//   adj_(i) = min_{j >= i} min(1, m / j * p_(j)).
std::vector<double> benjamini_hochberg_adjust(std::span<const double> p);

// Standard normal CDF, Phi(z) = erfc(-z / sqrt 2) / 2; erfc keeps full relative accuracy
// in the lower tail, where 1 - erf would cancel. Exposed for tests.
double normal_cdf(double z);

}  // namespace sb::inference
