#include "stratbench/reports/inference.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "stratbench/result/stats.hpp"

namespace sb::inference {
namespace {

// ---- Preconditions -------------------------------------------------------------------

[[noreturn]] void invalid(const char* fn, const std::string& what) {
  throw std::invalid_argument(std::string("sb::inference::") + fn + ": " + what);
}

void require_data(const char* fn, const char* name, std::span<const double> x, std::size_t min_n) {
  if (x.size() < min_n)
    invalid(fn, std::string("`") + name + "` needs at least " + std::to_string(min_n) + " value(s), got " +
                    std::to_string(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i])) invalid(fn, std::string("`") + name + "`[" + std::to_string(i) + "] is not finite");
}

void require_positive(const char* fn, const char* name, std::span<const double> x) {
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!(x[i] > 0))
      invalid(fn, std::string("`") + name + "`[" + std::to_string(i) +
                      "] is not positive; a ratio of medians needs positive data");
}

// ---- Deterministic randomness --------------------------------------------------------

// splitmix64 (Steele, Lea & Flood 2014): tiny, fast, and fully specified, so a seed gives
// the same bootstrap interval with every compiler and standard library.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0, without modulo bias: reject the top partial block.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t r = next();
      if (r >= threshold) return r % n;
    }
  }

 private:
  std::uint64_t state_;
};

// ---- Order statistics ----------------------------------------------------------------

using stats::median_inplace;
using stats::quantile_sorted;

double resampled_median(std::span<const double> x, SplitMix64& rng, std::vector<double>& buf) {
  buf.resize(x.size());
  for (double& v : buf) v = x[rng.below(x.size())];
  return median_inplace(buf);
}

// k-th smallest (0-based) element of an implicit matrix whose row r holds candidate
// columns [lo[r], hi[r]) with values nondecreasing along the row: randomized selection
// (Monahan 1984, as used for Hodges-Lehmann estimates). Each round takes a random
// remaining element as pivot, counts by binary search per row how many are below / at
// most the pivot, and discards the side that cannot hold the answer. The pivot itself is
// always discarded or returned, so every round shrinks the candidate set.
template <class Value>
double select_kth(std::vector<std::size_t> lo, std::vector<std::size_t> hi, std::uint64_t k, Value value) {
  const std::size_t rows = lo.size();
  SplitMix64 rng(0x5EED);  // any seed gives the same answer; a fixed one keeps timing stable
  std::uint64_t discarded_below = 0;
  std::vector<std::size_t> lt(rows), le(rows);
  auto bound = [&](std::size_t r, auto keep_left) {
    std::size_t a = lo[r], b = hi[r];  // first column in [lo, hi) where !keep_left
    while (a < b) {
      const std::size_t c = a + (b - a) / 2;
      if (keep_left(value(r, c)))
        a = c + 1;
      else
        b = c;
    }
    return a;
  };
  for (;;) {
    std::uint64_t remaining = 0;
    for (std::size_t r = 0; r < rows; ++r) remaining += hi[r] - lo[r];
    std::uint64_t pick = rng.below(remaining);
    std::size_t pr = 0;
    for (; pick >= hi[pr] - lo[pr]; ++pr) pick -= hi[pr] - lo[pr];
    const double pivot = value(pr, lo[pr] + static_cast<std::size_t>(pick));
    std::uint64_t n_lt = discarded_below, n_le = discarded_below;
    for (std::size_t r = 0; r < rows; ++r) {
      lt[r] = bound(r, [pivot](double v) { return v < pivot; });
      le[r] = bound(r, [pivot](double v) { return v <= pivot; });
      n_lt += lt[r] - lo[r];
      n_le += le[r] - lo[r];
    }
    if (k < n_lt) {
      hi = lt;
    } else if (k >= n_le) {
      lo = le;
      discarded_below = n_le;
    } else {
      return pivot;
    }
  }
}

template <class Value>
double median_of_implicit(std::vector<std::size_t> lo, std::vector<std::size_t> hi, std::uint64_t total, Value value) {
  const double upper = select_kth(lo, hi, total / 2, value);
  if (total % 2 == 1) return upper;
  const double lower = select_kth(std::move(lo), std::move(hi), total / 2 - 1, value);
  return lower + (upper - lower) / 2;
}

// ---- Ranks ---------------------------------------------------------------------------

struct Ranks {
  std::vector<double> rank;  // midranks, 1-based, in input order
  double tie_term = 0;       // sum over tie groups of t^3 - t
  bool has_ties = false;
};

Ranks midranks(std::span<const double> v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  Ranks out;
  out.rank.resize(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i + 1;
    while (j < order.size() && v[order[j]] == v[order[i]]) ++j;
    const double mid = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // mean of i+1..j
    for (std::size_t k = i; k < j; ++k) out.rank[order[k]] = mid;
    const auto t = static_cast<double>(j - i);
    out.tie_term += t * t * t - t;
    out.has_ties = out.has_ties || t > 1;
    i = j;
  }
  return out;
}

