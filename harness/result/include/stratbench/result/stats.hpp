// Descriptive statistics over samples: pure functions over spans of doubles.
// They live beside the result model because both the cell process (aggregates, adaptive
// stopping) and the reports read them; the inferential statistics of compare/gate live in
// reports/.
#pragma once

#include <span>

#include "stratbench/result/result.hpp"

namespace sb::stats {

double mean(std::span<const double> x);  // 0 for n == 0
// Sample standard deviation (n-1), two-pass; 0 for n < 2.
double stddev(std::span<const double> x);
// Quantile with linear interpolation between order statistics (R's type 7, NumPy's default).
// q in [0,1]; x need not be sorted. Requires n >= 1.
double quantile(std::span<const double> x, double q);
// The same on data already sorted ascending (no copy).
double quantile_sorted(std::span<const double> sorted, double q);
// Median: the mean of the two middle order statistics for even n; O(n). Requires n >= 1.
// The one median of the project (workloads' counters, history, compare and gate).
double median(std::span<const double> x);
// The same on a scratch buffer, which it reorders: no allocation, for inner loops (the
// bootstrap resamples thousands of times).
double median_inplace(std::span<double> v);
// Aggregates; n == 0 gives a zeroed Summary with n = 0.
Summary summarize(std::span<const double> x);
// Relative standard error of the median, distribution-free: the half-width of the ~95%
// order-statistic confidence interval of the median, divided by 1.96 and by the median.
// Returns +inf for n < 3 (not enough samples to say anything) or a zero median.
double median_rse(std::span<const double> x);

}  // namespace sb::stats
