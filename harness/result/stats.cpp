#include "stratbench/result/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "stratbench/result/errors.hpp"

namespace sb::stats {

double mean(std::span<const double> x) {
  if (x.empty()) return 0;
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double stddev(std::span<const double> x) {
  if (x.size() < 2) return 0;
  const double m = mean(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

double quantile_sorted(std::span<const double> s, double q) {
  SB_CHECK(!s.empty());
  const double h = q * static_cast<double>(s.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, s.size() - 1);
  return s[lo] + (h - static_cast<double>(lo)) * (s[hi] - s[lo]);
}

double quantile(std::span<const double> x, double q) {
  SB_CHECK(!x.empty());
  SB_CHECK(q >= 0 && q <= 1);
  std::vector<double> s(x.begin(), x.end());
  std::sort(s.begin(), s.end());
  return quantile_sorted(s, q);
}

double median_inplace(std::span<double> v) {
  SB_CHECK(!v.empty());
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2;  // exact when lower == upper; no overflow
}

double median(std::span<const double> x) {
  std::vector<double> buf(x.begin(), x.end());
  return median_inplace(buf);
}

Summary summarize(std::span<const double> x) {
  Summary out;
  out.n = x.size();
  if (x.empty()) return out;
  std::vector<double> s(x.begin(), x.end());
  std::sort(s.begin(), s.end());
  out.min = s.front();
  out.max = s.back();
  out.mean = mean(x);
  out.stddev = stddev(x);
  out.cv = out.mean != 0 ? out.stddev / out.mean : 0;
  out.p50 = quantile_sorted(s, 0.5);
  out.p90 = quantile_sorted(s, 0.9);
  out.p99 = quantile_sorted(s, 0.99);
  return out;
}

double median_rse(std::span<const double> x) {
  const std::size_t n = x.size();
  if (n < 3) return std::numeric_limits<double>::infinity();
  std::vector<double> s(x.begin(), x.end());
  std::sort(s.begin(), s.end());
  const double med = quantile_sorted(s, 0.5);
  if (med == 0) return std::numeric_limits<double>::infinity();
  // Ranks of the distribution-free CI: n/2 -/+ 1.96*sqrt(n)/2 (normal approximation to the
  // binomial), 1-based, clamped to the sample.
  const double half = 0.98 * std::sqrt(static_cast<double>(n));
  const double c = static_cast<double>(n) / 2.0;
  const auto lo = static_cast<std::size_t>(std::max(1.0, std::floor(c - half)));
  const auto hi = static_cast<std::size_t>(std::min(static_cast<double>(n), std::ceil(c + half + 1)));
  const double width = s[hi - 1] - s[lo - 1];
  return width / (2 * 1.96) / std::abs(med);
}

}  // namespace sb::stats