// ---- Null distributions and p-values -------------------------------------------------

// Null frequencies of Mann-Whitney U for group sizes n, m: the coefficients of the
// Gaussian binomial [n+m choose m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i) (Andrews,
// The Theory of Partitions, ch. 3). Working in power series truncated at q^(nm) keeps
// every step exact in integers; O(m * nm) instead of the O(N * m * N^2) rank-sum DP.
std::vector<double> mann_whitney_counts(std::size_t n, std::size_t m) {
  const std::size_t deg = n * m;
  std::vector<std::int64_t> c(deg + 1, 0);  // coefficients <= C(40, 20) < 2^38
  c[0] = 1;
  for (std::size_t i = 1; i <= m; ++i) {
    if (n + i <= deg)
      for (std::size_t d = deg; d >= n + i; --d) c[d] -= c[d - (n + i)];
    for (std::size_t d = i; d <= deg; ++d) c[d] += c[d - i];
  }
  return {c.begin(), c.end()};
}

// Null frequencies of W+ for n untied nonzero differences: prod_{i=1..n} (1 + q^i), each
// rank entering the positive sum or not with probability 1/2.
std::vector<double> signed_rank_counts(std::size_t n) {
  const std::size_t deg = n * (n + 1) / 2;
  std::vector<std::int64_t> c(deg + 1, 0);  // coefficients <= 2^25
  c[0] = 1;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t d = deg; d >= i; --d) c[d] += c[d - i];
  return {c.begin(), c.end()};
}

// Exact p of an integer statistic s from null frequencies symmetric about their mean. The
// two-sided p doubles the smaller tail, as R's wilcox.test does.
double exact_p(const std::vector<double>& counts, double s, Alternative alt) {
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  const auto k = static_cast<std::size_t>(std::llround(s));
  const double at_most = std::accumulate(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(k) + 1, 0.0);
  const double at_least = total - at_most + counts[k];
  switch (alt) {
    case Alternative::greater: return at_least / total;
    case Alternative::less: return at_most / total;
    case Alternative::two_sided: break;
  }
  const double mean = static_cast<double>(counts.size() - 1) / 2;
  return std::min(1.0, 2 * (s > mean ? at_least : at_most) / total);
}

// Normal approximation with a continuity correction of 1/2 toward the mean (the
// statistic moves in steps of at least 1/2 with midranks). Zero variance means every
// observation is tied: there is no evidence either way, so p = 1.
RankTest normal_approx(double s, double mean, double var, Alternative alt) {
  RankTest out{s, 0, 1};
  if (!(var > 0)) return out;
  const double diff = s - mean;
  double correction = 0;
  switch (alt) {
    case Alternative::greater: correction = 0.5; break;
    case Alternative::less: correction = -0.5; break;
    case Alternative::two_sided: correction = diff > 0 ? 0.5 : (diff < 0 ? -0.5 : 0); break;
  }
  out.z = (diff - correction) / std::sqrt(var);
  switch (alt) {
    case Alternative::greater: out.p = normal_cdf(-out.z); break;
    case Alternative::less: out.p = normal_cdf(out.z); break;
    case Alternative::two_sided: out.p = std::min(1.0, 2 * std::min(normal_cdf(out.z), normal_cdf(-out.z))); break;
  }
  return out;
}

void require_probabilities(const char* fn, std::span<const double> p) {
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!(p[i] >= 0 && p[i] <= 1)) invalid(fn, "p[" + std::to_string(i) + "] is not a probability in [0, 1]");
}

std::vector<std::size_t> ascending_order(std::span<const double> p) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  return order;
}

}  // namespace

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double median_ratio(std::span<const double> base, std::span<const double> next) {
  require_data("median_ratio", "base", base, 1);
  require_data("median_ratio", "next", next, 1);
  require_positive("median_ratio", "base", base);
  require_positive("median_ratio", "next", next);
  return stats::median(next) / stats::median(base);
}

Interval bootstrap_median_ratio_ci(std::span<const double> base, std::span<const double> next, double confidence,
                                   int resamples, std::uint64_t seed) {
  constexpr const char* fn = "bootstrap_median_ratio_ci";
  require_data(fn, "base", base, 2);
  require_data(fn, "next", next, 2);
  require_positive(fn, "base", base);
  require_positive(fn, "next", next);
  if (!(confidence > 0 && confidence < 1)) invalid(fn, "confidence must lie in (0, 1)");
  if (resamples < 100) invalid(fn, "resamples must be at least 100");

  SplitMix64 rng(seed);
  std::vector<double> ratios(static_cast<std::size_t>(resamples)), buf;
  for (double& r : ratios) {
    const double b = resampled_median(base, rng, buf);
    r = resampled_median(next, rng, buf) / b;
  }
  std::sort(ratios.begin(), ratios.end());
  const double alpha = 1 - confidence;
  return {quantile_sorted(ratios, alpha / 2), quantile_sorted(ratios, 1 - alpha / 2)};
}

RankTest mann_whitney_u(std::span<const double> base, std::span<const double> next, Alternative alt) {
  require_data("mann_whitney_u", "base", base, 1);
  require_data("mann_whitney_u", "next", next, 1);
  const std::size_t n = base.size(), m = next.size();
  std::vector<double> all(base.begin(), base.end());
  all.insert(all.end(), next.begin(), next.end());
  const Ranks ranks = midranks(all);

  const double rank_sum_next =
      std::accumulate(ranks.rank.begin() + static_cast<std::ptrdiff_t>(n), ranks.rank.end(), 0.0);
  const double dn = static_cast<double>(n), dm = static_cast<double>(m), big_n = dn + dm;
  const double u = rank_sum_next - dm * (dm + 1) / 2;
  // Tie-corrected variance (Hollander & Wolfe 1999, sec. 4.1, ties); N >= 2 here.
  const double var = dn * dm / 12 * ((big_n + 1) - ranks.tie_term / (big_n * (big_n - 1)));
  RankTest out = normal_approx(u, dn * dm / 2, var, alt);
  if (n <= 20 && m <= 20 && !ranks.has_ties) out.p = exact_p(mann_whitney_counts(n, m), u, alt);
  return out;
}

RankTest wilcoxon_signed_rank(std::span<const double> diffs, Alternative alt) {
  require_data("wilcoxon_signed_rank", "diffs", diffs, 1);
  std::vector<double> abs_nonzero;
  std::vector<bool> positive;
  for (double d : diffs) {
    if (d == 0) continue;
    abs_nonzero.push_back(std::fabs(d));
    positive.push_back(d > 0);
  }
  const std::size_t n = abs_nonzero.size();
  if (n == 0) return {};  // every pair equal: no evidence of a shift
  const Ranks ranks = midranks(abs_nonzero);
  double w_plus = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (positive[i]) w_plus += ranks.rank[i];

  const double dn = static_cast<double>(n);
  // Tie-corrected variance (Hollander & Wolfe 1999, sec. 3.1, ties).
  const double var = dn * (dn + 1) * (2 * dn + 1) / 24 - ranks.tie_term / 48;
  RankTest out = normal_approx(w_plus, dn * (dn + 1) / 4, var, alt);
  if (n <= 25 && !ranks.has_ties) out.p = exact_p(signed_rank_counts(n), w_plus, alt);
  return out;
}

double hodges_lehmann_shift(std::span<const double> base, std::span<const double> next) {
  require_data("hodges_lehmann_shift", "base", base, 1);
  require_data("hodges_lehmann_shift", "next", next, 1);
  std::vector<double> x(base.begin(), base.end()), y(next.begin(), next.end());
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  // Row i, column j holds y[j] - x[i]: nondecreasing in j because y is sorted and
  // rounding is monotone.
  const std::vector<std::size_t> lo(x.size(), 0), hi(x.size(), y.size());
  const std::uint64_t total = std::uint64_t{x.size()} * y.size();
  return median_of_implicit(lo, hi, total, [&](std::size_t i, std::size_t j) { return y[j] - x[i]; });
}

double hodges_lehmann_pseudomedian(std::span<const double> diffs) {
  require_data("hodges_lehmann_pseudomedian", "diffs", diffs, 1);
  std::vector<double> d(diffs.begin(), diffs.end());
  std::sort(d.begin(), d.end());
  // Row i holds the Walsh averages (d[i] + d[j]) / 2 for j in [i, n): the upper triangle.
  const std::size_t n = d.size();
  std::vector<std::size_t> lo(n), hi(n, n);
  std::iota(lo.begin(), lo.end(), std::size_t{0});
  const std::uint64_t total = std::uint64_t{n} * (n + 1) / 2;
  return median_of_implicit(std::move(lo), std::move(hi), total,
                            [&](std::size_t i, std::size_t j) { return (d[i] + d[j]) / 2; });
}

std::vector<double> holm_adjust(std::span<const double> p) {
  require_probabilities("holm_adjust", p);
  const std::size_t m = p.size();
  std::vector<double> out(m);
  double running_max = 0;  // step-down: an adjusted p never falls below an earlier one
  const std::vector<std::size_t> order = ascending_order(p);
  for (std::size_t k = 0; k < m; ++k) {
    const double v = std::min(1.0, static_cast<double>(m - k) * p[order[k]]);
    running_max = std::max(running_max, v);
    out[order[k]] = running_max;
  }
  return out;
}

std::vector<double> benjamini_hochberg_adjust(std::span<const double> p) {
  require_probabilities("benjamini_hochberg_adjust", p);
  const std::size_t m = p.size();
  std::vector<double> out(m);
  double running_min = 1;  // step-up: an adjusted p never exceeds a later one
  const std::vector<std::size_t> order = ascending_order(p);
  for (std::size_t k = m; k-- > 0;) {
    const double v = static_cast<double>(m) * p[order[k]] / static_cast<double>(k + 1);
    running_min = std::min(running_min, v);
    out[order[k]] = running_min;
  }
  return out;
}

}  // namespace sb::inference
